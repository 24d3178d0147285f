// One table of `recon apply`: lock, pre-images, guarded statements with row counts, undo, commit.
#include "apply_table.hpp"

#include <atomic>
#include <chrono>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "recon/core/canonical.hpp"
#include "recon/core/interrupt.hpp"
#include "recon/core/sha256.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/report/fixup.hpp"
#include "recon/report/output_file.hpp"

namespace recon {

namespace fs = std::filesystem;
using repair::GuardedSql;
using repair::GuardedStatement;
using repair::PreImage;
using repair::StatementKind;

namespace {

/// SIGINT/SIGTERM between two batches: the table's transaction is rolled back.
struct InterruptedApply {};

/// The class a pre-image column is read in: its own, except where the canonical form would respell
/// what is stored — JSON (key order, whitespace, number spelling) and SQLite's text-kept dates,
/// times and uuids — which are read as the text they are.
TypeClass pre_image_class(const ColumnInfo& c) {
  const TypeClass cls = *c.type_class;
  if (cls == TypeClass::Json) return TypeClass::Text;
  const bool text_kept = cls == TypeClass::Date || cls == TypeClass::Time || cls == TypeClass::Timestamp ||
                         cls == TypeClass::TimestampTz || cls == TypeClass::Uuid;
  return c.dynamic && text_kept ? TypeClass::Text : cls;
}

/// The target's rows of `keys` before the repair: every column the target describes, each read
/// as its own type so the undo script writes back exactly what was there.
class PreImages {
 public:
  PreImages(ConnectionPool& pool, const TableContext& ctx, const std::vector<std::string>& keys,
            std::vector<std::string>& notes) {
    if (keys.empty()) return;
    Connector& target = pool.get(0, Side::Target);
    const TableInfo info = target.describe(ctx.job->target);
    RangeQuery q;
    q.table = ctx.job->target;
    q.keys = ctx.select_keys_target;
    std::vector<ColumnInfo> columns = ctx.target_keys;
    for (const ColumnInfo& c : info.columns) {
      bool is_key = false;
      for (const auto& k : ctx.target_keys) is_key = is_key || k.name == c.name;
      if (is_key) continue;
      if (!c.type_class) {
        notes.push_back(fmt::format("column {} ({}) is not read: an undo of a delete cannot restore it", c.name,
                                    c.type_name));
        continue;
      }
      SelectColumn s;
      s.native = c;
      s.compare_as = pre_image_class(c);
      s.single_float = c.single_float;
      q.values.push_back(s);
      columns.push_back(c);
    }
    RowBatch batch;
    target.fetch_keys(q, keys, batch);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      PreImage p;
      p.columns = columns;
      p.values = std::string(batch.key(i)) + std::string(batch.values(i));
      rows_.emplace(std::string(batch.key(i)), std::move(p));
    }
  }
  const PreImage* find(const std::string& key) const {
    auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second;
  }

 private:
  std::unordered_map<std::string, PreImage> rows_;
};

/// The undo script of the statements that touched their row, in reverse order of application.
std::string undo_script(const TablePlan& plan, const GuardedSql& sql, const PreImages& pre,
                        const std::vector<std::int64_t>& counts, const std::string& apply_id, std::int64_t& written) {
  std::string body;
  written = 0;
  for (std::size_t n = plan.statements.size(); n-- > 0;) {
    if (counts[n] != 1) continue;
    const GuardedStatement& s = plan.statements[n];
    const PreImage* image = s.kind == StatementKind::Insert ? nullptr : pre.find(s.key);
    body += sql.undo_for(s, plan.divergences[n].source_values, image).file_line();
    ++written;
  }
  const TableContext& ctx = *plan.ctx;
  using report::one_line;  // names go into "--" comment lines: a line break would end the comment
  std::string head = "-- recon undo script for table " + one_line(ctx.name) + ": puts back what recon apply " +
                     apply_id + " changed.\n-- target:     " + one_line(redact_secrets(ctx.target_endpoint)) +
                     "\n-- generated:  " + iso_utc_now() + "\n-- statements: " + std::to_string(written) +
                     " (the pre-images read under the apply's row locks, newest change first)\n"
                     "-- Guarded: each statement touches its row only while it still holds what the apply wrote.\n";
  if (!ctx.job->pii.empty())
    head += "-- PERSONAL DATA: this file holds the real values the apply replaced (it must, to put them back). Keep "
            "it owner-only (it is written 0600) and delete it once it is no longer needed.\n";
  head += "\n";
  return head + sql.script_begin() + body + sql.script_end();
}

/// Runs the statements in batches, except those `skip` says conflict already (count 0); returns
/// each statement's row count.
std::vector<std::int64_t> run_statements(WriteTransaction& tx, const TablePlan& plan, const std::vector<bool>& skip,
                                         const ApplySettings& settings) {
  const std::size_t total = plan.statements.size();
  std::vector<std::int64_t> counts(total, 0);
  for (std::size_t start = 0; start < total; start += settings.batch) {
    if (interrupt_requested()) throw InterruptedApply{};
    const std::size_t end = std::min(total, start + settings.batch);
    std::vector<ShapedStatement> batch;
    std::vector<std::size_t> sent;
    for (std::size_t i = start; i < end; ++i) {
      if (skip[i]) continue;
      const GuardedStatement& s = plan.statements[i];
      batch.push_back(ShapedStatement{s.sql, s.shape, s.params});
      sent.push_back(i);
    }
    const auto got = batch.empty() ? std::vector<std::int64_t>{} : tx.execute_shaped(batch);
    for (std::size_t k = 0; k < got.size() && k < sent.size(); ++k) counts[sent[k]] = got[k];
    if (settings.progress) settings.progress(plan.ctx->name, static_cast<std::int64_t>(end), static_cast<std::int64_t>(total));
  }
  return counts;
}

/// While a table's transaction is open: once SIGINT/SIGTERM has been seen for 2 s, cancels the
/// statement that waits (a row lock, a long statement) and the reads, so the table rolls back.
class CancelOnInterrupt {
 public:
  CancelOnInterrupt(WriteTransaction& tx, ConnectionPool& pool)
      : thread_([this, &tx, &pool] {
          double since = -1;
          while (!done_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (!interrupt_requested()) continue;
            if (since < 0) since = now_epoch();
            if (now_epoch() - since < 2.0) continue;
            tx.cancel();
            pool.cancel_all();
            return;
          }
        }) {}
  ~CancelOnInterrupt() {
    done_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

/// Each statement's key with its row count: 1 applied, 0 a conflict; more than 1 means the key is
/// not unique on the target, which ends the table (thrown, so the transaction is rolled back).
void count_rows(const TablePlan& plan, const std::vector<std::int64_t>& counts, TableApply& out) {
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 1)
      throw std::runtime_error(fmt::format("statement {} touched {} rows: the key {} is not unique on the target; "
                                           "nothing was applied", i + 1, counts[i], plan.divergences[i].key_json));
    (counts[i] == 1 ? out.applied : out.conflicts) += 1;
    out.keys.push_back(AppliedKey{plan.divergences[i].id, plan.divergences[i].key_json,
                                  repair::statement_kind_name(plan.statements[i].kind), counts[i],
                                  counts[i] == 1 ? "applied" : "conflict", std::nullopt});
  }
}

/// After a rollback: nothing of the table stands, so no undo script is kept.
void discard(const fs::path& out_dir, TableApply& out) {
  if (!out.undo_file.empty()) {
    std::error_code ec;
    fs::remove(out_dir / out.undo_file, ec);
    out.undo_file.clear();
    out.undo_sha256.clear();
  }
  out.applied = 0;
  for (auto& k : out.keys)
    if (k.outcome == "applied" || out.status != "rolled_back") k.outcome = "rolled_back";
}

}  // namespace

void apply_table(const RunOptions& opts, ConnectionPool& pool, const TablePlan& plan, const ApplySettings& settings,
                 const fs::path& out_dir, const std::string& apply_id, TableApply& out) {
  const TableContext& ctx = *plan.ctx;
  const GuardedSql sql(ctx);
  out.statements = static_cast<std::int64_t>(plan.statements.size());
  std::unique_ptr<WriteTransaction> tx;
  bool commit_sent = false;  // a failure after this leaves the outcome unknown: re-reading tells
  try {
    tx = pool.get(0, Side::Target).begin_write();
    const CancelOnInterrupt watch(*tx, pool);
    tx->execute(sql.session_setup());
    std::vector<std::string> touched;  // rows that exist now and will be changed: lock them first
    for (const auto& s : plan.statements)
      if (s.kind != StatementKind::Insert) touched.push_back(s.key);
    const auto locks = sql.lock_rows(touched);
    if (!locks.empty()) tx->execute(locks);
    const PreImages pre(pool, ctx, touched, out.notes);
    const std::vector<bool> changed = changed_since_observed(opts, pool, plan);
    const std::vector<std::int64_t> counts = run_statements(*tx, plan, changed, settings);
    count_rows(plan, counts, out);
    if (settings.strict && out.conflicts > 0) {
      tx->rollback();
      out.status = "rolled_back";
      out.error = fmt::format("--strict: {} conflicts, the table's transaction was rolled back", out.conflicts);
      discard(out_dir, out);
      return;
    }
    if (out.applied > 0) {
      std::int64_t written = 0;
      const std::string script = undo_script(plan, sql, pre, counts, apply_id, written);
      out.undo_file = "fixup/" + FixupWriter::file_name_for(ctx.name) + ".undo-" + apply_id + ".sql";
      report::write_file_atomically(out_dir / out.undo_file, script, /*durable=*/true);
      out.undo_sha256 = sha256_hex(script);
    }
    commit_sent = true;
    tx->commit();
    out.status = "committed";
  } catch (const InterruptedApply&) {
    if (tx) tx->rollback();
    out.status = "interrupted";
    out.error = "interrupted (SIGINT/SIGTERM): the table's transaction was rolled back";
    discard(out_dir, out);
  } catch (const std::exception& e) {
    if (tx) tx->rollback();
    out.status = interrupt_requested() && !commit_sent ? "interrupted" : "failed";
    out.error = redact_secrets(e.what());
    if (ctx.privacy->any()) out.error = privacy::without_row_values(out.error);  // e.g. a unique key's DETAIL
    if (commit_sent) {
      // The COMMIT may or may not have reached the server: keep the undo script, and let the
      // re-verification say what the target holds.
      out.error += "; the outcome of COMMIT is unknown: the keys are re-read";
      return;
    }
    out.error += "; the table's transaction was rolled back";
    discard(out_dir, out);
  }
}

}  // namespace recon
