// Sensitive values of recorded divergences read again from the engines (see rehydrate.hpp).
#include "recon/engine/rehydrate.hpp"

#include <unordered_map>

#include "recon/core/canonical.hpp"
#include "recon/engine/table_query.hpp"

namespace recon {

namespace {

/// One side's rows of the keys, by key: the encodings of the compared columns only (an update
/// time read by key_fetch_query follows them).
class LiveRows {
 public:
  LiveRows(const RunOptions& opts, ConnectionPool& pool, const TableContext& ctx, Side side,
           const std::vector<std::string>& keys) {
    const std::size_t compared = (side == Side::Source ? ctx.select_values_source : ctx.select_values_target).size();
    retry_on_lost_connection(opts, pool, 0, [&] {
      batch_.clear();
      pool.get(0, side).fetch_keys(key_fetch_query(ctx, side), keys, batch_);
    });
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      const std::string_view values = batch_.values(i);
      std::size_t pos = 0;
      for (std::size_t c = 0; c < compared && pos < values.size(); ++c) canon::read_value(values, pos);
      rows_.emplace(batch_.key(i), values.substr(0, pos));
    }
  }
  const std::string_view* find(const std::string& key) const {
    auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second;
  }

 private:
  RowBatch batch_;
  std::unordered_map<std::string_view, std::string_view> rows_;
};

/// Replaces `recorded` with the live values when they make its tokens; false when they do not
/// (or the row is gone). An empty encoding (the side was absent) needs nothing.
bool take_live(std::string& recorded, const std::string_view* live, const privacy::TablePrivacy& privacy) {
  if (recorded.empty()) return true;
  if (!live || privacy.token_values(*live) != recorded) return false;
  recorded.assign(*live);
  return true;
}

}  // namespace

std::vector<bool> rehydrate_values(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool,
                                   std::vector<StoredDivergence>& stored) {
  std::vector<bool> clear(stored.size(), true);
  const privacy::TablePrivacy& privacy = *ctx.privacy;
  if (!privacy.values_sensitive() || stored.empty()) return clear;
  std::vector<std::string> keys;
  keys.reserve(stored.size());
  for (const StoredDivergence& d : stored) keys.push_back(d.key);
  const LiveRows source(opts, pool, ctx, Side::Source, keys);
  const LiveRows target(opts, pool, ctx, Side::Target, keys);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    StoredDivergence& d = stored[i];
    const auto* s = source.find(d.key);
    const auto* t = target.find(d.key);
    bool ok = take_live(d.source_values, s, privacy);
    ok = take_live(d.target_values, t, privacy) && ok;
    if (d.rechecked) {
      if (d.latest_source_present) ok = take_live(d.latest_source_values, s, privacy) && ok;
      if (d.latest_target_present) ok = take_live(d.latest_target_values, t, privacy) && ok;
    }
    clear[i] = ok;
  }
  return clear;
}

}  // namespace recon
