// build_demo_databases: the source, and a target that is the source plus planted divergences.
//
// Both files are written in one pass: every row is generated once from the main random stream
// (so the data does not depend on the plants), then written to the source and/or the target
// according to the plant drawn for its id from a second stream.
#include <algorithm>

#include "demo_data.hpp"
#include "demo_writer.hpp"
#include "recon/core/canonical.hpp"
#include "recon/core/errors.hpp"
#include "recon/demo/demo.hpp"
#include "recon/generated/sql_text.hpp"

namespace recon {
namespace {

using demo::Rng;
using demo::Writer;

/// What happens to one id. Change kinds are real divergences; respell kinds write an equal value
/// spelled differently in the target and must NOT be reported.
enum Kind : std::uint8_t {
  kSame = 0,
  kDropTarget,   // missing_in_target
  kDropSource,   // missing_in_source (an extra row in the target)
  kChangeA, kChangeB, kChangeC, kChangeD, kChangeE,
  kRespellA, kRespellB, kRespellC,
};
bool is_change(std::uint8_t k) { return k >= kChangeA && k <= kChangeE; }
bool is_respell(std::uint8_t k) { return k >= kRespellA; }

struct Plant {
  Kind kind;
  std::int64_t count;
};

/// Draws distinct ids in [1, rows] for each plant; records the counts in `truth` under `table`.
std::vector<std::uint8_t> plan_plants(Rng& rng, std::int64_t rows, const std::vector<Plant>& plants,
                                      const std::string& table, DemoTruth& truth) {
  std::vector<std::uint8_t> kind(static_cast<std::size_t>(rows) + 1, kSame);
  std::array<std::int64_t, 3> counts{0, 0, 0};
  std::int64_t respelled = 0, placed = 0;
  for (const auto& p : plants) {
    for (std::int64_t i = 0; i < p.count && placed < rows; ++i, ++placed) {
      std::size_t id;
      do id = static_cast<std::size_t>(rng.between(1, rows)); while (kind[id] != kSame);
      kind[id] = p.kind;
      if (p.kind == kDropTarget) ++counts[0];
      else if (p.kind == kDropSource) ++counts[1];
      else if (is_change(p.kind)) ++counts[2];
      else if (is_respell(p.kind)) ++respelled;
    }
  }
  truth.planted[table] = counts;
  truth.respelled[table] = respelled;
  return kind;
}

/// An equal decimal spelled differently: "1234.50" -> "1234.5", "1234.56" -> "1234.560".
std::string respell_decimal(std::string s) {
  if (s.back() == '0') s.pop_back();
  else s += '0';
  return s;
}

const char* const kStatus[] = {"SIMULADA", "CONTRATADA", "EXPIRADA", "CANCELADA"};
const char* const kSituacao[] = {"ATIVO", "ENCERRADO", "EM_FORMACAO"};

std::size_t draw_status(Rng& rng) {
  const auto r = rng.below(1000);
  return r < 550 ? 0 : r < 750 ? 1 : r < 950 ? 2 : 3;
}

constexpr std::int64_t kClientes = 20000, kProdutos = 50, kGrupos = 2000;

void build_clientes(Rng& rng, Rng& plant_rng, Writer& src, Writer& tgt, DemoTruth& truth) {
  // A: trailing space in nome; B: email NULL in the source, '' in the target; C: telefone.
  const auto kind = plan_plants(plant_rng, kClientes,
                                {{kDropTarget, 20}, {kDropSource, 10}, {kChangeA, 12}, {kChangeB, 12},
                                 {kChangeC, 8}},
                                "clientes", truth);
  const auto s = src.prepare(sql::demo_insert_clientes), t = tgt.prepare(sql::demo_insert_clientes);
  for (std::int64_t id = 1; id <= kClientes; ++id) {
    const std::string nome = demo::person_name(rng);
    const std::string cpf = demo::cpf_for(id);
    std::optional<std::string> email;
    if (!rng.chance(30)) email = demo::email_for(nome, id, rng);
    const std::string telefone = demo::phone(rng);
    const auto k = kind[static_cast<std::size_t>(id)];
    if (k == kChangeB) email.reset();
    if (k != kDropSource) src.insert(s, {id, nome, cpf, email, telefone});
    if (k == kDropTarget) continue;
    const std::string nome_t = k == kChangeA ? nome + " " : nome;
    const std::optional<std::string> email_t = k == kChangeB ? std::optional<std::string>("") : email;
    std::string telefone_t = telefone;
    if (k == kChangeC) telefone_t.back() = telefone_t.back() == '9' ? '0' : static_cast<char>(telefone_t.back() + 1);
    tgt.insert(t, {id, nome_t, cpf, email_t, telefone_t});
  }
}

void build_produtos(Rng& rng, Writer& src, Writer& tgt, DemoTruth& truth) {
  // Left identical on purpose: one table of the demo is consistent.
  truth.planted["produtos"] = {0, 0, 0};
  truth.respelled["produtos"] = 0;
  const auto s = src.prepare(sql::demo_insert_produtos), t = tgt.prepare(sql::demo_insert_produtos);
  for (std::int64_t id = 1; id <= kProdutos; ++id) {
    const auto& line = demo::product_line(static_cast<std::size_t>(id - 1) % demo::product_line_count());
    const std::int64_t k = line.min_k + line.step_k * static_cast<std::int64_t>(
                               rng.below(static_cast<std::uint64_t>((line.max_k - line.min_k) / line.step_k + 1)));
    const std::string nome = std::string("Consórcio ") + line.label + " " + std::to_string(k) + " mil";
    int max_prazo = 0;
    for (int p : line.prazos) max_prazo = std::max(max_prazo, p);
    const std::string descricao = "Carta de crédito de R$ " + std::to_string(k) + ".000,00 para " +
                                  line.label + ", em até " + std::to_string(max_prazo) +
                                  " meses, sem juros, com taxa de administração diluída nas parcelas.";
    src.insert(s, {id, nome, descricao});
    tgt.insert(t, {id, nome, descricao});
  }
}

void build_grupos(Rng& rng, Rng& plant_rng, Writer& src, Writer& tgt, DemoTruth& truth) {
  // A: situacao changed; B: data_criacao one day later; respell A: the date with a midnight time.
  const auto kind = plan_plants(plant_rng, kGrupos,
                                {{kDropTarget, 3}, {kDropSource, 2}, {kChangeA, 3}, {kChangeB, 2},
                                 {kRespellA, 3}},
                                "grupos", truth);
  const auto s = src.prepare(sql::demo_insert_grupos), t = tgt.prepare(sql::demo_insert_grupos);
  const std::int32_t first_day = canon::days_from_civil(2015, 1, 1);
  for (std::int64_t id = 1; id <= kGrupos; ++id) {
    const auto produto = rng.between(1, kProdutos);
    const auto r = rng.below(1000);
    const std::size_t situacao = r < 600 ? 0 : r < 900 ? 1 : 2;
    const auto day = first_day + static_cast<std::int32_t>(rng.below(3650));
    const std::string data = canon::format_date(day);
    const auto k = kind[static_cast<std::size_t>(id)];
    if (k != kDropSource) src.insert(s, {id, produto, kSituacao[situacao], data});
    if (k == kDropTarget) continue;
    const char* situacao_t = k == kChangeA ? kSituacao[(situacao + 1) % 3] : kSituacao[situacao];
    const std::string data_t = k == kChangeB ? canon::format_date(day + 1)
                               : k == kRespellA ? data + " 00:00:00" : data;
    tgt.insert(t, {id, produto, situacao_t, data_t});
  }
}

void build_simulacoes(Rng& rng, Rng& plant_rng, std::int64_t rows, Writer& src, Writer& tgt,
                      DemoTruth& truth) {
  // Per 100k rows. Changes: A resultado +0.01, B status, C data_simulacao +1 s, D a JSON value,
  // E prazo_meses. Respells: A resultado '1234.5', B JSON key order/whitespace/number spelling,
  // C timestamp 'YYYY-MM-DDTHH:MM:SS.000000'.
  auto n = [rows](std::int64_t per_100k) { return rows < 1000 ? 0 : std::max<std::int64_t>(1, rows * per_100k / 100000); };
  const auto kind = plan_plants(plant_rng, rows,
                                {{kDropTarget, n(80)}, {kDropSource, n(40)}, {kChangeA, n(20)},
                                 {kChangeB, n(20)}, {kChangeC, n(20)}, {kChangeD, n(20)},
                                 {kChangeE, n(20)}, {kRespellA, n(17)}, {kRespellB, n(17)},
                                 {kRespellC, n(17)}},
                                "simulacoes", truth);
  const auto s = src.prepare(sql::demo_insert_simulacoes), t = tgt.prepare(sql::demo_insert_simulacoes);
  const std::int64_t first_second = std::int64_t{canon::days_from_civil(2022, 1, 1)} * 86400;
  for (std::int64_t id = 1; id <= rows; ++id) {
    const auto id_cliente = rng.between(1, kClientes);
    const std::int64_t second = first_second + static_cast<std::int64_t>(rng.below(3LL * 365 * 86400));
    const auto& line = demo::product_line(demo::draw_product_line(rng));
    const std::int64_t valor_k = line.min_k + line.step_k * static_cast<std::int64_t>(rng.below(
                                     static_cast<std::uint64_t>((line.max_k - line.min_k) / line.step_k + 1)));
    int prazo = 0;
    while (prazo == 0) prazo = line.prazos[rng.below(6)];
    const std::int64_t taxa_bp = 1000 + 50 * static_cast<std::int64_t>(rng.below(21));  // 10.00%..20.00%
    const std::size_t status = draw_status(rng);

    const std::int64_t valor_cents = valor_k * 1000 * 100;
    // Monthly instalment: credit plus administration fee over the term, rounded to the cent.
    const std::int64_t num = valor_cents * (10000 + taxa_bp), den = 10000LL * prazo;
    const std::int64_t resultado_cents = (num + den / 2) / den;

    const std::string data = canon::format_timestamp(second * kMicrosPerSecond);
    const std::string tipo = line.tipo;
    const std::string valor = demo::cents_text(valor_cents);
    const std::string params = R"({"prazo":)" + std::to_string(prazo) + R"(,"valor":)" + valor +
                               R"(,"tipo":")" + tipo + R"("})";
    const std::string resultado = demo::cents_text(resultado_cents);
    const std::string taxa = demo::cents_text(taxa_bp);
    const auto k = kind[static_cast<std::size_t>(id)];
    if (k != kDropSource)
      src.insert(s, {id, id_cliente, data, params, resultado, valor, prazo, taxa, kStatus[status]});
    if (k == kDropTarget) continue;

    std::string data_t = data, params_t = params, resultado_t = resultado;
    const char* status_t = kStatus[status];
    int prazo_t = prazo;
    switch (k) {
      case kChangeA: resultado_t = demo::cents_text(resultado_cents + 1); break;
      case kChangeB: status_t = kStatus[(status + 1) % std::size(kStatus)]; break;
      case kChangeC: data_t = canon::format_timestamp((second + 1) * kMicrosPerSecond); break;
      case kChangeD:
        params_t = R"({"prazo":)" + std::to_string(prazo) + R"(,"valor":)" +
                   demo::cents_text(valor_cents + 100000) + R"(,"tipo":")" + tipo + R"("})";
        break;
      case kChangeE: prazo_t = prazo + 12; break;
      case kRespellA: resultado_t = respell_decimal(resultado); break;
      case kRespellB:
        params_t = R"({ "tipo": ")" + tipo + R"(", "valor": )" + respell_decimal(valor) +
                   R"(, "prazo": )" + std::to_string(prazo) + " }";
        break;
      case kRespellC: data_t = data; data_t[10] = 'T'; data_t += ".000000"; break;
      default: break;
    }
    tgt.insert(t, {id, id_cliente, data_t, params_t, resultado_t, valor, prazo_t, taxa, status_t});
  }
}

}  // namespace

DemoTruth build_demo_databases(const std::filesystem::path& source_db,
                               const std::filesystem::path& target_db, const DemoPlan& plan) {
  if (plan.simulacoes < 0) throw InputError("demo: the number of simulacoes must not be negative");
  if (std::filesystem::weakly_canonical(source_db) == std::filesystem::weakly_canonical(target_db))
    throw InputError("demo: source and target must be different files (both are " + source_db.string() + ")");
  DemoTruth truth;
  Writer src(source_db), tgt(target_db);
  Rng rng(plan.seed);
  Rng plant_rng(plan.seed ^ 0x9E3779B97F4A7C15ULL);  // plants independent of the data stream
  build_produtos(rng, src, tgt, truth);
  build_clientes(rng, plant_rng, src, tgt, truth);
  build_grupos(rng, plant_rng, src, tgt, truth);
  build_simulacoes(rng, plant_rng, plan.simulacoes, src, tgt, truth);
  src.commit();
  tgt.commit();
  return truth;
}

}  // namespace recon
