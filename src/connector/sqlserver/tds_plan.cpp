// Planning arithmetic of the SQL Server connector. See tds_plan.hpp.
#include "tds_plan.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "recon/core/canonical.hpp"

namespace recon::tds {
namespace {

/// A one-value key as an integer on the line the class orders by, when it has one.
std::optional<std::int64_t> ordinal(const std::string& key, TypeClass& tag) {
  std::size_t pos = 0;
  const canon::ValueView v = canon::read_value(key, pos);
  if (pos != key.size()) return std::nullopt;
  tag = v.tag;
  switch (v.tag) {
    case TypeClass::Integer:
    case TypeClass::Time:
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: return v.as_int64();
    case TypeClass::Date: return v.as_int32();
    default: return std::nullopt;
  }
}

std::string encode(TypeClass tag, std::int64_t v) {
  std::string out;
  switch (tag) {
    case TypeClass::Integer: canon::put_integer(out, v); break;
    case TypeClass::Time: canon::put_time(out, v); break;
    case TypeClass::Timestamp: canon::put_timestamp(out, v); break;
    case TypeClass::TimestampTz: canon::put_timestamptz(out, v); break;
    default: canon::put_date(out, static_cast<std::int32_t>(v)); break;
  }
  return out;
}

/// Bounds strictly between `lo` and `hi`, `count` of them (fewer when the integers run out).
void between(TypeClass tag, std::int64_t lo, std::int64_t hi, std::int64_t count, std::vector<std::string>& out) {
  const __int128 span = static_cast<__int128>(hi) - lo;
  count = static_cast<std::int64_t>(std::min<__int128>(count, span - 1));
  std::int64_t last = lo;
  for (std::int64_t j = 1; j <= count; ++j) {
    const auto v = static_cast<std::int64_t>(lo + span * j / (count + 1));
    if (v > last && v < hi) out.push_back(encode(tag, v));
    last = v;
  }
}

}  // namespace

std::vector<std::string> histogram_keys(const std::vector<HistogramStep>& steps, std::size_t wanted) {
  std::vector<const HistogramStep*> bounds;
  for (const HistogramStep& s : steps)
    if (s.key) bounds.push_back(&s);
  std::vector<std::string> out;
  if (bounds.empty() || wanted == 0) return out;
  if (bounds.size() > 2 * wanted) {
    const std::size_t k = bounds.size() / wanted;
    for (std::size_t i = 0; i < bounds.size(); i += k) out.push_back(*bounds[i]->key);
    return out;
  }
  std::int64_t rows = 0;
  for (const HistogramStep* s : bounds) rows += std::max<std::int64_t>(0, s->range_rows) + std::max<std::int64_t>(0, s->equal_rows);
  const double per_key = std::max(1.0, static_cast<double>(rows) / static_cast<double>(wanted));
  TypeClass tag = TypeClass::Null, prev_tag = TypeClass::Null;
  std::optional<std::int64_t> prev;
  for (const HistogramStep* s : bounds) {
    const std::optional<std::int64_t> here = bounds.size() < wanted ? ordinal(*s->key, tag) : std::nullopt;
    if (here && prev && prev_tag == tag && *here > *prev)
      between(tag, *prev, *here, static_cast<std::int64_t>(std::floor(static_cast<double>(s->range_rows) / per_key)), out);
    out.push_back(*s->key);
    prev = here;
    prev_tag = tag;
  }
  return out;
}

SamplePlan sample_plan(std::int64_t rows, std::int64_t pages, std::size_t wanted) {
  SamplePlan p;
  if (rows <= 0 || wanted == 0) return p;
  const double n = static_cast<double>(wanted);
  double percent = 100.0 * n / static_cast<double>(rows);
  if (pages > 0) {
    constexpr double kMinPages = 64;
    const double all = static_cast<double>(pages);
    const double want_pages = std::clamp(n / 8.0, std::min(kMinPages, all), all);
    percent = std::max(percent, 100.0 * want_pages / all);
  }
  p.percent = std::clamp(percent, 0.0001, 100.0);
  const double expected = static_cast<double>(rows) * p.percent / 100.0;
  p.keep_one_in = static_cast<std::uint64_t>(std::max(1.0, std::floor(expected / (2 * n))));
  return p;
}

std::uint64_t scan_stride(std::int64_t rows, std::size_t wanted) {
  const auto r = static_cast<std::uint64_t>(std::max<std::int64_t>(rows, 0));
  if (wanted == 0 || r <= wanted * 2) return 1;
  return r / wanted;
}

std::string percent_literal(double percent) { return fmt::format("{:.6f}", percent); }

}  // namespace recon::tds
