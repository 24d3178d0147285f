// The OS user and host. See os_identity.hpp.
#include "recon/core/os_identity.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace recon {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

std::string user_name() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (const passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return {};
}

}  // namespace recon
