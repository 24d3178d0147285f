// demo_job_toml: the job file comparing the two demo databases.
#include <cstdio>

#include "recon/demo/demo.hpp"

namespace recon {
namespace {

/// A TOML basic string: quotes, backslashes and control characters escaped (Windows paths, odd
/// folder names).
std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string demo_job_toml(const std::filesystem::path& source_db, const std::filesystem::path& target_db,
                          const std::string& rules_file) {
  std::string t;
  t += "# recon demo: the consórcio tables in two SQLite files; the target carries planted divergences.\n";
  t += "[source]\nkind = \"sqlite\"\nurl  = " + toml_string(source_db.string()) + "\n\n";
  t += "[target]\nkind = \"sqlite\"\nurl  = " + toml_string(target_db.string()) + "\n\n";
  t += "[check]\nthreads    = 2\nchunk_rows = 50000\nslo        = 0.9999\n";
  if (!rules_file.empty()) t += "rules      = [" + toml_string(rules_file) + "]\n";
  for (const char* table : {"clientes", "produtos", "grupos", "simulacoes"}) {
    t += std::string("\n[[tables]]\nsource = \"") + table + "\"\ntarget = \"" + table + "\"\nkey    = [\"id\"]\n";
    if (std::string(table) == "simulacoes") t += "json_columns = [\"parametros_entrada\"]\n";
    // The clients' personal data: masked wherever shown, tokens in the audit (docs/privacy.md).
    if (std::string(table) == "clientes")
      t += "pii    = { cpf = \"cpf\", email = \"email\", telefone = \"phone\", nome = \"redact\" }\n";
  }
  return t;
}

}  // namespace recon
