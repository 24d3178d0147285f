#pragma once
/// A doctor report for a person (one screen: a header, one table line per check, the self-test,
/// the least-privilege statements, the counts) and as JSON (docs/doctor.md, "--json").

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "recon/doctor/report.hpp"

namespace recon::doctor {

/// The columns' width when stdout is not a terminal.
inline constexpr std::size_t kDefaultWidth = 100;

/// The text report, every line at most `width` columns (cells wrap at spaces; a longer word is
/// cut), newline-terminated: header with both sides' connect facts, the table STATUS / CHECK /
/// WHERE / WHAT / WHAT TO DO, a self-test line per side (every failure in full), the
/// least-privilege statements when Report::wants_least_privilege, the counts and exit code.
/// Unless `every_check`, the OK and SKIP checks of a table, or of a side, share one row (the WARN
/// and FAIL rows stay their own), so that a job of many tables still fits a screen; the counts
/// count every check.
std::string render_text(const Report& report, std::size_t width = kDefaultWidth, bool every_check = false);

/// The JSON object of docs/doctor.md: job, at, exit_code, counts, sides, checks, least_privilege
/// (always), self_test.
nlohmann::ordered_json render_json(const Report& report);

/// "source", "orders", "orders/target": a check's WHERE cell.
std::string where_of(const Check& c);

/// `text` cut into lines of at most `width` columns (UTF-8 characters), at spaces where it can.
std::vector<std::string> wrap(const std::string& text, std::size_t width);

}  // namespace recon::doctor
