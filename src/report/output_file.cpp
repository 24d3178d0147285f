// Atomic output files and small text helpers shared by the report writers.
#include "recon/report/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace recon::report {

void create_readable_folders(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  std::vector<fs::path> missing;
  for (fs::path p = folder; !p.empty() && !fs::exists(p); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  fs::create_directories(folder);
  for (const fs::path& p : missing)
    fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec);
}

void write_file_atomically(const std::filesystem::path& file, std::string_view content, bool durable,
                           bool readable_by_all) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (file.has_parent_path()) {
    fs::create_directories(file.parent_path(), ec);
    if (ec)
      throw std::runtime_error("cannot create output folder " + file.parent_path().string() + ": " +
                               ec.message() + " (check the --out path and its permissions)");
  }
  fs::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (out) out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (out) out.flush();
    if (!out) {
      const std::string why = std::strerror(errno);
      out.close();
      fs::remove(tmp, ec);
      throw std::runtime_error("cannot write " + file.string() + ": " + why +
                               " (check free space and permissions of the output folder)");
    }
  }
  if (durable) {
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    if (!synced) {
      fs::remove(tmp, ec);
      throw std::runtime_error("cannot write " + file.string() + " to disk: " + why +
                               " (check the output folder's file system)");
    }
  }
  if (readable_by_all)  // before the rename: a reader never sees the file owner-only
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read,
                    ec);
  fs::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw std::runtime_error("cannot rename " + tmp.string() + " to " + file.string() + ": " + ec.message());
  }
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

}  // namespace recon::report
