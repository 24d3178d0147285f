#pragma once
// Private to the SQL Server connector: the arithmetic of planning from statistics — keys from a
// histogram, the TABLESAMPLE percentage, the key scan's stride. Pure functions, unit-tested
// without a server; tds_sampling.cpp sends the statements (docs/sqlserver.md, "Planning").
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tds_reader.hpp"

namespace recon::tds {

/// Planning keys from a histogram of a one-column key (steps in the column's order): every
/// step's upper bound (the NULL step skipped). With more steps than 2 × `wanted`, every k-th
/// bound. With fewer bounds than `wanted` and an integer-like key (integer, date, time,
/// timestamp), more bounds between two steps' upper bounds, spaced evenly and as many as the
/// step's share of the rows asks for: SQL Server's own estimate assumes rows spread evenly within
/// a step too. They are range bounds, not keys read: a bound no row has still splits correctly.
std::vector<std::string> histogram_keys(const std::vector<HistogramStep>& steps, std::size_t wanted);

/// How to sample a table with TABLESAMPLE SYSTEM for about `wanted` keys.
struct SamplePlan {
  double percent = 100;         ///< of the table's pages
  std::uint64_t keep_one_in = 1;  ///< of the rows the sampled pages hold, kept in arrival order
};
/// `rows`: rows the sample may return (after the job's filter); `pages`: the table's data pages,
/// 0 when unknown. Like PostgreSQL's planning (docs/architecture.md): at least wanted / 8 pages
/// (64 at least), because each sampled page is a clump of neighbouring keys and ranges are only
/// as even as the gaps between sampled pages; the rows beyond about 2 × wanted are thinned.
SamplePlan sample_plan(std::int64_t rows, std::int64_t pages, std::size_t wanted);

/// The key scan keeps every k-th key: 1 up to 2 × wanted rows, else rows / wanted.
std::uint64_t scan_stride(std::int64_t rows, std::size_t wanted);

/// "0.819200": a percentage as a T-SQL numeric literal.
std::string percent_literal(double percent);

}  // namespace recon::tds
