#include "explain_values.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <utf8proc.h>

#include "recon/core/canonical.hpp"

namespace recon {
namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += continuation(c) ? 0 : 1;
  return n;
}

/// Terminal columns the first `chars` characters of `s` take (all of it by default): a wide
/// character (CJK, most emoji) takes two, a combining mark none (utf8proc_charwidth); a byte that
/// is not UTF-8 one.
std::size_t display_width(std::string_view s, std::size_t chars = std::string_view::npos) {
  std::size_t width = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  for (std::size_t n = 0; left > 0 && n < chars; ++n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t used = utf8proc_iterate(p, left, &cp);
    if (used <= 0) {  // not UTF-8: one byte, one column
      used = 1;
      cp = 'x';
    }
    width += static_cast<std::size_t>(std::max(0, utf8proc_charwidth(cp)));
    p += used;
    left -= used;
  }
  return width;
}

/// `s` padded with spaces to `width` terminal columns (never cut).
std::string pad(const std::string& s, std::size_t width) {
  const std::size_t n = display_width(s);
  return n >= width ? s : s + std::string(width - n, ' ');
}

/// A line with '^' in column `indent + column`.
std::string marker(std::size_t indent, std::size_t column) { return std::string(indent + column, ' ') + "^"; }

struct Pair {
  std::string name, source, target;
  bool differs = false;
};

void print_short(std::ostream& out, const Pair& p) {
  out << "  " << pad(p.name, 24) << " " << pad(p.source, kCellWidth) << " " << pad(p.target, kCellWidth)
      << (p.differs ? "  differs" : "") << "\n";
  if (!p.differs) return;
  if (const auto at = first_difference(p.source, p.target)) {
    std::string line = marker(2 + 24 + 1, display_width(p.source, *at));
    line = pad(line, 2 + 24 + 1 + kCellWidth + 1) + std::string(display_width(p.target, *at), ' ') + "^";
    out << line << "\n";
  }
}

void print_side(std::ostream& out, const char* label, const std::string& value, std::optional<std::size_t> at) {
  const auto lines = wrap_characters(value, kWrapWidth);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out << "    " << (i == 0 ? pad(label, 7) : std::string(7, ' ')) << " " << lines[i] << "\n";
    if (at && *at / kWrapWidth == i) out << marker(4 + 7 + 1, display_width(lines[i], *at % kWrapWidth)) << "\n";
  }
  // A difference just past the end of this side's last line (the other side is longer).
  if (at && *at / kWrapWidth >= lines.size()) {
    const std::size_t into_last = *at - (lines.size() - 1) * kWrapWidth;  // >= the last line's characters
    out << marker(4 + 7 + 1, display_width(lines.back()) + into_last - characters(lines.back())) << "\n";
  }
}

void print_long(std::ostream& out, const Pair& p) {
  if (p.source == p.target) {  // once, not twice: a long equal value is noise read two times
    out << "  " << pad(p.name, 24) << " " << fmt::format("same on both sides ({} characters)", characters(p.source)) << "\n";
    print_side(out, "both", p.source, std::nullopt);
    return;
  }
  const auto at = p.differs ? first_difference(p.source, p.target) : std::nullopt;
  out << "  " << pad(p.name, 24) << " "
      << (at ? fmt::format("differs from character {} (source {} characters, target {})", *at + 1,
                           characters(p.source), characters(p.target))
             : std::string("(long value)"))
      << "\n";
  print_side(out, "source", p.source, at);
  print_side(out, "target", p.target, at);
}

}  // namespace

std::optional<std::size_t> first_difference(std::string_view a, std::string_view b) {
  if (a == b) return std::nullopt;
  std::size_t i = 0, chars = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) {
    if (!continuation(a[i])) ++chars;
    ++i;
  }
  // Stopped inside a multi-byte character: that character is the first that differs.
  if (i > 0 && i < a.size() && continuation(a[i]) && chars > 0) --chars;
  return chars;
}

std::vector<std::string> wrap_characters(std::string_view text, std::size_t width) {
  std::vector<std::string> lines(1);
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!continuation(text[i])) {
      if (n == width) {
        lines.emplace_back();
        n = 0;
      }
      ++n;
    }
    lines.back().push_back(text[i]);
  }
  return lines;
}

void print_values(std::ostream& out, const TableContext& ctx, const Divergence& d, bool source_present,
                  bool target_present) {
  out << "  " << pad("column", 24) << " " << pad(source_present ? "source" : "source (absent)", kCellWidth) << " "
      << (target_present ? "target" : "target (absent)") << "\n";
  std::size_t ps = 0, pt = 0;
  for (std::size_t i = 0; i < ctx.target_values.size(); ++i) {
    Pair p{ctx.target_values[i].name, "-", "-", false};
    if (source_present && ps < d.source_values.size()) p.source = canon::to_display(canon::read_value(d.source_values, ps));
    if (target_present && pt < d.target_values.size()) p.target = canon::to_display(canon::read_value(d.target_values, pt));
    for (auto c : d.columns) p.differs |= c == i;
    if (display_width(p.source) <= kCellWidth && display_width(p.target) <= kCellWidth && display_width(p.name) <= 24)
      print_short(out, p);
    else
      print_long(out, p);
  }
}

}  // namespace recon
