// Name lists and value generators of the demo dataset.
#include "demo_data.hpp"

#include <cstdio>
#include <iterator>

namespace recon::demo {
namespace {

const char* const kFirst[] = {
    "João", "Maria", "José", "Ana", "Antônio", "Francisca", "Carlos", "Paulo", "Pedro", "Lucas",
    "Luiz", "Marcos", "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo",
    "Felipe", "Raimundo", "Rodrigo", "Juliana", "Márcia", "Fernanda", "Patrícia", "Aline",
    "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia", "Luciana", "Vanessa",
    "Mariana", "Gabriela", "Vera", "Vitória", "Larissa", "Cláudia", "Beatriz", "Luana", "Rita",
    "Sônia", "Renata", "Eliane", "Débora", "Thiago", "André", "Fábio", "Sérgio", "Vinícius",
    "Otávio", "Caio", "Heitor", "Cecília", "Helena", "Alice", "Valentina", "Enzo", "Miguel",
    "Arthur", "Davi", "Bernardo", "Lorena", "Isabela", "Sophia", "Manuela", "Joaquim", "Benedita"};
const char* const kLast[] = {
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima",
    "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes",
    "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques",
    "Machado", "Mendes", "Freitas", "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira",
    "Araújo", "Conceição", "Monteiro", "Moura", "Correia", "Cavalcanti", "Pinto", "Azevedo",
    "Brandão", "Magalhães", "Guimarães", "Falcão", "Sampaio", "Leão", "Peixoto"};
const char* const kParticle[] = {"de ", "da ", "dos ", "do "};
const char* const kDomains[] = {"gmail.com", "hotmail.com", "yahoo.com.br", "outlook.com",
                                "uol.com.br", "bol.com.br", "terra.com.br", "icloud.com"};
const int kDdd[] = {11, 11, 11, 21, 21, 31, 41, 51, 61, 71, 81, 85, 91, 19, 27, 48, 62, 92, 84, 98};

// tipo, label, min_k, max_k, step_k, prazos, weight (per mille)
const ProductLine kLines[] = {
    {"IMOVEL", "Imóvel", 80, 800, 5, {120, 150, 180, 200, 220, 0}, 350},
    {"AUTO", "Automóvel", 30, 250, 1, {36, 48, 60, 72, 80, 100}, 400},
    {"MOTO", "Motocicleta", 8, 40, 1, {24, 36, 48, 60, 0, 0}, 120},
    {"SERVICOS", "Serviços", 5, 30, 1, {12, 24, 36, 0, 0, 0}, 80},
    {"PESADOS", "Veículos Pesados", 150, 600, 10, {60, 80, 100, 120, 0, 0}, 50},
};

}  // namespace

std::string person_name(Rng& rng) {
  std::string n = rng.pick(kFirst);
  n += ' ';
  if (rng.chance(250)) n += rng.pick(kParticle);
  n += rng.pick(kLast);
  if (rng.chance(700)) {
    n += ' ';
    n += rng.pick(kLast);
  }
  return n;
}

std::string ascii_lower(std::string_view s) {
  // U+00C0..U+00FF folded to ASCII (x stands for × and ÷, which names never contain).
  static constexpr char kFold[] = "aaaaaaaceeeeiiiidnoooooxouuuuyts" "aaaaaaaceeeeiiiidnoooooxouuuuyty";
  static_assert(sizeof kFold == 65);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      out.push_back(kFold[static_cast<unsigned char>(s[++i]) & 0x3F]);
    } else if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
    }
  }
  return out;
}

std::string email_for(std::string_view name, std::int64_t id, Rng& rng) {
  const std::string a = ascii_lower(name);
  const auto first = a.substr(0, a.find(' '));
  const auto last = a.substr(a.rfind(' ') + 1);
  std::string e = first;
  e += rng.chance(500) ? "." : "_";
  e += last;
  e += std::to_string(id % 1000);
  e += '@';
  e += rng.pick(kDomains);
  return e;
}

std::string phone(Rng& rng) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "(%d) 9%04d-%04d", rng.pick(kDdd), static_cast<int>(rng.below(10000)),
                static_cast<int>(rng.below(10000)));
  return buf;
}

std::string cpf_for(std::int64_t id) {
  // 387420489 = 3^18 is coprime with 10^9, so id -> id*3^18 mod 10^9 is a bijection.
  const std::int64_t base = (id * 387420489 + 123456789) % 1'000'000'000;
  int d[11];
  std::int64_t v = base;
  for (int i = 8; i >= 0; --i, v /= 10) d[i] = static_cast<int>(v % 10);
  for (int check = 9; check <= 10; ++check) {
    int sum = 0;
    for (int i = 0; i < check; ++i) sum += d[i] * (check + 1 - i);
    const int r = (sum * 10) % 11;
    d[check] = r == 10 ? 0 : r;
  }
  std::string s(11, '0');
  for (int i = 0; i < 11; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>('0' + d[i]);
  return s;
}

std::string cents_text(std::int64_t cents) {
  const bool neg = cents < 0;
  const std::int64_t a = neg ? -cents : cents;
  std::string frac = std::to_string(a % 100);
  if (frac.size() < 2) frac.insert(0, "0");
  return (neg ? "-" : "") + std::to_string(a / 100) + "." + frac;
}

const ProductLine& product_line(std::size_t i) { return kLines[i]; }
std::size_t product_line_count() { return std::size(kLines); }

std::size_t draw_product_line(Rng& rng) {
  auto r = static_cast<int>(rng.below(1000));
  for (std::size_t i = 0; i < std::size(kLines); ++i) {
    if (r < kLines[i].weight) return i;
    r -= kLines[i].weight;
  }
  return 0;
}

}  // namespace recon::demo
