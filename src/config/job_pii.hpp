#pragma once
// The job file's personal-data settings: [[tables]] pii and the key behind tokens.
#include <string>
#include <vector>

#include "recon/config/job.hpp"
#include "recon/config/toml_reader.hpp"

namespace recon::config_detail {

/// `pii = { cpf = "cpf", email = "email" }` of a [[tables]] entry: target column -> mask kind.
/// Throws InputError naming file:line for a value that is not a mask kind or a repeated column.
std::vector<PiiColumn> read_pii(const TableReader& r, const std::string& origin);

/// When any table declares pii columns: reads the secret from the environment variable
/// opts.pii_key_env into opts.pii_key. Unset, empty or shorter than 16 bytes is an InputError
/// (exit 2) naming the variable and the first such table's file:line — the run would otherwise
/// write tokens no later run can match.
void resolve_pii_key(RunOptions& opts, const std::string& origin);

}  // namespace recon::config_detail
