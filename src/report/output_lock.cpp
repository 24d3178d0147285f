#include "recon/report/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "recon/core/errors.hpp"

namespace recon {

namespace {

std::string read_holder(int fd) {
  char buf[256] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string text = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "another recon process" : text;
}

}  // namespace

OutputLock::OutputLock(const std::filesystem::path& folder, const std::string& run_id) : file_(folder / ".recon.lock") {
  std::filesystem::create_directories(folder);
  fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error("cannot create " + file_.string() + ": " + std::strerror(errno) +
                             " (check the output folder's permissions, or use --out)");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = read_holder(fd_);
    ::close(fd_);
    fd_ = -1;
    throw InputError("output folder " + folder.string() + " is in use by " + holder +
                     "; wait for it to end, or give this run another --out folder");
  }
  const std::string text = "run " + run_id + " (pid " + std::to_string(::getpid()) + ")\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, text.data(), text.size(), 0) < 0) {
    // The lock holds without the text; only the message naming the holder would be vaguer.
  }
}

OutputLock::~OutputLock() {
  // The file stays: removing it would let a process that opened it just before lock an unlinked
  // file while a third creates and locks a new one.
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace recon
