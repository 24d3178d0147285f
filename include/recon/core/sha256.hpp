#pragma once
/// SHA-256 (OpenSSL) of text and files: what the audit trail records of the fix-up and undo files
/// recon writes and applies.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace recon {

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
/// Lower-case hex SHA-256 of a file's bytes, or nullopt when it cannot be read.
std::optional<std::string> file_sha256_hex(const std::filesystem::path& file);

}  // namespace recon
