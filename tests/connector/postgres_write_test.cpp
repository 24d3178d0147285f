// The PostgreSQL write transaction (recon apply) against a real server. Skipped unless PGHOST is
// set; run with  pg_virtualenv -t -v 15 ctest -R PostgresWrite
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <pqxx/pqxx>

#include "../../src/connector/postgres/pg_connection.hpp"
#include "recon/connector/connector.hpp"
#include "recon/core/canonical.hpp"

namespace recon {
namespace {

// One schema per test process: ctest runs tests in parallel, each in its own process.
const std::string kSchema = "recon_pg_write_" + std::to_string(::getpid());
const std::string kTable = kSchema + ".t";

class PostgresWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("PGHOST") == nullptr) GTEST_SKIP() << "PGHOST not set: no PostgreSQL to test against";
    admin("DROP SCHEMA IF EXISTS " + kSchema + " CASCADE");
    admin("CREATE SCHEMA " + kSchema);
    admin("CREATE TABLE " + kTable + " (id int4 PRIMARY KEY, v text NOT NULL)");
    admin("INSERT INTO " + kTable + " VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    endpoint_.kind = EngineKind::Postgres;
    // Host, port, user, database and password from pg_virtualenv's PG* environment. Not named
    // "recon": the end-to-end tests terminate every "recon" backend of the cluster.
    endpoint_.url = "application_name=recon_write_test";
    reader_ = open_connector(endpoint_, Side::Target);
  }
  void TearDown() override {
    reader_.reset();
    if (std::getenv("PGHOST") != nullptr) admin("DROP SCHEMA IF EXISTS " + kSchema + " CASCADE");
  }

  /// Runs `sql` on a connection of its own, outside any writer's transaction; returns the rows.
  static pqxx::result admin(const std::string& sql) {
    pqxx::connection c;
    pqxx::nontransaction tx(c);
    return tx.exec(sql);
  }

  /// Every row of t as the read connector sees it now: "id=v", in key order.
  std::vector<std::string> rows() {
    const TableRef ref{kSchema, "t"};
    const TableInfo info = reader_->describe(ref);
    RangeQuery q;
    q.table = ref;
    for (const auto& c : info.columns) {
      SelectColumn s;
      s.native = c;
      s.compare_as = c.type_class.value_or(TypeClass::Text);
      (c.name == "id" ? q.keys : q.values).push_back(s);
    }
    RowBatch batch;
    reader_->read_range(q, batch);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      std::size_t k = 0, v = 0;
      const std::string key = canon::to_display(canon::read_value(batch.key(i), k));
      std::string value = canon::to_display(canon::read_value(batch.values(i), v));
      if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);  // text is quoted
      out.push_back(key + "=" + value);
    }
    return out;
  }

  const std::vector<std::string> kOriginal{"1=a", "2=b", "3=c"};
  Endpoint endpoint_;
  std::unique_ptr<Connector> reader_;
};

/// The batch of the task: a locking SELECT, a hit, a miss, an insert-if-absent twice, a delete.
std::vector<std::string> mixed_batch() {
  return {"SELECT 1 FROM " + kTable + " WHERE id IN (1,2) FOR UPDATE",
          "UPDATE " + kTable + " SET v = 'A' WHERE id = 1",
          "UPDATE " + kTable + " SET v = 'Z' WHERE id = 42",
          "INSERT INTO " + kTable + " (id, v) SELECT 9, 'x' WHERE NOT EXISTS (SELECT 1 FROM " + kTable +
              " WHERE id = 9) ON CONFLICT DO NOTHING",
          "INSERT INTO " + kTable + " (id, v) SELECT 9, 'x' WHERE NOT EXISTS (SELECT 1 FROM " + kTable +
              " WHERE id = 9) ON CONFLICT DO NOTHING",
          "DELETE FROM " + kTable + " WHERE id = 3"};
}

TEST(PostgresWriteConninfo, WriterKeepsTheTimeoutsButIsNotReadOnly) {
  Endpoint ep;
  ep.url = "host=db.example dbname=t";
  ep.statement_timeout_ms = 1234;
  ep.lock_timeout_ms = 567;
  const std::string read = pg::build_conninfo(ep, Side::Target);
  const std::string write = pg::build_conninfo(ep, Side::Target, pg::Access::Write);
  EXPECT_NE(read.find("default_transaction_read_only=on"), std::string::npos) << read;
  EXPECT_EQ(write.find("default_transaction_read_only"), std::string::npos) << write;
  for (const std::string* ci : {&read, &write}) {
    EXPECT_NE(ci->find("-c statement_timeout=1234 -c lock_timeout=567"), std::string::npos) << *ci;
    EXPECT_NE(ci->find("dbname='t'"), std::string::npos) << *ci;
  }
}

TEST_F(PostgresWrite, BatchCountsAndCommitIsVisibleToAReader) {
  EXPECT_TRUE(reader_->can_write());
  auto tx = reader_->begin_write();
  EXPECT_EQ(tx->execute(mixed_batch()), (std::vector<std::int64_t>{2, 1, 0, 1, 0, 1}));
  EXPECT_EQ(tx->execute({}), std::vector<std::int64_t>{});
  EXPECT_EQ(rows(), kOriginal) << "not visible before COMMIT";
  tx->commit();
  EXPECT_EQ(rows(), (std::vector<std::string>{"1=A", "2=b", "9=x"}));
  try {
    tx->execute({"SELECT 1"});
    FAIL() << "ran a statement after COMMIT";
  } catch (const ConnectorError& e) {
    EXPECT_NE(std::string(e.what()).find("already ended"), std::string::npos) << e.what();
  }
  tx->rollback();  // after commit: nothing to do, no throw
  EXPECT_EQ(rows(), (std::vector<std::string>{"1=A", "2=b", "9=x"}));
}

TEST_F(PostgresWrite, RollbackAndDestructorUndo) {
  {
    auto tx = reader_->begin_write();
    tx->execute(mixed_batch());
    tx->rollback();
  }
  EXPECT_EQ(rows(), kOriginal);
  {
    auto tx = reader_->begin_write();
    tx->execute(mixed_batch());
  }  // neither commit nor rollback
  EXPECT_EQ(rows(), kOriginal);
}

TEST_F(PostgresWrite, FailingStatementIsNamedAndTheRestIsNotRun) {
  auto tx = reader_->begin_write();
  try {
    tx->execute({"UPDATE " + kTable + " SET v = 'A' WHERE id = 1", "INSERT INTO " + kTable + " VALUES (2, 'dup')",
                 "UPDATE " + kTable + " SET v = 'C' WHERE id = 3"});
    FAIL() << "a duplicate key was inserted";
  } catch (const ConnectorError& e) {
    const std::string msg = e.what();
    EXPECT_FALSE(e.poisoned()) << msg;
    EXPECT_EQ(e.side(), Side::Target);
    EXPECT_NE(msg.find("statement 2 of the batch failed"), std::string::npos) << msg;
    EXPECT_NE(msg.find("SQLSTATE 23505"), std::string::npos) << msg;
    EXPECT_NE(msg.find("duplicate key"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  tx->rollback();
  EXPECT_EQ(rows(), kOriginal);

  // COMMIT of a failed transaction: the server answers ROLLBACK, which is a failure.
  auto again = reader_->begin_write();
  EXPECT_THROW(again->execute({"UPDATE " + kTable + " SET v = 'A' WHERE id = 1", "SELECT 1/0"}), ConnectorError);
  try {
    again->commit();
    FAIL() << "COMMIT of a failed transaction succeeded";
  } catch (const ConnectorError& e) {
    EXPECT_NE(std::string(e.what()).find("nothing was written"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rows(), kOriginal);
}

TEST_F(PostgresWrite, OneTextIsOneStatement) {
  auto tx = reader_->begin_write();
  try {
    tx->execute({"SELECT 1", "UPDATE " + kTable + " SET v = 'A' WHERE id = 1; DELETE FROM " + kTable});
    FAIL() << "two statements in one text ran";
  } catch (const ConnectorError& e) {
    EXPECT_NE(std::string(e.what()).find("statement 2 of the batch failed"), std::string::npos) << e.what();
  }
  tx->rollback();
  EXPECT_EQ(rows(), kOriginal);
}

TEST_F(PostgresWrite, ThousandsOfStatementsInOneCallDoNotDeadlock) {
  admin("INSERT INTO " + kTable + " SELECT g, 'n' FROM generate_series(10, 5009) g");
  // 5,000 updates of about 1 KiB each (a 5 MiB pipeline, far beyond the socket buffers).
  const std::string pad = " /* " + std::string(1000, 'p') + " */";
  std::vector<std::string> updates;
  for (int id = 10; id < 5010; ++id)
    updates.push_back("UPDATE " + kTable + " SET v = 'u' WHERE id = " + std::to_string(id) + pad);
  auto tx = reader_->begin_write();
  const auto counts = tx->execute(updates);
  ASSERT_EQ(counts.size(), 5000u);
  for (std::size_t i = 0; i < counts.size(); ++i) ASSERT_EQ(counts[i], 1) << "statement " << i + 1;
  // Results far larger than the socket buffers too, while statements are still being sent.
  std::vector<std::string> selects(2000, "SELECT g FROM generate_series(1, 500) g" + pad);
  const auto rows_returned = tx->execute(selects);
  ASSERT_EQ(rows_returned.size(), 2000u);
  for (const auto n : rows_returned) ASSERT_EQ(n, 500);
  tx->commit();
  EXPECT_EQ(admin("SELECT count(*) FROM " + kTable + " WHERE v = 'u'")[0][0].as<int>(), 5000);
}

TEST_F(PostgresWrite, WriterSessionIsNotReadOnlyWhileReadSessionsAre) {
  auto tx = reader_->begin_write();
  EXPECT_EQ(tx->execute({"SELECT 1 WHERE current_setting('transaction_read_only') = 'off'",
                         "SELECT 1 WHERE current_setting('default_transaction_read_only') = 'off'"}),
            (std::vector<std::int64_t>{1, 1}));
  tx->rollback();
  // The read connector's session is built the same way (pg::connect, Access::Read).
  auto read = pg::connect(endpoint_, Side::Target);
  PGresult* r = PQexec(read->raw(), "SHOW transaction_read_only");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
  EXPECT_STREQ(PQgetvalue(r, 0, 0), "on");
  PQclear(r);
}

TEST_F(PostgresWrite, TerminatedBackendIsPoisonedAndWritesNothing) {
  const std::string app = "recon_write_kill_" + std::to_string(::getpid());
  auto tx = reader_->begin_write();
  EXPECT_EQ(tx->execute({"SELECT set_config('application_name', '" + app + "', false)",
                         "UPDATE " + kTable + " SET v = 'A' WHERE id = 1"}),
            (std::vector<std::int64_t>{1, 1}));
  admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + app + "'");
  for (int i = 0; i < 100; ++i) {  // terminating is asynchronous: wait until the backend is gone
    if (admin("SELECT 1 FROM pg_stat_activity WHERE application_name = '" + app + "'").empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  try {
    tx->execute({"UPDATE " + kTable + " SET v = 'B' WHERE id = 2"});
    FAIL() << "a statement ran on a terminated backend";
  } catch (const ConnectorError& e) {
    EXPECT_TRUE(e.poisoned()) << e.what();
    EXPECT_NE(std::string(e.what()).find("statement 1 of the batch failed"), std::string::npos) << e.what();
  }
  tx->rollback();  // never throws, also without a connection
  EXPECT_THROW(tx->commit(), ConnectorError);
  EXPECT_EQ(rows(), kOriginal);
}

TEST_F(PostgresWrite, StatementTimeoutAndCancelEndTheStatement) {
  endpoint_.statement_timeout_ms = 300;
  auto timed = open_connector(endpoint_, Side::Target)->begin_write();
  try {
    timed->execute({"SELECT 1", "SELECT pg_sleep(5)"});
    FAIL() << "statement_timeout did not stop pg_sleep(5)";
  } catch (const ConnectorError& e) {
    EXPECT_NE(std::string(e.what()).find("statement 2 of the batch failed"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("57014"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("statement_timeout"), std::string::npos) << e.what();
  }
  timed->rollback();

  auto tx = reader_->begin_write();
  const auto start = std::chrono::steady_clock::now();
  std::thread canceller([&tx] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    tx->cancel();
  });
  EXPECT_THROW(tx->execute({"UPDATE " + kTable + " SET v = 'A' WHERE id = 1", "SELECT pg_sleep(20)"}),
               ConnectorError);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  tx->rollback();
  EXPECT_EQ(rows(), kOriginal);
}

}  // namespace
}  // namespace recon
