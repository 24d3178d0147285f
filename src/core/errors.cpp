// Error helpers: side names and password redaction.
#include <regex>

#include "recon/core/errors.hpp"

namespace recon {

const char* side_name(Side s) { return s == Side::Source ? "source" : "target"; }

std::string redact_secrets(const std::string& text) {
  // user:password@ in URLs; password=… / pwd=… in key=value strings (quoted or bare).
  static const std::regex url_secret(R"(://([^:/@\s]*):([^@\s]*)@)");
  static const std::regex kv_secret(R"(((?:password|pwd|passwd)\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s;&]*))",
                                    std::regex::icase);
  std::string out = std::regex_replace(text, url_secret, "://$1:***@");
  out = std::regex_replace(out, kv_secret, "$1***");
  return out;
}

}  // namespace recon
