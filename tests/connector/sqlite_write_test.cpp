// The SQLite write transaction (recon apply): counts, commit and rollback, failures, locks and
// timeouts, in both journal modes.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "recon/core/canonical.hpp"
#include "sqlite_test_support.hpp"

namespace recon {
namespace {

using sqlite_test::TempDb;

/// A recursive CTE that runs for many seconds unless interrupted.
const char* kLongStatement =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c WHERE x < 0";

/// t(id INTEGER PRIMARY KEY, v TEXT) holding 1=a, 2=b, 3=c, in the journal mode of the parameter
/// ("DELETE": rollback journal, or "WAL").
class SqliteWrite : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    db_.exec(std::string("PRAGMA journal_mode=") + GetParam());
    db_.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL); "
             "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');");
    reader_ = db_.open();
  }

  Endpoint endpoint() const {
    Endpoint ep;
    ep.kind = EngineKind::Sqlite;
    ep.url = db_.path().string();
    return ep;
  }

  /// Every row of t as a read connector sees it now: "id=v", in key order.
  std::vector<std::string> rows() {
    const TableInfo info = reader_->describe(TableRef{"", "t"});
    RangeQuery q;
    q.table = TableRef{"", "t"};
    q.keys = {sqlite_test::column(info, "id", TypeClass::Integer)};
    q.values = {sqlite_test::column(info, "v", TypeClass::Text)};
    RowBatch batch;
    reader_->read_range(q, batch);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      std::size_t k = 0, v = 0;
      const canon::ValueView key = canon::read_value(batch.key(i), k);
      const canon::ValueView value = canon::read_value(batch.values(i), v);
      out.push_back(canon::to_display(key) + "=" + std::string(value.payload));
    }
    return out;
  }

  const std::vector<std::string> kOriginal{"1=a", "2=b", "3=c"};
  TempDb db_{std::string("write_") + GetParam()};
  std::unique_ptr<Connector> reader_;
};

/// The batch of the task: a SELECT, a hit, a miss, an insert-if-absent twice, a delete.
const std::vector<std::string> kMixedBatch = {
    "SELECT 1 FROM t WHERE id IN (1,2)",
    "UPDATE t SET v = 'A' WHERE id = 1",
    "UPDATE t SET v = 'Z' WHERE id = 42",
    "INSERT INTO t (id, v) SELECT 9, 'x' WHERE NOT EXISTS (SELECT 1 FROM t WHERE id = 9)",
    "INSERT INTO t (id, v) SELECT 9, 'x' WHERE NOT EXISTS (SELECT 1 FROM t WHERE id = 9);",
    "DELETE FROM t WHERE id = 3"};

TEST_P(SqliteWrite, BatchCountsAndReadersSeeTheCommitOnly) {
  EXPECT_TRUE(reader_->can_write());
  auto tx = reader_->begin_write();
  EXPECT_EQ(tx->execute(kMixedBatch), (std::vector<std::int64_t>{2, 1, 0, 1, 0, 1}));
  // A statement that changes no rows reports 0, not the previous statement's count.
  EXPECT_EQ(tx->execute({"UPDATE t SET v = v WHERE id = 2", "CREATE TABLE other (a)", "-- a comment only", ""}),
            (std::vector<std::int64_t>{1, 0, 0, 0}));
  EXPECT_EQ(rows(), kOriginal) << "a reader reads the committed state while the writer's transaction is open";
  tx->commit();
  EXPECT_EQ(rows(), (std::vector<std::string>{"1=A", "2=b", "9=x"}));
  try {
    tx->execute({"SELECT 1"});
    FAIL() << "ran a statement after COMMIT";
  } catch (const ConnectorError& e) {
    EXPECT_NE(std::string(e.what()).find("already ended"), std::string::npos) << e.what();
  }
}

TEST_P(SqliteWrite, RollbackAndDestructorUndo) {
  {
    auto tx = reader_->begin_write();
    tx->execute(kMixedBatch);
    tx->rollback();
    tx->rollback();  // twice is harmless
  }
  EXPECT_EQ(rows(), kOriginal);
  {
    auto tx = reader_->begin_write();
    tx->execute(kMixedBatch);
  }  // neither commit nor rollback
  EXPECT_EQ(rows(), kOriginal);
}

TEST_P(SqliteWrite, FailingStatementIsNamedAndOnlyRollbackIsLeft) {
  auto tx = reader_->begin_write();
  try {
    tx->execute({"UPDATE t SET v = 'A' WHERE id = 1", "INSERT INTO t VALUES (2, 'dup')", "DELETE FROM t"});
    FAIL() << "a duplicate key was inserted";
  } catch (const ConnectorError& e) {
    const std::string msg = e.what();
    EXPECT_FALSE(e.poisoned()) << msg;
    EXPECT_EQ(e.side(), Side::Target);
    EXPECT_NE(msg.find("statement 2 of the batch failed"), std::string::npos) << msg;
    EXPECT_NE(msg.find("UNIQUE constraint failed: t.id"), std::string::npos) << msg;
    EXPECT_NE(msg.find(db_.path().string()), std::string::npos) << msg;
  }
  EXPECT_THROW(tx->commit(), ConnectorError);
  tx->rollback();
  EXPECT_EQ(rows(), kOriginal);

  auto two = reader_->begin_write();
  try {
    two->execute({"UPDATE t SET v = 'A' WHERE id = 1; DELETE FROM t"});
    FAIL() << "two statements in one text ran";
  } catch (const ConnectorError& e) {
    EXPECT_NE(std::string(e.what()).find("statement 1 of the batch failed"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("more than one SQL statement"), std::string::npos) << e.what();
  }
  two->rollback();
  EXPECT_EQ(rows(), kOriginal);
}

TEST_P(SqliteWrite, SecondWriterWaitsLockTimeoutThenFails) {
  auto first = reader_->begin_write();
  Endpoint ep = endpoint();
  ep.lock_timeout_ms = 100;
  auto impatient = make_sqlite_connector(ep, Side::Target);
  const auto start = std::chrono::steady_clock::now();
  try {
    impatient->begin_write();
    FAIL() << "two writers at once";
  } catch (const ConnectorError& e) {
    EXPECT_FALSE(e.login()) << e.what();
    EXPECT_NE(std::string(e.what()).find("lock_timeout (100 ms)"), std::string::npos) << e.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(90));
  first->execute({"UPDATE t SET v = 'A' WHERE id = 1"});
  first->commit();
  auto next = impatient->begin_write();  // the lock is free again
  next->rollback();
  EXPECT_EQ(rows(), (std::vector<std::string>{"1=A", "2=b", "3=c"}));
}

TEST_P(SqliteWrite, StatementTimeoutAndCancelInterrupt) {
  Endpoint ep = endpoint();
  ep.statement_timeout_ms = 200;
  auto timed = make_sqlite_connector(ep, Side::Target)->begin_write();
  try {
    timed->execute({"UPDATE t SET v = 'A' WHERE id = 1", kLongStatement});
    FAIL() << "statement_timeout did not interrupt";
  } catch (const ConnectorError& e) {
    EXPECT_NE(std::string(e.what()).find("statement 2 of the batch failed"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("statement_timeout"), std::string::npos) << e.what();
  }
  timed->rollback();
  EXPECT_EQ(rows(), kOriginal);

  auto tx = reader_->begin_write();
  const auto start = std::chrono::steady_clock::now();
  std::thread canceller([&tx] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    tx->cancel();
  });
  EXPECT_THROW(tx->execute({"UPDATE t SET v = 'A' WHERE id = 1", kLongStatement}), ConnectorError);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  tx->rollback();
  EXPECT_EQ(rows(), kOriginal);
}

INSTANTIATE_TEST_SUITE_P(JournalModes, SqliteWrite, ::testing::Values("DELETE", "WAL"));

TEST(SqliteWriteOpen, MissingOrReadOnlyDatabaseIsALoginError) {
  Endpoint ep;
  ep.kind = EngineKind::Sqlite;
  TempDb db("write_open");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  ep.url = "file:" + db.path().string() + "?mode=ro";
  try {
    make_sqlite_connector(ep, Side::Target)->begin_write();
    FAIL() << "wrote through a mode=ro url";
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.login()) << e.what();
    EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
  }
  ep.url = db.path().string();
  auto conn = make_sqlite_connector(ep, Side::Target);
  std::filesystem::remove(db.path());  // gone between the check and apply
  try {
    conn->begin_write();
    FAIL() << "opened a missing file";
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.login()) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(db.path())) << "begin_write created the file";
}

}  // namespace
}  // namespace recon
