// Running a batch of statements as one libpq pipeline. See pg_pipeline.hpp.
#include "pg_pipeline.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "pg_connection.hpp"

namespace recon::pg {
namespace {

/// Statements queued between two flushes: one write(2) carries many statements, and between two
/// chunks the loop reads what the server answered so far.
constexpr std::size_t kSendChunk = 256;

/// One run of run_pipeline: what was sent, which statement's results are being read, the first
/// failure. Results arrive in order: per statement one result and then a NULL; after the last
/// statement one PGRES_PIPELINE_SYNC (no NULL follows it).
class Pipeline {
 public:
  Pipeline(PGconn* conn, const std::vector<PipelineItem>& items, std::vector<std::int64_t>& counts)
      : c_(conn), stmts_(items), counts_(counts) {}

  std::optional<PipelineFailure> run() {
    if (PQsetnonblocking(c_, 1) != 0 || PQenterPipelineMode(c_) != 1) {
      lost("cannot start a pipeline: " + error());
      return failure_;
    }
    while (!done_ && !stop_) step();
    if (done_ && PQexitPipelineMode(c_) != 1) lost("cannot leave pipeline mode: " + error());
    PQsetnonblocking(c_, 0);
    return failure_;
  }

 private:
  /// One turn: queue and flush what may be sent, take in the results that arrived, then wait for
  /// the socket when neither sending nor reading can go on. Stops the run when the connection fails.
  void step() {
    if (PQstatus(c_) != CONNECTION_OK) return lost(error());
    if (!synced_ && !send_some()) return lost(error());
    const int unsent = PQflush(c_);  // 0: all sent, 1: the socket took only part, -1: failed
    if (unsent < 0) return lost(error());
    if (PQconsumeInput(c_) == 0) return lost(error());
    read_ready();
    if (done_ || stop_) return;
    // Not everything queued yet and the socket took it all: queue the next chunk at once.
    if (!synced_ && unsent == 0) return;
    if (!wait(unsent == 1)) lost(error());
  }

  /// Queues the next chunk of statements, and the Sync after the last one. False when libpq
  /// refuses (the connection is gone).
  bool send_some() {
    const std::size_t end = std::min(stmts_.size(), sent_ + kSendChunk);
    for (; sent_ < end; ++sent_)
      if (!send(stmts_[sent_])) return false;
    if (sent_ < stmts_.size()) return true;
    if (PQpipelineSync(c_) != 1) return false;
    synced_ = true;
    return true;
  }

  /// Queues one item (libpq copies the text and parameters into its buffer at once).
  bool send(const PipelineItem& item) {
    switch (item.kind) {
      case PipelineItem::Kind::Text:
        return PQsendQueryParams(c_, item.sql->c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
      case PipelineItem::Kind::Prepare:
        return PQsendPrepare(c_, item.name.c_str(), item.sql->c_str(), item.param_count, nullptr) == 1;
      case PipelineItem::Kind::Execute: break;
    }
    values_.clear();
    for (const auto& p : *item.params) values_.push_back(p ? p->c_str() : nullptr);
    return PQsendQueryPrepared(c_, item.name.c_str(), static_cast<int>(values_.size()), values_.data(), nullptr,
                               nullptr, 0) == 1;
  }

  /// Takes every result libpq has complete, without blocking.
  void read_ready() {
    while (!done_ && !stop_ && PQisBusy(c_) == 0) {
      if (!synced_ && current_ >= sent_) return;  // nothing sent is waiting for its result
      PGresult* r = PQgetResult(c_);
      if (r == nullptr) {
        if (!have_result_) return;  // nothing queued has answered yet
        have_result_ = false;
        if (stmts_[current_].counted()) ++statement_;
        ++current_;
        continue;
      }
      take(r);
      PQclear(r);
    }
  }

  /// The result of statement current_ (or the Sync).
  void take(PGresult* r) {
    switch (PQresultStatus(r)) {
      case PGRES_PIPELINE_SYNC: done_ = true; return;
      case PGRES_COMMAND_OK: count(std::atoll(PQcmdTuples(r))); break;
      case PGRES_TUPLES_OK: count(PQntuples(r)); break;
      case PGRES_EMPTY_QUERY: count(0); break;
      case PGRES_PIPELINE_ABORTED: fail(r, "not run: an earlier statement of the batch failed"); break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        // The connection now waits for COPY data the batch does not carry: give it up.
        fail(r, "COPY cannot run in a batch of statements");
        lost("COPY cannot run in a batch of statements");
        break;
      default: fail(r, "failed"); break;
    }
    have_result_ = true;
  }

  void count(std::int64_t n) {
    if (!failure_ && current_ < stmts_.size() && stmts_[current_].counted()) counts_.push_back(n);
  }

  void fail(PGresult* r, const char* fallback) {
    if (failure_) return;
    std::string message = one_line(PQresultErrorMessage(r));
    while (!message.empty() && (message.back() == ' ' || message.back() == ';')) message.pop_back();
    failure_ = PipelineFailure{statement_, message.empty() ? fallback : message, sqlstate_of(r), false};
  }

  void lost(const std::string& why) {
    if (!failure_) failure_ = PipelineFailure{statement_, why, "", true};
    failure_->connection_lost = true;
    stop_ = true;
  }

  /// Waits until the socket can be read (or written, when output is pending). False when it cannot
  /// be polled.
  bool wait(bool for_write) {
    pollfd fd{};
    fd.fd = PQsocket(c_);
    fd.events = static_cast<short>(POLLIN | (for_write ? POLLOUT : 0));
    if (fd.fd < 0) return false;
    while (::poll(&fd, 1, -1) < 0)
      if (errno != EINTR) return false;
    return true;
  }

  std::string error() const {
    std::string why = one_line(PQerrorMessage(c_));
    return why.empty() ? "the connection to the server was lost" : why;
  }

  PGconn* c_;
  const std::vector<PipelineItem>& stmts_;
  std::vector<std::int64_t>& counts_;
  std::vector<const char*> values_;  ///< parameters of the item being sent
  std::size_t sent_ = 0;       ///< items queued with libpq
  std::size_t current_ = 0;    ///< the item whose result comes next
  std::size_t statement_ = 0;  ///< counted items before current_: the failing statement's index
  bool have_result_ = false; ///< current_'s result was taken, its closing NULL not yet
  bool synced_ = false;      ///< the Sync is queued
  bool done_ = false;        ///< the Sync's result arrived: the pipeline is idle
  bool stop_ = false;        ///< the connection failed: give up
  std::optional<PipelineFailure> failure_;
};

}  // namespace

std::optional<PipelineFailure> run_pipeline(PGconn* conn, const std::vector<PipelineItem>& items,
                                            std::vector<std::int64_t>& counts) {
  if (items.empty()) return std::nullopt;
  return Pipeline(conn, items, counts).run();
}


}  // namespace recon::pg
