#pragma once
// The job file's settings of a `kind = "dms_csv"` side ([source] or [target]).
#include <filesystem>
#include <string>
#include <vector>

#include "recon/config/dms_csv_options.hpp"
#include "recon/config/toml_reader.hpp"

namespace recon::config_detail {

/// The keys a dms_csv side accepts besides kind and url.
extern const std::vector<std::string> kDmsCsvKeys;

/// Reads the dms_csv settings of the side `r` into `out`; paths resolve against `base`. Throws
/// InputError naming file:line and the key for a value DMS cannot have written.
void read_dms_csv_options(const TableReader& r, const std::filesystem::path& base, DmsCsvOptions& out);

}  // namespace recon::config_detail
