// The MySQL write transaction. See my_write.hpp.
#include "my_write.hpp"

#include "my_connection.hpp"

namespace recon::my {
namespace {

class MyWriteTransaction final : public WriteTransaction {
 public:
  MyWriteTransaction(const Endpoint& endpoint, Side side)
      : side_(side), conn_(std::make_unique<Connection>(endpoint, side, Access::Write)),
        where_(std::string(side_name(side)) + " " + conn_->endpoint()) {
    conn_->execute("START TRANSACTION READ WRITE", where_ + ": cannot begin the write transaction");
  }

  ~MyWriteTransaction() override { rollback(); }

  std::vector<std::int64_t> execute(const std::vector<std::string>& statements) override {
    require_open("run statements");
    std::vector<std::int64_t> counts;
    counts.reserve(statements.size());
    for (std::size_t i = 0; i < statements.size(); ++i) {
      try {
        counts.push_back(conn_->execute(statements[i], where_ + ": statement " + std::to_string(i + 1) +
                                                           " of the batch failed"));
      } catch (const ConnectorError& e) {
        if (conn_->broken()) {
          ended_ = true;  // the server rolls the transaction back by itself
          throw ConnectorError(side_, std::string(e.what()) + " - the connection to the server is gone; the server "
                                                              "rolls the transaction back, nothing of it was written",
                               true);
        }
        throw ConnectorError(side_, e.what(), false);
      }
    }
    return counts;
  }

  void commit() override {
    require_open("commit");
    try {
      conn_->execute("COMMIT", where_ + ": COMMIT failed");
      ended_ = true;
    } catch (const ConnectorError& e) {
      ended_ = true;
      if (conn_->broken())
        throw ConnectorError(side_, std::string(e.what()) + "; whether the changes were written is unknown: read the "
                                                            "target again to find out before applying again",
                             true);
      throw;
    }
  }

  void rollback() noexcept override {
    if (ended_) return;
    ended_ = true;
    try {
      if (!conn_->broken()) conn_->execute("ROLLBACK", where_ + ": ROLLBACK");
    } catch (...) {
      // The session is closed below; the server rolls back whatever was open.
    }
    conn_.reset();
  }

  void cancel() noexcept override {
    if (conn_) conn_->cancel();
  }

 private:
  void require_open(const char* what) const {
    if (ended_ || !conn_)
      throw ConnectorError(side_, where_ + ": cannot " + what + ": the write transaction has already ended "
                                           "(committed, rolled back or its connection lost); begin a new one",
                           false);
  }

  Side side_;
  std::unique_ptr<Connection> conn_;
  std::string where_;  ///< "target mysql mysql://u@h:3306/db", password-free
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<WriteTransaction> begin_write(const Endpoint& endpoint, Side side) {
  return std::make_unique<MyWriteTransaction>(endpoint, side);
}

}  // namespace recon::my
