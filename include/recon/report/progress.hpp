#pragma once
/// The live progress line a person sees on stderr while a run compares.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>

namespace recon {

/// "table: ranges 12/40  1.2M rows  850k rows/s  ETA 0:14", redrawn in place with '\r'.
///
/// Draws only when enabled (default: stderr is a terminal, so logs and pipes stay clean), at most
/// 5 times a second, and erases itself on clear() / destruction. Thread-safe.
///
/// Heartbeat mode (set_heartbeat), for a run nobody watches (cron, systemd, a pod: stderr is a log):
/// instead of the live line, a whole line every interval — "recon: progress simulacoes: ranges
/// 12/40  1.2M rows  850k rows/s  ETA 0:14", or the same as one JSON object per line.
class ProgressLine {
 public:
  /// Monotonic seconds; injectable so tests control time.
  using Clock = std::function<double()>;

  explicit ProgressLine(bool enabled = stderr_is_terminal());
  ProgressLine(bool enabled, std::ostream& out, Clock clock);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// Reports progress of `label` (a table, or e.g. "3 tables"). The rate and ETA are measured from
  /// the first update with this label. `force` draws even inside the throttle interval.
  void update(const std::string& label, std::int64_t ranges_done, std::int64_t ranges_total,
              std::int64_t rows, bool force = false);
  /// Erases the line (before printing anything else on stderr, and at the end).
  void clear();
  /// Log lines every `interval_s` seconds (> 0) instead of the live line; `json`: one JSON object
  /// per line ({"event":"progress","time":…,"table":…,"done":…,"total":…,"unit":…,"rows":…,
  /// "rows_per_s":…,"eta_s":…}). The first line comes one interval after the first update.
  void set_heartbeat(double interval_s, bool json);
  /// A heartbeat line's text, for a given elapsed time and wall-clock time (epoch seconds).
  static std::string heartbeat_text(const std::string& label, std::int64_t done, std::int64_t total,
                                    std::int64_t rows, double elapsed_s, const std::string& unit, bool json,
                                    double epoch_s);

  static bool stderr_is_terminal();
  /// The line's text (no '\r'), for a given elapsed time.
  static std::string format(const std::string& label, std::int64_t ranges_done, std::int64_t ranges_total,
                            std::int64_t rows, double elapsed_s, const std::string& unit = "ranges");
  /// What the done/total counts are of ("ranges" unless set; "statements" for recon apply).
  void set_unit(std::string unit) { unit_ = std::move(unit); }
  /// 999 -> "999", 1234 -> "1.2k", 850000 -> "850k", 1200000 -> "1.2M".
  static std::string human_count(double v);

 private:
  bool enabled_;
  std::ostream* out_;
  Clock clock_;
  std::mutex mu_;
  std::string label_;
  double label_start_ = 0;
  double last_draw_ = -1;
  std::size_t drawn_len_ = 0;
  std::string unit_ = "ranges";
  double heartbeat_s_ = 0;  ///< > 0: heartbeat mode
  bool heartbeat_json_ = false;
  double last_beat_ = -1;
};

}  // namespace recon
