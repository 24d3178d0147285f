#pragma once
// Private to the connectors: the one shape of a column decoder. Each connector decodes its own
// wire layouts (`Wire`, its enum), but what a value is converted to is the same everywhere: the
// comparison class and conversions the engine chose for the column pair (SelectColumn).

#include <cstdint>
#include <string>

#include "recon/core/canonical.hpp"
#include "recon/model/columns.hpp"

namespace recon {

/// SQL Server datetime keeps 1/300 s ticks and shows each rounded to the millisecond (.000, .003,
/// .007). Converting one to a finer type keeps the tick's exact value instead (datetime ->
/// datetime2(7) gives .0033333; a migration to timestamp(6) stores .003333). These say which
/// fraction of a second is which tick, so both spellings of a tick compare equal.
namespace datetime_ticks {

inline constexpr int kPerSecond = 300;

/// The millisecond SQL Server shows for tick `tick` (0..299) of a second, in µs (.003 -> 3000).
/// tick × 10/3 ms is never exactly half-way, so +1 then floor is round-to-nearest.
constexpr std::int64_t shown_micros(int tick) { return (std::int64_t{tick} * 10 + 1) / 3 * 1000; }

/// Tick `tick`'s exact value rounded to `digits` fractional digits, in µs. Digits past 6 are
/// read as 6: canonical timestamps are µs, and a 7-digit value (.0033333) rounded to µs is the
/// 6-digit one (a tick's 100 ns count never ends in 5, so the two roundings never disagree).
constexpr std::int64_t exact_micros(int tick, int digits) {
  const int d = digits > 6 ? 6 : digits;
  std::int64_t scale = 1;  // 10^d
  for (int i = 0; i < d; ++i) scale *= 10;
  const std::int64_t units = (2 * std::int64_t{tick} * scale + kPerSecond) / (2 * kPerSecond);  // never half-way
  return units * (1'000'000 / scale);
}

/// `micros` (µs since 1970) with its fraction of a second read as the shown millisecond when it
/// is a tick's exact value at `digits`; otherwise unchanged. Below 4 digits the exact value is the
/// shown one (or the column cannot hold a tick), so nothing changes.
constexpr std::int64_t as_shown(std::int64_t micros, int digits) {
  if (digits < 4) return micros;
  constexpr std::int64_t kSecond = 1'000'000;
  const std::int64_t second = (micros >= 0 ? micros : micros - (kSecond - 1)) / kSecond;  // floor
  const std::int64_t fraction = micros - second * kSecond;
  // The tick below the fraction, or the one above when the exact value was rounded up.
  const int below = static_cast<int>(fraction * kPerSecond / kSecond);
  for (int tick = below; tick <= below + 1 && tick < kPerSecond; ++tick)
    if (exact_micros(tick, digits) == fraction) return second * kSecond + shown_micros(tick);
  return micros;
}

/// Rewrites the canonical value written at `mark` of `out` (the value just decoded) through
/// as_shown when `digits` ≥ 0 and it is a timestamp; anything else stays.
inline void finish(std::string& out, std::size_t mark, int digits) {
  if (digits < 0 || out.size() <= mark || out[mark] != static_cast<char>(TypeClass::Timestamp)) return;
  std::size_t pos = mark;
  const std::int64_t micros = canon::read_value(out, pos).as_int64();
  const std::int64_t shown = as_shown(micros, digits);
  if (shown == micros) return;
  out.resize(mark);
  canon::put_timestamp(out, shown);
}

}  // namespace datetime_ticks

/// Everything needed to decode one column of a result, fixed before the rows arrive so the
/// per-value work is a switch on `wire` and nothing else.
template <class Wire>
struct ColumnDecoderFor {
  Wire wire{};
  TypeClass compare_as = TypeClass::Text;
  bool single_float = false;  ///< either side is float4: round to single before comparing
  bool trim_padding = false;  ///< either side is char(n): trailing spaces are not significant
  TimeRounding rounding = TimeRounding::HalfEven;
  int tick_digits = -1;       ///< SelectColumn::tick_digits
  std::string name;           ///< the column's native name, for messages only

  /// The decoder of `column`'s values as sent in `wire`.
  static ColumnDecoderFor of(const SelectColumn& column, Wire wire) {
    ColumnDecoderFor d;
    d.wire = wire;
    d.compare_as = column.compare_as;
    d.single_float = column.single_float || column.native.single_float;
    d.trim_padding = column.trim_padding;
    d.rounding = column.time_rounding;
    d.tick_digits = column.tick_digits;
    d.name = column.native.name;
    return d;
  }

  /// The step every decode path runs after writing a value at `mark` of `out`: what the column
  /// pair asks of a value beyond its class (a datetime tick's exact value read as shown).
  void finish(std::string& out, std::size_t mark) const { datetime_ticks::finish(out, mark, tick_digits); }
};

}  // namespace recon
