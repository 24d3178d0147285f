#pragma once
/// The next step a report suggests for a finding: the exact `recon explain` command for one key,
/// ready to paste into a shell.

#include <string>
#include <string_view>

#include "recon/model/result.hpp"

namespace recon {

/// `s` as one shell word: single-quoted, a single quote inside spelt '\''; plain words (letters,
/// digits and -_./:=,@%+) unquoted.
std::string shell_quote(std::string_view s);

/// `recon explain --run RUN --audit AUDIT --table T --key 'K'`: what `run` recorded for `key` (a
/// canonical key encoding) of `table`, and the key on both sides now, with the run's job file.
/// `--audit` is left out when the run has no audit path.
std::string explain_command(const RunResult& run, const std::string& table, std::string_view key);

}  // namespace recon
