// The live progress line on stderr.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "recon/core/utc_time.hpp"
#include "recon/report/progress.hpp"

namespace recon {
namespace {

constexpr double kMinRedrawSeconds = 0.2;  // <= 5 Hz: faster is flicker and wasted syscalls
constexpr std::size_t kMaxLabel = 40;      // keep the line inside a normal terminal

double steady_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string clock_text(double seconds) {
  const long long s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

}  // namespace

ProgressLine::ProgressLine(bool enabled) : ProgressLine(enabled, std::cerr, steady_seconds) {}

ProgressLine::ProgressLine(bool enabled, std::ostream& out, Clock clock)
    : enabled_(enabled), out_(&out), clock_(clock ? std::move(clock) : Clock(steady_seconds)) {}

ProgressLine::~ProgressLine() { clear(); }

bool ProgressLine::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

std::string ProgressLine::human_count(double v) {
  static constexpr const char* kUnit[] = {"", "k", "M", "G", "T"};
  int u = 0;
  while (v >= 999.5 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (v < 9.95) std::snprintf(buf, sizeof buf, "%.1f%s", v, kUnit[u]);
  else std::snprintf(buf, sizeof buf, "%.0f%s", v, kUnit[u]);
  return buf;
}

std::string ProgressLine::format(const std::string& label, std::int64_t done, std::int64_t total,
                                 std::int64_t rows, double elapsed_s, const std::string& unit) {
  std::string name = label.size() > kMaxLabel ? label.substr(0, kMaxLabel - 3) + "..." : label;
  std::string line = name + ": " + unit + " " + std::to_string(done) + "/" + std::to_string(total) + "  " +
                     human_count(static_cast<double>(rows)) + " rows";
  if (elapsed_s > 0.05) line += "  " + human_count(static_cast<double>(rows) / elapsed_s) + " rows/s";
  if (done > 0 && total > done && elapsed_s > 0)
    line += "  ETA " + clock_text(elapsed_s * static_cast<double>(total - done) / static_cast<double>(done));
  else if (total > done)
    line += "  ETA --:--";
  return line;
}

void ProgressLine::set_heartbeat(double interval_s, bool json) {
  std::lock_guard lock(mu_);
  heartbeat_s_ = interval_s;
  heartbeat_json_ = json;
}

std::string ProgressLine::heartbeat_text(const std::string& label, std::int64_t done, std::int64_t total,
                                         std::int64_t rows, double elapsed_s, const std::string& unit, bool json,
                                         double epoch_s) {
  const double rate = elapsed_s > 0.05 ? static_cast<double>(rows) / elapsed_s : 0;
  const double eta = done > 0 && total > done ? elapsed_s * static_cast<double>(total - done) / static_cast<double>(done) : -1;
  if (!json) return "recon: progress " + format(label, done, total, rows, elapsed_s, unit) + "\n";
  nlohmann::ordered_json j{{"event", "progress"},
                           {"time", iso_utc(epoch_s)},
                           {"table", label},
                           {"done", done},
                           {"total", total},
                           {"unit", unit},
                           {"rows", rows},
                           {"rows_per_s", std::llround(rate)}};
  j["eta_s"] = eta >= 0 ? nlohmann::ordered_json(std::llround(eta)) : nlohmann::ordered_json(nullptr);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void ProgressLine::update(const std::string& label, std::int64_t done, std::int64_t total, std::int64_t rows,
                          bool force) {
  if (!enabled_ && heartbeat_s_ <= 0) return;
  std::lock_guard lock(mu_);
  const double now = clock_();
  if (label != label_) {
    label_ = label;
    label_start_ = now;
  }
  if (heartbeat_s_ > 0) {
    // A log gets whole lines, spaced: nothing redrawn, nothing to erase.
    if (last_beat_ < 0) last_beat_ = now;
    if (now - last_beat_ < heartbeat_s_) return;
    last_beat_ = now;
    *out_ << heartbeat_text(label, done, total, rows, now - label_start_, unit_, heartbeat_json_, now_epoch())
          << std::flush;
    return;
  }
  if (!force && last_draw_ >= 0 && now - last_draw_ < kMinRedrawSeconds) return;
  last_draw_ = now;
  std::string line = format(label, done, total, rows, now - label_start_, unit_);
  const std::size_t len = line.size();
  if (len < drawn_len_) line.append(drawn_len_ - len, ' ');  // wipe the tail of a longer line
  *out_ << '\r' << line << std::flush;
  drawn_len_ = len;
}

void ProgressLine::clear() {
  if (!enabled_ || heartbeat_s_ > 0) return;
  std::lock_guard lock(mu_);
  if (drawn_len_ == 0) return;
  *out_ << '\r' << std::string(drawn_len_, ' ') << '\r' << std::flush;
  drawn_len_ = 0;
  last_draw_ = -1;
}

}  // namespace recon
