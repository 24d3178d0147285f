// [[tables]] pii = { column = "mask" } and [check].pii_key_env (docs/privacy.md).
#include "job_pii.hpp"

#include <fmt/format.h>

#include "recon/core/errors.hpp"

namespace recon::config_detail {

namespace {
/// Fewer bytes than this make tokens open to guessing the key; a scheduler's secret store gives more.
constexpr std::size_t kMinKeyBytes = 16;
}  // namespace

std::vector<PiiColumn> read_pii(const TableReader& r, const std::string& origin) {
  std::vector<PiiColumn> out;
  const toml::node* node = r.get("pii");
  if (!node) return out;
  const toml::table* map = r.sub_table("pii");
  if (!map)
    r.fail("pii", "must be a table of column = \"mask\", e.g. pii = { cpf = \"cpf\", email = \"email\" }");
  for (const auto& [k, v] : *map) {
    const std::string column(k.str());
    const auto* text = v.as_string();
    const auto kind = text ? privacy::parse_mask_kind(text->get()) : std::nullopt;
    if (!kind)
      throw InputError(fmt::format("{}: pii.{} must be one of {} (how the column's values are shown)",
                                   where(origin, v), column, privacy::mask_kind_names()));
    out.push_back(PiiColumn{column, *kind});
  }
  return out;
}

void resolve_pii_key(RunOptions& opts, const std::string& origin) {
  const TableJob* first = nullptr;
  for (const TableJob& t : opts.tables)
    if (!t.pii.empty() && !first) first = &t;
  if (!first) return;
  auto key = privacy::token_key_from_env(opts.pii_key_env);
  const char* raw = std::getenv(opts.pii_key_env.c_str());
  if (!key || !raw || std::string_view(raw).size() < kMinKeyBytes)
    throw InputError(fmt::format(
        "{}:{}: table '{}' declares pii columns, but the environment variable {} {}: export a secret of at least "
        "{} bytes (e.g. from the scheduler's secret store) and keep it the same for every run, since the audit keeps "
        "tokens made with it; name another variable with [check].pii_key_env",
        origin, first->line, first->name, opts.pii_key_env, raw && *raw ? "is too short" : "is not set",
        kMinKeyBytes));
  opts.pii_key = std::make_shared<const privacy::TokenKey>(std::move(*key));
}

}  // namespace recon::config_detail
