// Fix-up SQL writer: streams statements to per-category temp files, assembles the file at the end.
#include "recon/report/fixup.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <variant>

#include <fmt/format.h>
#include <xxhash.h>

#include "recon/report/output_file.hpp"
#include "recon/connector/connector.hpp"
#include "recon/core/sha256.hpp"
#include "recon/core/utc_time.hpp"
#include "recon/repair/guarded_sql.hpp"

namespace recon {

namespace fs = std::filesystem;

namespace {

// Section order in the final file; also the index of each temp part.
enum Part { kDelete = 0, kUpdate = 1, kInsert = 2 };
constexpr std::array<const char*, 3> kPartSuffix = {".delete.tmp", ".update.tmp", ".insert.tmp"};

Part part_of(repair::StatementKind kind) {
  switch (kind) {
    case repair::StatementKind::Delete: return kDelete;
    case repair::StatementKind::Update: return kUpdate;
    case repair::StatementKind::Insert: break;
  }
  return kInsert;
}

[[noreturn]] void io_failure(const fs::path& file, const char* what) {
  throw std::runtime_error(std::string("cannot ") + what + " fix-up file " + file.string() + ": " +
                           std::strerror(errno) + " (check free space and permissions of the output folder)");
}

}  // namespace

struct FixupWriter::Table {
  fs::path final_path;
  std::string file_name;
  std::array<fs::path, 3> part_paths;
  std::array<std::ofstream, 3> parts;
  std::array<std::int64_t, 3> statements{};
  std::int64_t open_seen = 0;     ///< Open divergences delivered (written or left out)
  std::int64_t partly_fixed = 0;  ///< changed rows whose UPDATE sets fewer columns than differ
  std::int64_t unguarded = 0;     ///< statements with columns left out of their guard
  /// Divergences left out of the file, by why (repair::LeftOut order).
  std::array<std::int64_t, repair::kLeftOutCount> left_out{};

  void remove_parts() {
    std::error_code ec;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].is_open()) parts[i].close();
      fs::remove(part_paths[i], ec);
    }
  }

  void write(Part part, const std::string& line) {
    parts[part] << line;
    if (!parts[part]) io_failure(part_paths[part], "write");
    ++statements[part];
  }
};

FixupWriter::FixupWriter(fs::path out_dir, std::string run_id)
    : dir_(std::move(out_dir) / "fixup"), run_id_(std::move(run_id)) {}

FixupWriter::~FixupWriter() {
  for (auto& [name, t] : open_) t->remove_parts();
}

std::string FixupWriter::file_name_for(const std::string& table_name) {
  static constexpr std::size_t kMaxStem = 200;  // + "-<hash>.sql.delete.tmp" stays under 255 bytes
  std::string out;
  bool plain = !table_name.empty() && table_name[0] != '.' && table_name.size() <= kMaxStem;
  for (char c : table_name) {
    const bool portable = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    const bool kept = portable || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
    plain = plain && portable;
    out.push_back(kept ? c : '_');
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  // A plain name never ends like a suffixed one, so the two sets of names cannot meet.
  const auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  const bool looks_suffixed = out.size() > 9 && out[out.size() - 9] == '-' &&
                              std::all_of(out.end() - 8, out.end(), hex);
  if (plain && !looks_suffixed) return out;
  if (out.size() > kMaxStem) {
    out.resize(kMaxStem);
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();  // UTF-8 tail
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();                // its lead byte
  }
  return out + "-" + fmt::format("{:016x}", XXH3_64bits(table_name.data(), table_name.size())).substr(0, 8);
}

void FixupWriter::begin_table(const TableContext& ctx) {
  if (ctx.job && ctx.job->aggregate) return;  // a group is no row: there is nothing to repair
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec)
    throw std::runtime_error("cannot create fix-up folder " + dir_.string() + ": " + ec.message() +
                             " (check the --out path and its permissions)");
  auto t = std::make_unique<Table>();
  t->file_name = file_name_for(ctx.name) + ".sql";
  // Never two tables in one file, even on a case-insensitive file system (a 32-bit hash clash).
  std::string folded = t->file_name;
  std::transform(folded.begin(), folded.end(), folded.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  if (const auto [owner, fresh] = files_.try_emplace(folded, ctx.name); !fresh && owner->second != ctx.name)
    throw std::runtime_error("fix-up file " + t->file_name + " of table " + ctx.name + " would overwrite table " +
                             owner->second + "'s; give one of them another name = \"…\" in the job file");
  t->final_path = dir_ / t->file_name;
  for (std::size_t i = 0; i < t->parts.size(); ++i) {
    t->part_paths[i] = t->final_path;
    t->part_paths[i] += kPartSuffix[i];
    t->parts[i].open(t->part_paths[i], std::ios::binary | std::ios::trunc);
    if (!t->parts[i]) {
      t->remove_parts();
      io_failure(t->part_paths[i], "create");
    }
  }
  if (auto old = open_.find(ctx.name); old != open_.end()) old->second->remove_parts();
  open_[ctx.name] = std::move(t);
}

void FixupWriter::divergences(const TableContext& ctx, const std::vector<Divergence>& batch) {
  if (ctx.job && ctx.job->aggregate) return;
  auto it = open_.find(ctx.name);
  if (it == open_.end()) throw std::logic_error("FixupWriter: divergences before begin_table for " + ctx.name);
  Table& t = *it->second;
  const repair::GuardedSql sql(ctx);
  for (const Divergence& d : batch) {
    if (d.finding.status == Status::Open) ++t.open_seen;
    auto made = sql.statement_for(d);
    if (const auto* why = std::get_if<repair::LeftOut>(&made)) {
      ++t.left_out[static_cast<std::size_t>(*why)];
      continue;
    }
    const auto& statement = std::get<repair::GuardedStatement>(made);
    if (statement.partly_fixed) ++t.partly_fixed;
    if (!statement.unguarded.empty()) ++t.unguarded;
    t.write(part_of(statement.kind), statement.file_line());
  }
}

void FixupWriter::end_table(const TableContext& ctx, TableResult& result) {
  auto it = open_.find(ctx.name);
  if (it == open_.end()) return;  // never begun: the table was not compared (failed or interrupted), no file
  Table& t = *it->second;
  for (std::size_t i = 0; i < t.parts.size(); ++i) {
    t.parts[i].close();
    if (t.parts[i].fail()) io_failure(t.part_paths[i], "write");
  }

  using report::one_line;
  const std::int64_t written = t.statements[kDelete] + t.statements[kUpdate] + t.statements[kInsert];
  const std::int64_t counted = result.missing_in_source + result.changed + result.missing_in_target;
  std::string not_fixed;
  for (std::size_t i = 0; i < t.left_out.size(); ++i)
    if (t.left_out[i] > 0)
      not_fixed += (not_fixed.empty() ? "" : ", ") + std::to_string(t.left_out[i]) + " " +
                   repair::left_out_name(static_cast<repair::LeftOut>(i));
  std::string head;
  head += "-- recon fix-up SQL for table " + one_line(ctx.name) + ": makes the target equal to the source.\n";
  head += "-- run:        " + one_line(run_id_) + "\n";
  head += "-- source:     " + one_line(result.source) + " @ " + one_line(redact_secrets(ctx.source_endpoint)) + "\n";
  head += "-- target:     " + one_line(result.target) + " @ " + one_line(redact_secrets(ctx.target_endpoint)) + "\n";
  head += "-- generated:  " + iso_utc_now() + "\n";
  if (ctx.job && !ctx.job->pii.empty()) {
    std::string columns;
    for (const PiiColumn& p : ctx.job->pii) columns += (columns.empty() ? "" : ", ") + one_line(p.column);
    head += "-- PERSONAL DATA: this file holds the real values of " + columns +
            " (it must, to repair them). Keep it owner-only (it is written 0600), do not copy it to tickets or "
            "chat, and delete it once applied; recon apply does not need it (--no-fixup skips it).\n";
  }
  head += "-- rows:       compared " + std::to_string(result.rows_compared) + ", matched " +
          std::to_string(result.matched) + ", missing_in_target " + std::to_string(result.missing_in_target) +
          ", missing_in_source " + std::to_string(result.missing_in_source) + ", changed " +
          std::to_string(result.changed) + "\n";
  head += "-- statements: " + std::to_string(t.statements[kDelete]) + " DELETE, " +
          std::to_string(t.statements[kUpdate]) + " UPDATE, " + std::to_string(t.statements[kInsert]) + " INSERT\n";
  if (!not_fixed.empty()) head += "-- not fixed here: " + not_fixed + "\n";
  if (t.partly_fixed > 0)
    head += "-- partly fixed: " + std::to_string(t.partly_fixed) +
            " changed rows; only the columns whose rules say fix are set\n";
  if (result.partial)
    head += "-- WARNING: the comparison of this table is partial (" + one_line(result.error) +
            "); rows in the ranges that failed are not covered here.\n";
  if (t.open_seen < counted)
    head += "-- WARNING: " + std::to_string(counted - t.open_seen) +
            " divergences were counted but not detailed (the per-table detail limit was reached); "
            "run recon again after applying this file.\n";
  if (t.unguarded > 0)
    head += "-- unguarded columns: " + std::to_string(t.unguarded) +
            " statements leave columns out of their guard (marked \"-- unguarded\"): a change to only those "
            "columns since the check is not seen\n";
  head += "-- Guarded: each statement touches its row only while the row still holds what recon saw;\n"
          "-- a statement that touches 0 rows is a conflict (the row changed since). recon apply --run " +
          one_line(run_id_) + " runs this with row counts, an undo script and re-verification.\n";
  head += "-- Review before running. One transaction: deletes, then updates, then inserts.\n\n";
  const repair::GuardedSql sql(ctx);
  head += sql.script_begin();
  if (written == 0) head += (t.open_seen == 0 && not_fixed.empty()) ? "-- no divergences\n" : "-- nothing to fix\n";

  fs::path tmp = t.final_path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) io_failure(tmp, "create");
    out << head;
    static constexpr const char* kSection[] = {"rows missing in source", "rows changed", "rows missing in target"};
    for (std::size_t i = 0; i < t.parts.size(); ++i) {
      if (t.statements[i] == 0) continue;
      out << "\n-- " << t.statements[i] << ' ' << kSection[i] << "\n";
      std::ifstream in(t.part_paths[i], std::ios::binary);
      if (!in) io_failure(t.part_paths[i], "read back");
      out << in.rdbuf();
    }
    out << sql.script_end();
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      io_failure(t.final_path, "write");
    }
  }
  std::error_code ec;
  fs::rename(tmp, t.final_path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw std::runtime_error("cannot rename " + tmp.string() + " to " + t.final_path.string() + ": " + ec.message());
  }
  result.fixup_sql = "fixup/" + t.file_name;
  result.fixup_sha256 = file_sha256_hex(t.final_path).value_or("");
  t.remove_parts();
  open_.erase(it);
}

}  // namespace recon
