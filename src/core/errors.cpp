// Error helpers: side names and password redaction.
#include <algorithm>
#include <regex>
#include <string_view>

#include "recon/core/errors.hpp"

namespace recon {

const char* side_name(Side s) { return s == Side::Source ? "source" : "target"; }

namespace {

constexpr std::size_t npos = std::string_view::npos;

/// True when `port` reads as a port number (digits only; empty counts, as in "h:/db").
bool port_like(std::string_view port) { return port.find_first_not_of("0123456789") == npos; }

/// Where the userinfo of `url` (the text after "://") ends: the '@' before the host, or npos when
/// there is none. The rule is redact_secrets's (errors.hpp).
std::size_t userinfo_end(std::string_view url) {
  const std::size_t query = url.find_first_of("?#");
  if (const std::size_t at = url.substr(0, query).rfind('@'); at != npos) return at;
  if (query == npos) return npos;
  // No '@' before the query. Only a password can hold the '?' or '#': it is one when the
  // authority reads as user:password, i.e. what follows its ':' is not a port.
  const std::string_view authority = url.substr(0, url.find_first_of("/?#"));
  const std::size_t colon = authority.find(':');
  if (authority.empty() || authority[0] == '[' || colon == npos) return npos;
  if (port_like(authority.substr(colon + 1, authority.find(',', colon) - colon - 1))) return npos;
  const std::size_t first_at = url.find('@', query);
  if (first_at == npos) return npos;
  return url.substr(0, url.find_first_of("/?#", first_at)).rfind('@');
}

/// Masks the password of every "scheme://user:password@host" in `text`.
std::string redact_url_passwords(const std::string& text) {
  std::string out;
  std::size_t done = 0;
  for (std::size_t mark = text.find("://"); mark != npos; mark = text.find("://", mark + 3)) {
    const std::size_t start = mark + 3;
    const std::size_t end = std::min(text.find_first_of(" \t\r\n\f\v", start), text.find("://", start));
    const std::string_view url = std::string_view(text).substr(start, end == npos ? npos : end - start);
    const std::size_t at = userinfo_end(url);
    const std::size_t colon = at == npos ? npos : url.substr(0, at).find(':');
    if (colon == npos) continue;
    out.append(text, done, start + colon + 1 - done);
    out += "***";
    done = start + at;
  }
  return out.append(text, done);
}

}  // namespace

std::string redact_secrets(const std::string& text) {
  // password=… / pwd=… in key=value strings (quoted or bare).
  static const std::regex kv_secret(R"(((?:password|pwd|passwd)\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s;&]*))",
                                    std::regex::icase);
  return std::regex_replace(redact_url_passwords(text), kv_secret, "$1***");
}

}  // namespace recon
