#pragma once
// The job file's [[aggregates]] entries (docs/aggregates.md).
#include <filesystem>
#include <string>

#include <toml++/toml.h>

#include "recon/config/job.hpp"
#include "recon/config/toml_reader.hpp"

namespace recon::config_detail {

/// One [[aggregates]] entry as a TableJob whose rows are groups: source and target are queries
/// (given, or built from a table and `measures`), key = group_by, compared columns = the measures.
/// `rule_files` resolves and checks its `rules` list. Throws InputError naming file:line.
TableJob read_aggregate(const toml::table& t, const std::string& origin, std::size_t index,
                        std::vector<std::filesystem::path> (*rule_files)(TableReader&, const std::filesystem::path&),
                        const std::filesystem::path& base);

/// `SELECT g1, g2, sum(m) AS m, count(*) AS n FROM table GROUP BY g1, g2`: what a side given as
/// a table (source_table / target_table) is read as. Names are pasted as written.
std::string aggregate_query(const std::string& table, const std::vector<std::string>& group_by,
                            const std::vector<std::pair<std::string, std::string>>& measures);

}  // namespace recon::config_detail
