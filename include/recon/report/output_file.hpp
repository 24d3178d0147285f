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
/// removed in that case. recon runs with umask 077, so the file is owner-only (0600) unless
/// `readable_by_all` (0644: for files other programs' users read, such as the stable metrics file).
/// Creates `folder` and its missing parents readable by all (0755, despite recon's owner-only
/// umask), for files other programs' users read (the stable metrics file, the EMF log); folders
/// that exist keep their mode. Throws std::filesystem::filesystem_error on failure.
void create_readable_folders(const std::filesystem::path& folder);

void write_file_atomically(const std::filesystem::path& file, std::string_view content, bool durable = false,
                           bool readable_by_all = false);

/// Replaces CR/LF (and other control characters) by spaces, for text put in a "--" comment line
/// or a one-line label.
std::string one_line(std::string_view text);

}  // namespace recon::report
