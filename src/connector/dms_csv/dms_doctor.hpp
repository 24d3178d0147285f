#pragma once
// Private to the dms_csv connector: what `recon doctor` says of a folder of DMS files
// (docs/doctor.md, "dms_csv"). Nothing is parsed: the files are listed, sized and opened.

#include <cstdint>
#include <optional>
#include <string>

#include "recon/connector/connector.hpp"

namespace recon::dms_csv {

/// product "DMS CSV files", protocol "file", no TLS, no login, no clock; database = the folder.
ServerFacts server_facts(const std::string& url);

/// can_select: the table's folder exists and every data file in it opens for reading; the plan
/// names the files and their total size. `rows`: the row count when the table is already loaded
/// (describing it loads it), else nullopt. No rights, statistics or index: recon sorts the files.
TableFacts table_facts(const std::string& url, const RangeQuery& first_range, Side side,
                       std::optional<std::uint64_t> rows);

}  // namespace recon::dms_csv
