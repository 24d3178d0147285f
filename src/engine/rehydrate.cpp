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

/// One recorded encoding that wants its values back, and the side they are read from.
struct Slot {
  std::string* encoding;
  Side side;
};

/// Reads both sides' rows of `keys` once and fills each row's slots; per row, whether all were.
std::vector<bool> fill(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool,
                       const std::vector<std::string>& keys, const std::vector<std::vector<Slot>>& slots) {
  const LiveRows source(opts, pool, ctx, Side::Source, keys);
  const LiveRows target(opts, pool, ctx, Side::Target, keys);
  std::vector<bool> clear(keys.size(), true);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    bool ok = true;
    for (const Slot& slot : slots[i])
      ok = take_live(*slot.encoding, (slot.side == Side::Source ? source : target).find(keys[i]), *ctx.privacy) && ok;
    clear[i] = ok;
  }
  return clear;
}

}  // namespace

std::vector<bool> rehydrate_values(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool,
                                   std::vector<StoredDivergence>& stored) {
  if (!ctx.privacy->values_sensitive() || stored.empty()) return std::vector<bool>(stored.size(), true);
  std::vector<std::string> keys;
  std::vector<std::vector<Slot>> slots;
  for (StoredDivergence& d : stored) {
    keys.push_back(d.key);
    std::vector<Slot> s{{&d.source_values, Side::Source}, {&d.target_values, Side::Target}};
    if (d.rechecked && d.latest_source_present) s.push_back({&d.latest_source_values, Side::Source});
    if (d.rechecked && d.latest_target_present) s.push_back({&d.latest_target_values, Side::Target});
    slots.push_back(std::move(s));
  }
  return fill(opts, ctx, pool, keys, slots);
}

void rehydrate_values(const RunOptions& opts, const TableContext& ctx, ConnectionPool& pool,
                      std::vector<Divergence>& recorded) {
  if (!ctx.privacy->values_sensitive() || recorded.empty()) return;
  std::vector<std::string> keys;
  std::vector<std::vector<Slot>> slots;
  for (Divergence& d : recorded) {
    keys.push_back(d.key);
    slots.push_back({{&d.source_values, Side::Source}, {&d.target_values, Side::Target}});
  }
  const std::vector<bool> clear = fill(opts, ctx, pool, keys, slots);
  for (std::size_t i = 0; i < recorded.size(); ++i) recorded[i].values_withheld = !clear[i];
}

}  // namespace recon
