#pragma once
// Private to the connectors: the pieces of a `kind://user@host:port/database` url that every
// connector with such a url parses the same way (sqlserver://, mysql://).

#include <cctype>
#include <string>

namespace recon::url_text {

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// %XX decoding of `in` into `out` (a user like "dom%5Cuser", a password holding '@' or ':' as
/// %40 / %3A, a database with spaces). False on a bad escape; `out` is then unspecified.
inline bool percent_decode(const std::string& in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

/// A character a host name may hold: letters, digits, '.', '-', '_'.
inline bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

}  // namespace recon::url_text
