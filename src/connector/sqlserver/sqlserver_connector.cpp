// The SQL Server connector: FreeTDS DB-Library, values decoded straight from dbdata().
#include <algorithm>
#include <atomic>
#include <memory>

#include <fmt/format.h>

#include "recon/connector/sqlserver.hpp"
#include "tds_catalog.hpp"
#include "tds_collisions.hpp"
#include "tds_doctor.hpp"
#include "tds_query.hpp"
#include "tds_reader.hpp"
#include "tds_sampling.hpp"
#include "tds_selftest.hpp"
#include "tds_session.hpp"
#include "tds_write.hpp"

namespace recon {
namespace {

using tds::Session;

/// Keys per lookup statement: keeps a statement of OR groups well under SQL Server's limits.
constexpr std::size_t kFetchChunk = 500;

class SqlServerConnector final : public Connector {
 public:
  SqlServerConnector(const Endpoint& ep, Side side)
      : endpoint_(ep), session_(std::make_unique<Session>(ep, side)), reader_(*session_, cancelled_) {}

  std::string endpoint() const override { return session_->endpoint(); }
  Dialect dialect() const override { return Dialect::SqlServer; }
  void cancel() noexcept override { cancelled_ = true; }

  bool can_write() const override { return true; }
  /// A new session to the same endpoint and login, not read-only (tds_write.hpp).
  std::unique_ptr<WriteTransaction> begin_write() override {
    return tds::begin_write(endpoint_, session_->side());
  }

  /// Planning's own notes (a table planned by reading every key, and why), then the keys read
  /// that differ from another only in letter case.
  std::vector<std::string> take_notes() override {
    std::vector<std::string> notes = std::move(planning_notes_);
    planning_notes_.clear();
    const tds::CaseCollisions& cc = collisions_.report;
    if (cc.keys == noted_keys_) return notes;
    std::string examples;
    for (std::size_t e = noted_examples_; e < cc.examples.size(); ++e)
      examples += (examples.empty() ? "" : ", ") + cc.examples[e];
    notes.push_back(fmt::format(
        "{} keys of the {} table differ from another key only in letter case: its case-insensitive "
        "collation treats them as one key, recon compares them apart{}",
        cc.keys - noted_keys_, side(), examples.empty() ? "" : " (e.g. " + examples + ")"));
    noted_keys_ = cc.keys;
    noted_examples_ = cc.examples.size();
    return notes;
  }

  TableInfo describe(const TableRef& table) override { return tds::describe_table(reader_, table, endpoint()); }

  KeySample sample_keys(const RangeQuery& q, std::size_t target_samples) override {
    return tds::KeySampler(reader_, collisions_, planning_notes_).sample(q, target_samples);
  }

  void read_range(const RangeQuery& q, RowBatch& out) override {
    tds::CollisionTracker tracker(q.keys, collisions_);
    reader_.read_rows(tds::range_select(q, true), q, true,
                      "reading a range of " + side() + " table " + q.table.display(), out, &tracker, nullptr);
  }

  void fetch_keys(const RangeQuery& q, const std::vector<std::string>& keys, RowBatch& out) override {
    if (q.keys.empty()) return;
    const std::string what = "fetching rows by key from " + side() + " table " + q.table.display();
    for (std::size_t begin = 0; begin < keys.size(); begin += kFetchChunk) {
      const std::size_t end = std::min(keys.size(), begin + kFetchChunk);
      reader_.read_rows(tds::keys_select(q, keys, begin, end), q, true, what, out, nullptr, nullptr);
    }
  }

  // ---- recon doctor (tds_doctor.hpp, tds_selftest.hpp) ----
  ServerFacts server_facts() override { return tds::server_facts(reader_); }
  LoginFacts login_facts() override { return tds::login_facts(reader_); }
  TableFacts table_facts(const RangeQuery& first_range, const TableInfo& info) override {
    return tds::table_facts(reader_, first_range, info);
  }
  std::vector<std::string> least_privilege_sql(const std::vector<TableRef>& tables, const std::string& role,
                                               bool writes) const override {
    return tds::least_privilege_sql(tables, role, writes);
  }
  std::string self_test_name() const override { return "sqlserver"; }
  std::vector<std::string> read_literals(const std::vector<LiteralProbe>& probes) override {
    return tds::read_literals(reader_, probes);
  }

 private:
  std::string side() const { return side_name(session_->side()); }

  Endpoint endpoint_;  ///< for begin_write's own login
  std::unique_ptr<Session> session_;
  std::atomic<bool> cancelled_{false};
  tds::Reader reader_;
  tds::CollisionState collisions_;
  std::uint64_t noted_keys_ = 0;  ///< collisions already handed out by take_notes
  std::size_t noted_examples_ = 0;
  std::vector<std::string> planning_notes_;
};

}  // namespace

std::unique_ptr<Connector> make_sqlserver_connector(const Endpoint& endpoint, Side side) {
  return std::make_unique<SqlServerConnector>(endpoint, side);
}

}  // namespace recon
