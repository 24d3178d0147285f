#include "recon/engine/compare.hpp"

#include "recon/core/canonical.hpp"

namespace recon {

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
  // Raw bytes may be compared directly only when both sides hold the same form.
  const bool same_form = src.raw() == tgt.raw();
  std::string src_buf, tgt_buf;
  // Divergences always carry canonical values, and digests of them (the audit trail's identity).
  auto digest_of = [](const RowBatch& batch, std::size_t k, std::string_view canonical) {
    return batch.raw() ? row_digest(canonical) : batch.row(k).digest;
  };
  std::size_t i = 0, j = 0;
  // A key on one side only: that side's values and digest, the other side's left empty.
  auto one_sided = [&](const RowBatch& batch, std::size_t k, Category category) {
    Divergence d;
    d.key.assign(batch.key(k));
    d.category = category;
    const bool from_source = category == Category::MissingInTarget;
    const std::string_view values = batch.canonical_values(k, src_buf);
    (from_source ? d.source_values : d.target_values).assign(values);
    (from_source ? d.source_digest : d.target_digest) = digest_of(batch, k, values);
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
      // Digests only short-cut the byte comparison (raw rows carry none); equal digests alone
      // never make a match, so a digest collision cannot hide a difference.
      if (same_form && src.row(i).digest == tgt.row(j).digest && src.values(i) == tgt.values(j)) {
        ++c.matched;
      } else {
        // Different bytes (or forms): decide on canonical values — raw bytes can differ for equal
        // values (numeric 1.50 and 1.5).
        const std::string_view sv = src.canonical_values(i, src_buf), tv = tgt.canonical_values(j, tgt_buf);
        if (sv == tv) {
          ++c.matched;
        } else {
          Divergence d;
          d.key.assign(src.key(i));
          d.category = Category::Changed;
          d.columns = differing_columns(sv, tv);
          d.source_values.assign(sv);
          d.target_values.assign(tv);
          d.source_digest = digest_of(src, i, sv);
          d.target_digest = digest_of(tgt, j, tv);
          out.divergences.push_back(std::move(d));
          ++c.changed;
        }
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
