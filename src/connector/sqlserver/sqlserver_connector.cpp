// The SQL Server connector: FreeTDS DB-Library, values decoded straight from dbdata().
#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <unordered_set>

#include <fmt/format.h>

#include "recon/connector/sqlserver.hpp"
#include "recon/generated/sql_text.hpp"
#include "sqlserver_types.hpp"
#include "tds_query.hpp"
#include "tds_session.hpp"
#include "tds_values.hpp"
#include "tds_write.hpp"

namespace recon {
namespace {

using tds::Session;

/// Keys per lookup statement: keeps a statement of OR groups well under SQL Server's limits.
constexpr std::size_t kFetchChunk = 500;
constexpr std::size_t kMaxCollisionExamples = 10;

/// Case folding for collision detection: ASCII and Latin-1 letters (what the Latin1 _CI_
/// collations fold); other scripts are left as they are, so collisions there go unreported.
void fold_case(std::string_view s, std::string& out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    out.push_back(static_cast<char>(c));
    if (c == 0xC3 && i + 1 < s.size()) {  // U+00C0..U+00DE except U+00D7 (×)
      auto n = static_cast<unsigned char>(s[i + 1]);
      if (n >= 0x80 && n <= 0x9E && n != 0x97) n = static_cast<unsigned char>(n + 0x20);
      out.push_back(static_cast<char>(n));
      ++i;
    }
  }
}

/// Text keys under a case-insensitive collation (e.g. SQL_Latin1_General_CP1_CI_AS) that differ
/// only in letter case: SQL Server treats them as the same key in joins and lookups, while recon
/// (binary collation) keeps them apart. Counted, never thrown: the report says what it means.
struct CaseCollisions {
  std::uint64_t keys = 0;             ///< keys that collided with an earlier key of the same read
  std::vector<std::string> examples;  ///< up to 10 colliding keys, as key_to_json text
};

/// Everything a connector has learned about case collisions (CaseCollisions plus the folded
/// keys already counted, so a key seen by sample_keys and again by read_range counts once).
struct CollisionState {
  CaseCollisions report;
  std::unordered_set<std::string> counted;  ///< folded forms of the keys counted so far
};

/// Finds keys equal under the key columns' case-insensitive collation within one read.
class CollisionTracker {
 public:
  /// Folded-key hashes kept per read: bounds memory on huge tables (a whole-table sample pass
  /// then compares every key with the first kMaxTracked ones; each range is far smaller).
  static constexpr std::size_t kMaxTracked = 4'000'000;
  static constexpr std::size_t kMaxCounted = 100'000;

  CollisionTracker(const std::vector<SelectColumn>& keys, CollisionState& state) : state_(state) {
    for (const auto& k : keys) {
      const bool ci = k.native.type_class == TypeClass::Text && tds::is_case_insensitive(k.native.type_name);
      ci_.push_back(ci);
      any_ |= ci;
    }
  }
  void add(std::string_view key) {
    if (!any_) return;
    folded_.clear();
    std::size_t pos = 0;
    for (std::size_t i = 0; pos < key.size() && i < ci_.size(); ++i) {
      const std::size_t start = pos;
      const canon::ValueView v = canon::read_value(key, pos);
      if (ci_[i] && v.tag == TypeClass::Text) {
        folded_.push_back('\x01');
        fold_case(v.payload, folded_);
        folded_.push_back('\0');
      } else {
        folded_.append(key.substr(start, pos - start));
      }
    }
    const std::size_t h = std::hash<std::string>{}(folded_);
    if (seen_.size() < kMaxTracked ? seen_.insert(h).second : !seen_.count(h)) return;
    if (state_.counted.size() < kMaxCounted && !state_.counted.insert(folded_).second) return;  // counted before
    ++state_.report.keys;
    if (state_.report.examples.size() < kMaxCollisionExamples) state_.report.examples.push_back(canon::key_to_json(key));
  }

 private:
  CollisionState& state_;
  std::vector<bool> ci_;
  bool any_ = false;
  std::string folded_;
  std::unordered_set<std::size_t> seen_;
};

class SqlServerConnector final : public Connector {
 public:
  SqlServerConnector(const Endpoint& ep, Side side) : endpoint_(ep), session_(std::make_unique<Session>(ep, side)) {}

  std::string endpoint() const override { return session_->endpoint(); }
  Dialect dialect() const override { return Dialect::SqlServer; }
  void cancel() noexcept override { cancelled_ = true; }

  bool can_write() const override { return true; }
  /// A new session to the same endpoint and login, not read-only (tds_write.hpp).
  std::unique_ptr<WriteTransaction> begin_write() override {
    return tds::begin_write(endpoint_, session_->side());
  }

  std::vector<std::string> take_notes() override {
    const CaseCollisions& cc = collisions_.report;
    if (cc.keys == noted_keys_) return {};
    std::string examples;
    for (std::size_t e = noted_examples_; e < cc.examples.size(); ++e)
      examples += (examples.empty() ? "" : ", ") + cc.examples[e];
    std::vector<std::string> notes = {fmt::format(
        "{} keys of the {} table differ from another key only in letter case: its case-insensitive "
        "collation treats them as one key, recon compares them apart{}",
        cc.keys - noted_keys_, side(), examples.empty() ? "" : " (e.g. " + examples + ")")};
    noted_keys_ = cc.keys;
    noted_examples_ = cc.examples.size();
    return notes;
  }

  TableInfo describe(const TableRef& table) override {
    TableRef ref = table;
    if (ref.schema.empty()) ref.schema = "dbo";  // unqualified names mean dbo (the job's default schema)
    const std::string what = "describing " + side() + " table " + ref.display();
    TableInfo info;
    info.ref = ref;
    query(tds::catalog_sql(sql::sqlserver_columns, ref), what, [&] {
      tds::CatalogColumn c;
      c.name = text(1).value_or("");
      c.data_type = text(2).value_or("");
      c.char_max_length = integer(3);
      c.numeric_precision = integer(4);
      c.numeric_scale = integer(5);
      c.datetime_precision = integer(6);
      c.nullable = text(7).value_or("YES") != "NO";
      c.collation = text(8).value_or("");
      info.columns.push_back(tds::classify_column(c));
    });
    if (info.columns.empty())
      throw InputError(side() + " table " + ref.display() + " does not exist in " + endpoint() +
                       " (or the login cannot see it); check the [[tables]] " + side_name(session_->side()) +
                       " name and its schema (write it as schema.table; no schema means dbo)");
    std::vector<std::pair<std::string, bool>> constraints;  // name, is primary key
    query(tds::catalog_sql(sql::sqlserver_table_constraints, ref), what, [&] {
      constraints.emplace_back(text(1).value_or(""), text(2).value_or("") == "PRIMARY KEY");
    });
    std::map<std::string, std::vector<std::string>> columns_of;
    query(tds::catalog_sql(sql::sqlserver_key_columns, ref), what,
          [&] { columns_of[text(1).value_or("")].push_back(text(2).value_or("")); });
    std::stable_partition(constraints.begin(), constraints.end(), [](const auto& c) { return c.second; });
    for (const auto& [name, primary] : constraints)
      if (auto it = columns_of.find(name); it != columns_of.end() && !it->second.empty())
        info.unique_keys.push_back(it->second);
    return info;
  }

  KeySample sample_keys(const RangeQuery& q, std::size_t target_samples) override {
    KeySample out;
    const std::string what = "sampling keys of " + side() + " table " + q.table.display();
    query(tds::count_select(q), what, [&] { out.estimated_rows = integer(1).value_or(0); });
    if (target_samples == 0 || out.estimated_rows == 0) return out;
    const auto rows = static_cast<std::uint64_t>(out.estimated_rows);
    const std::uint64_t stride = rows <= target_samples * 2 ? 1 : rows / target_samples;
    // Every key is read (the whole key column, in order): the only sampling the T-SQL subset
    // offers that is both even and exact, and it finds NULL keys and case collisions too.
    RowBatch keys_only;
    CollisionTracker tracker(q.keys, collisions_);
    std::uint64_t i = 0;
    read_rows(tds::range_select(q, false), q, /*with_values=*/false, what, keys_only, &tracker, [&] {
      if (i++ % stride != 0) return false;
      return true;
    });
    out.keys.reserve(keys_only.size());
    for (std::size_t r = 0; r < keys_only.size(); ++r) out.keys.emplace_back(keys_only.key(r));
    return out;
  }

  void read_range(const RangeQuery& q, RowBatch& out) override {
    CollisionTracker tracker(q.keys, collisions_);
    read_rows(tds::range_select(q, true), q, true, "reading a range of " + side() + " table " + q.table.display(),
              out, &tracker, nullptr);
  }

  void fetch_keys(const RangeQuery& q, const std::vector<std::string>& keys, RowBatch& out) override {
    if (q.keys.empty()) return;
    const std::string what = "fetching rows by key from " + side() + " table " + q.table.display();
    for (std::size_t begin = 0; begin < keys.size(); begin += kFetchChunk) {
      const std::size_t end = std::min(keys.size(), begin + kFetchChunk);
      read_rows(tds::keys_select(q, keys, begin, end), q, true, what, out, nullptr, nullptr);
    }
  }

 private:
  std::string side() const { return side_name(session_->side()); }

  /// Runs `sql` and calls `on_row` for every row of every result set.
  template <class F>
  void query(const std::string& sql, const std::string& what, F&& on_row) {
    session_->execute(sql, what);
    try {
      while (session_->next_result(what))
        while (session_->next_row(what)) on_row();
    } catch (const ConnectorError&) {
      throw;
    } catch (...) {
      session_->cancel();
      throw;
    }
  }

  DBPROCESS* proc() const { return session_->raw(); }

  /// Column `c` (1-based) of the current row as text (char types; others through dbconvert).
  std::optional<std::string> text(int c) const {
    const BYTE* data = dbdata(proc(), c);
    if (data == nullptr) return std::nullopt;
    const DBINT len = dbdatlen(proc(), c);
    const int type = dbcoltype(proc(), c);
    if (tds::wire_for_type(type, dbcollen(proc(), c)) == tds::Wire::Text)
      return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
    char buf[128];
    const DBINT n = dbconvert(proc(), type, data, len, SYBCHAR, reinterpret_cast<BYTE*>(buf), sizeof buf - 1);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }

  /// Column `c` (1-based) of the current row as an integer; nullopt for NULL.
  std::optional<std::int64_t> integer(int c) const {
    const BYTE* data = dbdata(proc(), c);
    if (data == nullptr) return std::nullopt;
    const DBINT len = dbdatlen(proc(), c);
    switch (tds::wire_for_type(dbcoltype(proc(), c), dbcollen(proc(), c))) {
      case tds::Wire::Int1: return data[0];
      case tds::Wire::Int2: { std::int16_t v; std::memcpy(&v, data, 2); return v; }
      case tds::Wire::Int4: { std::int32_t v; std::memcpy(&v, data, 4); return v; }
      case tds::Wire::Int8: { std::int64_t v; std::memcpy(&v, data, 8); return v; }
      default: break;
    }
    const auto t = text(c);
    if (!t || t->empty() || len <= 0) return std::nullopt;
    try {
      return std::stoll(*t);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

  /// Streams the rows of `sql` (keys, then values when `with_values`) into `out`. `keep`, when
  /// given, decides per row whether it is stored (sampling); every row is still decoded and
  /// checked. NULL keys are an InputError naming the column.
  void read_rows(const std::string& sql, const RangeQuery& q, bool with_values, const std::string& what,
                 RowBatch& out, CollisionTracker* tracker, const std::function<bool()>& keep) {
    const std::size_t nk = q.keys.size();
    const std::size_t nv = with_values ? q.values.size() : 0;
    session_->execute(sql, what);
    try {
      while (session_->next_result(what)) {
        if (dbnumcols(proc()) == 0) continue;  // a statement without rows
        if (static_cast<std::size_t>(dbnumcols(proc())) != nk + nv)
          throw ConnectorError(session_->side(), what + ": the server returned " + std::to_string(dbnumcols(proc())) +
                                                     " columns, expected " + std::to_string(nk + nv),
                               false);
        std::vector<tds::ColumnDecoder> decoders;
        for (std::size_t i = 0; i < nk + nv; ++i) {
          const SelectColumn& sc = i < nk ? q.keys[i] : q.values[i - nk];
          const int c = static_cast<int>(i) + 1;
          const tds::Wire wire = tds::wire_for_type(dbcoltype(proc(), c), dbcollen(proc(), c));
          if (wire == tds::Wire::Unsupported)
            throw ConnectorError(session_->side(), what + ": column " + sc.native.name + " arrives as TDS type " +
                                                       std::to_string(dbcoltype(proc(), c)) +
                                                       ", which recon cannot decode; put it in ignore_columns",
                                 false);
          decoders.push_back(tds::make_decoder(sc, wire));
        }
        while (session_->next_row(what)) {
          // DB-Library may not be called from another thread: cancel() only raises this flag.
          if (cancelled_.load(std::memory_order_relaxed))
            throw ConnectorError(session_->side(), what + ": cancelled (the run is stopping)", true);
          const std::size_t row_start = out.bytes();
          std::size_t key_end = row_start;
          out.begin_row();
          if (nk == 0) out.end_key();
          std::string& a = out.arena();
          for (std::size_t i = 0; i < nk + nv; ++i) {
            const int c = static_cast<int>(i) + 1;
            const BYTE* data = dbdata(proc(), c);
            if (data == nullptr) {  // NULL; an empty string has a non-NULL pointer and length 0
              if (i < nk) {
                out.abandon_row();
                throw InputError(side() + " table " + q.table.display() + " has a NULL in key column " +
                                 q.keys[i].native.name +
                                 "; a key must identify every row: choose other key columns or add a where filter");
              }
              canon::put_null(a);
            } else {
              tds::decode_value(decoders[i], data, static_cast<std::size_t>(dbdatlen(proc(), c)), a, scratch_);
            }
            if (i + 1 == nk) {
              out.end_key();
              key_end = a.size();
            }
          }
          if (tracker != nullptr) tracker->add(std::string_view(a).substr(row_start, key_end - row_start));
          if (keep && !keep()) {
            out.abandon_row();
            continue;
          }
          out.end_row();
        }
      }
    } catch (const ConnectorError&) {
      throw;  // Session::failure already cancelled (or the connection is dead)
    } catch (...) {
      session_->cancel();
      throw;
    }
  }

  Endpoint endpoint_;  ///< for begin_write's own login
  std::unique_ptr<Session> session_;
  std::atomic<bool> cancelled_{false};
  CollisionState collisions_;
  std::uint64_t noted_keys_ = 0;       ///< collisions already handed out by take_notes
  std::size_t noted_examples_ = 0;
  std::string scratch_;
};

}  // namespace

std::unique_ptr<Connector> make_sqlserver_connector(const Endpoint& endpoint, Side side) {
  return std::make_unique<SqlServerConnector>(endpoint, side);
}

}  // namespace recon
