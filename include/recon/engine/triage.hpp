#pragma once
/// Triage: between the workers' ordered output and the sinks. Every divergence gets the table's
/// rules' finding; final ones go on to the sinks at once, the ones a recheck should look at again
/// are held (bounded) until the recheck has decided them.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "recon/engine/compare.hpp"
#include "recon/model/result.hpp"

namespace recon {

/// Fills d.finding from ctx.rules, or with the no-rules default (raw category, P2, fix, every
/// differing column fixed) when the job has no rule files.
void apply_rules(const TableContext& ctx, Divergence& d);

/// Counts of delivered divergences by their final status, and how they change the contract counts.
struct FindingTally {
  std::int64_t missing_in_target = 0, missing_in_source = 0, changed = 0;  ///< Open only
  std::int64_t tolerated = 0, in_flight = 0, converged = 0, suspended = 0, escalated = 0;
  std::map<std::string, TableResult::CategoryCount> categories;  ///< Open and Tolerated
  std::map<std::uint32_t, std::int64_t> column_changes;  ///< Open and Tolerated changed rows, by column index
  void add(const Divergence& d);
  /// Sets the TableResult counts from the compare totals (`raw`) and the findings: matched gains
  /// tolerated and converged rows; missing_in_* and changed are the Open divergences.
  void apply(const RangeCounts& raw, TableResult& result) const;
};

/// The table's first keys as a person may read them: sensitive key columns masked, and the
/// category's explain_key set to the first key's token form (what the audit holds). Call once, on
/// keys in the engine's (clear) form, before the result is shown or written.
void show_first_keys(const privacy::TablePrivacy& privacy, TableResult& result);

/// A divergence waiting for its recheck, with when it was first seen.
struct HeldDivergence {
  Divergence divergence;
  double first_seen_epoch = 0;
  int changes = 0;  ///< rechecks on which either side's row had changed since the previous look
};

class Triage : public ResultSink {
 public:
  /// `hold`: keep non-tolerated divergences for a recheck, at most `max_held` (the rest are final
  /// as found). `max_recorded`: details of at most this many divergences go on to the sinks (audit
  /// rows, fix-up statements); the rest are counted only ([check].max_divergences). `clock` gives
  /// epoch seconds.
  Triage(std::vector<ResultSink*> sinks, bool hold, std::size_t max_held, std::size_t max_recorded,
         double (*clock)());

  void begin_table(const TableContext& table) override;
  void divergences(const TableContext& table, const std::vector<Divergence>& batch) override;
  /// Not forwarded: the run calls the sinks' end_table itself once the recheck has delivered.
  void end_table(const TableContext&, TableResult&) override {}
  void ranges_planned(const TableContext& table, const std::vector<RangeRecord>& ranges) override;
  /// Forwarded at once when nothing is held; otherwise once the held divergences are delivered
  /// (finish), so a range is marked done only when its divergences are all recorded.
  void range_done(const TableContext& table, const RangeRecord& range) override;

  std::vector<HeldDivergence>& held() { return held_; }
  /// Hands final divergences to the sinks (and the tally).
  void deliver(const TableContext& table, const std::vector<Divergence>& batch);
  /// Divergences an earlier attempt of the run recorded (--resume): tallied, and handed to the
  /// sinks as recorded_divergences.
  void replay(const TableContext& table, const std::vector<Divergence>& batch);
  /// Delivers what is still held, as last seen, and the ranges waiting for it.
  void finish(const TableContext& table);
  const FindingTally& tally() const { return tally_; }
  std::size_t overflow() const { return overflow_; }  ///< divergences not held because of max_held
  std::int64_t unrecorded() const { return unrecorded_; }  ///< counted beyond max_recorded

 private:
  /// The part of `batch` that still fits under max_recorded (counting the rest as unrecorded).
  std::vector<Divergence> recordable(const std::vector<Divergence>& batch);

  std::vector<ResultSink*> sinks_;
  bool hold_;
  std::size_t max_held_;
  std::size_t max_recorded_;
  double (*clock_)();
  std::vector<HeldDivergence> held_;
  std::vector<Divergence> ready_;
  std::vector<RangeRecord> waiting_ranges_;
  FindingTally tally_;
  std::size_t overflow_ = 0;
  std::size_t recorded_ = 0;
  std::int64_t unrecorded_ = 0;
};

}  // namespace recon
