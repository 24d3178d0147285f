// Which index serves a range read. See tds_range_index.hpp.
#include "tds_range_index.hpp"

#include <strings.h>

#include "recon/connector/connector.hpp"

namespace recon::tds {
namespace {

constexpr Dialect kMs = Dialect::SqlServer;
/// The collation the range reads compare text keys under (tds_query.cpp's kBin2).
constexpr const char* kRangeCollation = "Latin1_General_BIN2";

std::string collation_of(const SelectColumn& key) {
  const std::string& t = key.native.type_name;
  const auto at = t.find(" COLLATE ");
  return at == std::string::npos ? "" : t.substr(at + 9);
}

bool sub_micro(const SelectColumn& k) {
  const auto& c = k.native.type_class;
  return (c == TypeClass::Time || c == TypeClass::Timestamp || c == TypeClass::TimestampTz) && k.native.precision > 6;
}

/// The leading `n` key columns of `ix` are `ids` in order, all in one direction.
bool leads_with(const IndexInfo& ix, const std::vector<int>& ids) {
  if (ix.columns.size() < ids.size() || ids.empty()) return false;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == 0 || ix.columns[i] != ids[i] || ix.descending[i] != ix.descending[0]) return false;
  return true;
}

std::string column_list(const std::vector<SelectColumn>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + quote_ident(kMs, k.native.name);
  return out;
}

}  // namespace

std::string range_bound_of(const SelectColumn& key) {
  const auto& c = key.native.type_class;
  if (c == TypeClass::Text) return std::string("COLLATE ") + kRangeCollation;
  if (c == TypeClass::Uuid) return std::string("CONVERT(char(36), k) COLLATE ") + kRangeCollation + " (RFC 4122 byte order)";
  if (sub_micro(key)) return "the exact 100 ns interval of each microsecond bound";
  return "native order";
}

bool index_order_is_key_order(const SelectColumn& key) {
  const auto& c = key.native.type_class;
  if (c == TypeClass::Uuid) return false;  // SQL Server orders GUIDs by bytes 10-15 first
  if (c == TypeClass::Text) return strcasecmp(collation_of(key).c_str(), kRangeCollation) == 0;
  return true;
}

RangeReadFacts range_read_facts(const std::vector<SelectColumn>& keys, const std::vector<int>& key_ids,
                                const std::vector<IndexInfo>& indexes, const std::string& table) {
  RangeReadFacts f;
  const IndexInfo* found = nullptr;
  for (const IndexInfo& ix : indexes)
    if (!ix.disabled && !ix.filtered && ix.type_desc.find("COLUMNSTORE") == std::string::npos &&
        leads_with(ix, key_ids)) {
      found = &ix;
      break;
    }
  if (found == nullptr) {
    f.uses_key_index = false;
    f.plan = "no index of " + table + " leads with (" + column_list(keys) +
             "): SQL Server scans the whole table for each range and sorts what it keeps";
    return f;
  }
  f.index = found->name;
  for (const auto& k : keys)
    if (!index_order_is_key_order(k)) {
      f.uses_key_index = false;
      const bool text = k.native.type_class == TypeClass::Text;
      f.plan = found->type_desc + " index " + found->name + " leads with the key, but it orders " +
               quote_ident(kMs, k.native.name) +
               (text ? " under its collation " + collation_of(k) + ", while recon bounds and orders it under " +
                           kRangeCollation
                     : " as SQL Server orders uniqueidentifier, while recon bounds and orders it by its text") +
               ": SQL Server cannot seek it, so each range read scans the whole index and sorts the range" +
               (text ? " (a key column under " + std::string(kRangeCollation) + " would let it seek)" : "");
      f.instead = text ? "no index under " + collation_of(k) + " serves " + kRangeCollation +
                             " order: give the key column a _BIN2 collation for its index to serve the read, or "
                             "raise chunk_rows so fewer ranges each scan the index"
                       : "no index serves a uniqueidentifier key in the text order recon ranges it by: raise "
                         "chunk_rows so fewer ranges each scan the index";
      return f;
    }
  f.uses_key_index = true;
  f.plan = found->type_desc + " index " + found->name + " on (" + column_list(keys) + "): each range is a seek " +
           (found->descending[0] ? "and a backward scan" : "and an ordered scan") + ", no sort";
  return f;
}

}  // namespace recon::tds
