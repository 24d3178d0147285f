#pragma once
/// The JSON shapes of a sampled index's interval and of an incremental run's parts: one spelling
/// for summary.json (docs/cli.md) and the audit's sample_json / incremental_json columns.

#include <nlohmann/json.hpp>

#include "recon/model/estimates.hpp"

namespace recon {

/// {"estimate", "lower", "upper", "confidence", "method", "effective_rows", "clusters_read",
///  "clusters_total", "rows_read"}
inline nlohmann::ordered_json interval_json(const IndexInterval& i) {
  return {{"estimate", i.estimate},           {"lower", i.lower},
          {"upper", i.upper},                 {"confidence", i.confidence},
          {"method", i.method},               {"effective_rows", i.effective_rows},
          {"clusters_read", i.clusters_read}, {"clusters_total", i.clusters_total},
          {"rows_read", i.rows_read}};
}

/// Which parts ran and the rows each read; parts that did not run are absent.
inline nlohmann::ordered_json incremental_json(const IncrementalParts& p) {
  nlohmann::ordered_json j;
  if (p.full) {
    j["full"] = true;
    j["full_reason"] = p.full_reason;
    return j;
  }
  j["watermark"] = p.watermark;
  j["since"] = p.since;
  j["changed"] = {{"rows_source", p.changed_rows_source}, {"rows_target", p.changed_rows_target},
                  {"carried_keys", p.carried_keys}, {"keys_compared", p.keys_compared}};
  if (p.keyset) {
    j["keyset"] = {{"rows_source", p.keyset_rows_source}, {"rows_target", p.keyset_rows_target},
                   {"method", p.keyset_method}, {"keys_read_source", p.keyset_keys_read_source},
                   {"keys_read_target", p.keyset_keys_read_target}};
    if (p.keyset_method == "digest") {
      j["keyset"]["buckets"] = p.keyset_buckets;
      j["keyset"]["buckets_differing"] = p.keyset_buckets_differing;
    }
  }
  if (p.scrub_slice >= 0)
    j["scrub"] = {{"slice", p.scrub_slice}, {"cycle", p.scrub_cycle}, {"rows_source", p.scrub_rows_source},
                  {"rows_target", p.scrub_rows_target}};
  return j;
}

}  // namespace recon
