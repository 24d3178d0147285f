#pragma once
/// Running a batch of complete SQL statements as one libpq pipeline. Private to the postgres
/// connector (the write transaction of recon apply uses it).

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recon::pg {

/// Why a pipeline did not run to its end.
struct PipelineFailure {
  std::size_t statement = 0;  ///< 0-based index of the first statement that failed (or was in flight)
  std::string message;        ///< the server's or libpq's words, on one line
  std::string sqlstate;       ///< "" when there is none (e.g. a lost connection)
  /// The connection cannot be used any more: it was lost, or the pipeline could not be brought
  /// back to an idle state. The server rolls the open transaction back by itself.
  bool connection_lost = false;
};

/// One step of a pipeline: a complete statement text, the preparation of a named statement (its
/// result is not counted), or an execution of a prepared one with its parameters as text (nullopt:
/// NULL). The pointed-to strings must outlive run_pipeline.
struct PipelineItem {
  enum class Kind { Text, Prepare, Execute } kind = Kind::Text;
  const std::string* sql = nullptr;                                ///< Text, Prepare
  std::string name;                                                ///< Prepare, Execute
  const std::vector<std::optional<std::string>>* params = nullptr;  ///< Execute
  int param_count = 0;                                             ///< Prepare
  bool counted() const { return kind != Kind::Prepare; }
};

/// Sends `items` on `conn` in one pipeline: every statement (a Text or Execute item; a Prepare
/// item readies the Executes after it) through the extended protocol (one statement per text; a
/// text holding two is an error of that statement), then one Sync, in as few round trips as the
/// socket allows. Appends one count per statement to `counts`, in order: PQcmdTuples for a
/// command (rows inserted, updated or deleted; 0 for commands without a count), PQntuples for a
/// statement that returns rows (discarded). A failure's `statement` counts statements only.
///
/// The connection is switched to non-blocking mode while the pipeline runs, and the loop sends,
/// flushes and reads results as the socket permits, so a batch of any size cannot deadlock with
/// the server (the server blocked writing results we do not read while we block writing
/// statements it does not read). libpq buffers what the socket does not take yet, so the memory
/// used is about the size of the batch's text plus its results.
///
/// Returns nothing when every statement succeeded. Otherwise the first failure: the statements
/// after it were not run (PGRES_PIPELINE_ABORTED), `counts` holds the counts of the statements
/// before it, and the connection is back in normal (blocking, non-pipeline) mode unless
/// connection_lost. Must be called with `conn` idle and not in pipeline mode.
std::optional<PipelineFailure> run_pipeline(PGconn* conn, const std::vector<PipelineItem>& items,
                                            std::vector<std::int64_t>& counts);

}  // namespace recon::pg
