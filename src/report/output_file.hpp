#pragma once
// Private to the report module: writing output files so that a reader never sees half of one.
#include <filesystem>
#include <string>
#include <string_view>

namespace recon::report {

/// Writes `content` to `file` + ".tmp", then renames it over `file` (atomic on POSIX), creating the
/// folder first. Throws std::runtime_error naming the file and the OS error when anything fails;
/// the temp file is removed in that case.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

/// Replaces CR/LF (and other control characters) by spaces, for text put in a "--" comment line
/// or a one-line label.
std::string one_line(std::string_view text);

}  // namespace recon::report
