#pragma once
/// Writing output files so that a reader never sees half of one: the report writers, the undo
/// scripts and the apply reports of `recon apply`.
#include <filesystem>
#include <string>
#include <string_view>

namespace recon::report {

/// Writes `content` to `file` + ".tmp", then renames it over `file` (atomic on POSIX), creating the
/// folder first; `durable`: the bytes are on disk (fsync) before the rename, for a file that must
/// survive a crash right after (an undo script written before its COMMIT). Throws
/// std::runtime_error naming the file and the OS error when anything fails; the temp file is
/// removed in that case.
void write_file_atomically(const std::filesystem::path& file, std::string_view content, bool durable = false);

/// Replaces CR/LF (and other control characters) by spaces, for text put in a "--" comment line
/// or a one-line label.
std::string one_line(std::string_view text);

}  // namespace recon::report
