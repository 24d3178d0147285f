#include "recon/engine/compare.hpp"

#include "recon/core/canonical.hpp"

namespace recon {

RangeCounts& RangeCounts::operator+=(const RangeCounts& o) {
  rows_source += o.rows_source;
  rows_target += o.rows_target;
  rows_compared += o.rows_compared;
  matched += o.matched;
  missing_in_target += o.missing_in_target;
  missing_in_source += o.missing_in_source;
  changed += o.changed;
  return *this;
}

std::vector<std::uint32_t> differing_columns(std::string_view a, std::string_view b) {
  std::vector<std::uint32_t> cols;
  std::size_t pa = 0, pb = 0;
  for (std::uint32_t i = 0; pa < a.size() && pb < b.size(); ++i) {
    const std::size_t sa = pa, sb = pb;
    canon::read_value(a, pa);
    canon::read_value(b, pb);
    if (a.substr(sa, pa - sa) != b.substr(sb, pb - sb)) cols.push_back(i);
  }
  return cols;
}

void compare_batches(const RowBatch& src, const RowBatch& tgt, RangeOutcome& out) {
  RangeCounts& c = out.counts;
  c.rows_source += static_cast<std::int64_t>(src.size());
  c.rows_target += static_cast<std::int64_t>(tgt.size());
  std::size_t i = 0, j = 0;
  // A key on one side only: that side's values and digest, the other side's left empty.
  auto one_sided = [&](const RowBatch& batch, std::size_t k, Category category) {
    Divergence d;
    d.key.assign(batch.key(k));
    d.category = category;
    const bool from_source = category == Category::MissingInTarget;
    (from_source ? d.source_values : d.target_values).assign(batch.values(k));
    (from_source ? d.source_digest : d.target_digest) = batch.row(k).digest;
    out.divergences.push_back(std::move(d));
    ++(from_source ? c.missing_in_target : c.missing_in_source);
  };
  auto only_source = [&](std::size_t k) { one_sided(src, k, Category::MissingInTarget); };
  auto only_target = [&](std::size_t k) { one_sided(tgt, k, Category::MissingInSource); };
  while (i < src.size() && j < tgt.size()) {
    const int cmp = canon::compare_keys(src.key(i), tgt.key(j));
    if (cmp < 0) {
      only_source(i++);
    } else if (cmp > 0) {
      only_target(j++);
    } else {
      const auto sv = src.values(i), tv = tgt.values(j);
      if (src.row(i).digest == tgt.row(j).digest && sv == tv) {
        ++c.matched;
      } else {
        Divergence d;
        d.key.assign(src.key(i));
        d.category = Category::Changed;
        d.columns = differing_columns(sv, tv);
        d.source_values.assign(sv);
        d.target_values.assign(tv);
        d.source_digest = src.row(i).digest;
        d.target_digest = tgt.row(j).digest;
        out.divergences.push_back(std::move(d));
        ++c.changed;
      }
      ++i;
      ++j;
    }
    ++c.rows_compared;
  }
  for (; i < src.size(); ++i, ++c.rows_compared) only_source(i);
  for (; j < tgt.size(); ++j, ++c.rows_compared) only_target(j);
}

}  // namespace recon
