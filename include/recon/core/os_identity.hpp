#pragma once
/// Who and where: the OS user and host recorded with every run and apply on the audit trail.

#include <string>

namespace recon {

/// This machine's host name ("" when the OS will not say).
std::string host_name();
/// $USER, else the effective user's login name ("" when neither is known).
std::string user_name();

}  // namespace recon
