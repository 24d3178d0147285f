// JSON canonicalisation for comparison: two JSON texts that denote the same document (key order,
// whitespace, escapes, 1.0 vs 1) canonicalise to the same bytes. Exact numbers: no double round-trip,
// which is why this is not a general-purpose JSON library.
#include <algorithm>
#include <map>
#include <vector>

#include "decimal_text.hpp"

namespace recon::canon {
namespace {

constexpr int kMaxDepth = 512;

class Canonicaliser {
 public:
  explicit Canonicaliser(std::string_view t) : t_(t) {}

  bool run(std::string& out) {
    skip_ws();
    if (!value(out, 0)) return false;
    skip_ws();
    return i_ == t_.size();
  }

 private:
  std::string_view t_;
  std::size_t i_ = 0;

  void skip_ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  bool literal(std::string_view word, std::string& out) {
    if (t_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    out.append(word);
    return true;
  }

  bool value(std::string& out, int depth) {
    if (depth > kMaxDepth || i_ >= t_.size()) return false;
    switch (t_[i_]) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        append_json_string(out, s);
        return true;
      }
      case 't': return literal("true", out);
      case 'f': return literal("false", out);
      case 'n': return literal("null", out);
      default: return number(out);
    }
  }

  bool number(std::string& out) {
    const std::size_t start = i_;
    while (i_ < t_.size() && (std::string_view("+-.eE0123456789").find(t_[i_]) != std::string_view::npos)) ++i_;
    const std::string_view text = t_.substr(start, i_ - start);
    if (text.empty() || text[0] == '+' || text[0] == '.') return false;
    DecimalParts p;
    if (!parse_decimal(text, p)) return false;
    render_decimal(p, out);
    return true;
  }

  static void append_utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool hex4(unsigned& v) {
    if (i_ + 4 > t_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = t_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else return false;
    }
    return true;
  }

  /// Reads a string literal at i_ into its unescaped bytes.
  bool string(std::string& s) {
    ++i_;  // opening quote
    while (i_ < t_.size()) {
      const char c = t_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        s.push_back(c);
        continue;
      }
      if (i_ >= t_.size()) return false;
      const char e = t_[i_++];
      switch (e) {
        case '"': s.push_back('"'); break;
        case '\\': s.push_back('\\'); break;
        case '/': s.push_back('/'); break;
        case 'b': s.push_back('\b'); break;
        case 'f': s.push_back('\f'); break;
        case 'n': s.push_back('\n'); break;
        case 'r': s.push_back('\r'); break;
        case 't': s.push_back('\t'); break;
        case 'u': {
          unsigned cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: a low one must follow
            unsigned lo;
            if (i_ + 2 > t_.size() || t_[i_] != '\\' || t_[i_ + 1] != 'u') return false;
            i_ += 2;
            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          append_utf8(s, cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  bool array(std::string& out, int depth) {
    ++i_;
    out.push_back('[');
    skip_ws();
    if (i_ < t_.size() && t_[i_] == ']') { ++i_; out.push_back(']'); return true; }
    for (bool first = true;; first = false) {
      if (!first) out.push_back(',');
      skip_ws();
      if (!value(out, depth + 1)) return false;
      skip_ws();
      if (i_ >= t_.size()) return false;
      if (t_[i_] == ',') { ++i_; continue; }
      if (t_[i_] == ']') { ++i_; out.push_back(']'); return true; }
      return false;
    }
  }

  bool object(std::string& out, int depth) {
    ++i_;
    std::map<std::string, std::string> members;  // sorted bytewise; later duplicates replace earlier
    skip_ws();
    if (i_ < t_.size() && t_[i_] == '}') {
      ++i_;
      out.append("{}");
      return true;
    }
    for (;;) {
      skip_ws();
      if (i_ >= t_.size() || t_[i_] != '"') return false;
      std::string key;
      if (!string(key)) return false;
      skip_ws();
      if (i_ >= t_.size() || t_[i_++] != ':') return false;
      skip_ws();
      std::string v;
      if (!value(v, depth + 1)) return false;
      members[std::move(key)] = std::move(v);
      skip_ws();
      if (i_ >= t_.size()) return false;
      if (t_[i_] == ',') { ++i_; continue; }
      if (t_[i_] == '}') { ++i_; break; }
      return false;
    }
    out.push_back('{');
    bool first = true;
    for (const auto& [k, v] : members) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, k);
      out.push_back(':');
      out.append(v);
    }
    out.push_back('}');
    return true;
  }
};

/// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_len(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0 && c >= 0xC2) n = 2;
  else if ((c & 0xF0) == 0xE0) n = 3;
  else if ((c & 0xF8) == 0xF0 && c <= 0xF4) n = 4;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_len(s, i);
      if (n == 0) {
        out.append("\xEF\xBF\xBD");
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        if (c < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

bool canonicalise_json(std::string_view text, std::string& out) {
  std::string result;
  if (!Canonicaliser(text).run(result)) return false;
  out.append(result);
  return true;
}

}  // namespace recon::canon
