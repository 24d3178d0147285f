#include "recon/report/explain_command.hpp"

#include "recon/core/canonical.hpp"

namespace recon {

std::string shell_quote(std::string_view s) {
  const bool plain = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                       "0123456789-_./:=,@%+") == std::string_view::npos;
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string explain_command(const RunResult& run, const std::string& table, std::string_view key) {
  std::string cmd = "recon explain --run " + shell_quote(run.run_id);
  if (!run.audit_db.empty()) cmd += " --audit " + shell_quote(run.audit_db);
  return cmd + " --table " + shell_quote(table) + " --key " + shell_quote(canon::key_to_json(key));
}

}  // namespace recon
