// date_format / timestamp_format of a dms_csv side: tokens in, canonical text out.
#include "recon/config/dms_time_format.hpp"

#include <fmt/format.h>

#include <cstring>

namespace recon {
namespace {

using Part = DmsTimeFormat::Part;

struct Token {
  const char* text;
  Part part;
};
constexpr Token kTokens[] = {{"YYYY", Part::Year}, {"MM", Part::Month},  {"MI", Part::Minute},  {"DD", Part::Day},
                             {"HH", Part::Hour},   {"SS", Part::Second}, {"FF", Part::Fraction}};

bool is_token_letter(char c) { return std::strchr("YMDHISF", c) != nullptr && c != '\0'; }

bool is_leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

long days_in_month(long y, long m) {
  static constexpr long kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

/// Exactly `n` digits at value[i…] into v.
bool fixed_digits(std::string_view value, std::size_t& i, std::size_t n, long& v) {
  if (i + n > value.size()) return false;
  v = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const char c = value[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  i += n;
  return true;
}

}  // namespace

std::optional<DmsTimeFormat> DmsTimeFormat::compile(std::string_view spec, bool with_time, std::string& why) {
  DmsTimeFormat f;
  f.spec_ = std::string(spec);
  f.with_time_ = with_time;
  int seen[8] = {};
  for (std::size_t i = 0; i < spec.size();) {
    const Token* hit = nullptr;
    for (const Token& t : kTokens)
      if (spec.substr(i, std::strlen(t.text)) == t.text) {
        hit = &t;
        break;
      }
    if (hit) {
      f.items_.push_back({hit->part});
      ++seen[static_cast<int>(hit->part)];
      i += std::strlen(hit->text);
      continue;
    }
    if (is_token_letter(spec[i])) {
      why = fmt::format("'{}' at position {} is not a token (YYYY, MM, DD, HH, MI, SS, FF)", spec[i], i + 1);
      return std::nullopt;
    }
    f.items_.push_back({Part::Literal, spec[i]});
    ++i;
  }
  const char* names[] = {"", "YYYY", "MM", "DD", "HH", "MI", "SS", "FF"};
  for (int p = 1; p <= 7; ++p) {
    const bool time_part = p >= static_cast<int>(Part::Hour);
    const int want_max = (time_part && !with_time) ? 0 : 1;
    const bool required = p != static_cast<int>(Part::Fraction) && (!time_part || with_time);
    if (seen[p] > want_max || (required && seen[p] == 0)) {
      why = with_time ? fmt::format("must hold YYYY, MM, DD, HH, MI and SS once each (FF at most once); {} appears {} "
                                    "time(s)", names[p], seen[p])
                      : fmt::format("must hold YYYY, MM and DD once each and no time token; {} appears {} time(s)",
                                    names[p], seen[p]);
      return std::nullopt;
    }
  }
  for (std::size_t k = 0; k < f.items_.size(); ++k) {
    if (f.items_[k].part != Part::Fraction) continue;
    if (k + 1 < f.items_.size() && f.items_[k + 1].part != Part::Literal) {
      why = "FF (1 to 9 digits) must not be followed directly by another number token";
      return std::nullopt;
    }
    if (k > 0 && f.items_[k - 1].part == Part::Literal) f.items_[k - 1].optional_with_next = true;
  }
  return f;
}

std::optional<std::string> DmsTimeFormat::to_canonical(std::string_view value, bool zone_tail) const {
  long y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string_view frac;
  std::size_t i = 0;
  for (std::size_t k = 0; k < items_.size(); ++k) {
    const Item& it = items_[k];
    switch (it.part) {
      case Part::Literal:
        if (i < value.size() && value[i] == it.literal) {
          // ".FF" without digits after the literal: the literal was text, not the fraction's.
          if (it.optional_with_next && (i + 1 >= value.size() || value[i + 1] < '0' || value[i + 1] > '9')) {
            ++k;
            break;
          }
          ++i;
        } else if (it.optional_with_next) {
          ++k;  // no fraction
        } else {
          return std::nullopt;
        }
        break;
      case Part::Year: if (!fixed_digits(value, i, 4, y)) return std::nullopt; break;
      case Part::Month: if (!fixed_digits(value, i, 2, mo)) return std::nullopt; break;
      case Part::Day: if (!fixed_digits(value, i, 2, d)) return std::nullopt; break;
      case Part::Hour: if (!fixed_digits(value, i, 2, h)) return std::nullopt; break;
      case Part::Minute: if (!fixed_digits(value, i, 2, mi)) return std::nullopt; break;
      case Part::Second: if (!fixed_digits(value, i, 2, s)) return std::nullopt; break;
      case Part::Fraction: {
        const std::size_t start = i;
        while (i < value.size() && i - start < 9 && value[i] >= '0' && value[i] <= '9') ++i;
        if (i == start) return std::nullopt;
        frac = value.substr(start, i - start);
        break;
      }
    }
  }
  if (i != value.size() && !zone_tail) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) return std::nullopt;
  std::string out = fmt::format("{:04}-{:02}-{:02}", y, mo, d);
  if (with_time_) {
    out += fmt::format(" {:02}:{:02}:{:02}", h, mi, s);
    if (!frac.empty()) out += "." + std::string(frac);
  }
  out += value.substr(i);
  return out;
}

DmsTimeFormat DmsTimeFormat::dms_date() {
  std::string why;
  return *compile("YYYY-MM-DD", false, why);
}

DmsTimeFormat DmsTimeFormat::dms_timestamp() {
  std::string why;
  return *compile("YYYY-MM-DD HH:MI:SS.FF", true, why);
}

}  // namespace recon
