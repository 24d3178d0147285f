// recon's own freetds.conf: how a login gets TDS 7.4 and an encryption level with DB-Library.
//
// FreeTDS reads freetds.conf at every dbopen(): $FREETDSCONF, else ~/.freetds.conf, else the
// system file. DB-Library cannot set encryption on a LOGINREC (FreeTDS leaves DBSETLENCRYPT
// unimplemented), so recon writes one file per process holding the user's own configuration
// (first of the three above, copied so their [global] settings — ca file, text size — still
// apply) plus one section per (host, port, encrypt) it connects to, and points $FREETDSCONF at
// it. The variable is set once, at the first SQL Server login (the engine opens the source
// before any worker thread exists); later logins only rewrite the file (atomically, by rename).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "tds_session.hpp"

namespace recon::tds {
namespace {

class ConfFile {
 public:
  ~ConfFile() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove(path_, ec);
  }

  /// Section name for the endpoint; empty when the file cannot be written.
  std::string section(const SqlServerUrl& url, const std::string& encrypt) {
    const std::lock_guard<std::mutex> lock(mutex_);
    const std::string key = url.host + "\n" + std::to_string(url.port) + "\n" + encrypt;
    if (auto it = sections_.find(key); it != sections_.end()) return it->second.first;
    if (path_.empty() && !start()) return {};
    const std::string name = "recon-" + std::to_string(sections_.size() + 1);
    sections_[key] = {name, "[" + name + "]\n\thost = " + url.host + "\n\tport = " + std::to_string(url.port) +
                                "\n\ttds version = 7.4\n\tencryption = " + encrypt + "\n"};
    if (!write()) {
      sections_.erase(key);
      return {};
    }
    if (!env_set_) {
      ::setenv("FREETDSCONF", path_.c_str(), 1);
      env_set_ = true;
    }
    return name;
  }

 private:
  bool start() {
    std::error_code ec;
    const auto dir = std::filesystem::temp_directory_path(ec);
    if (ec) return false;
    path_ = dir / ("recon-freetds-" + std::to_string(::getpid()) + ".conf");
    std::filesystem::path user;
    if (const char* env = std::getenv("FREETDSCONF"); env && *env) user = env;
    else if (const char* home = std::getenv("HOME"); home && std::filesystem::exists(std::filesystem::path(home) / ".freetds.conf", ec))
      user = std::filesystem::path(home) / ".freetds.conf";
    else user = "/etc/freetds/freetds.conf";
    std::ifstream in(user);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      base_ = "# copied from " + user.string() + " by recon\n" + text.str() + "\n";
    }
    return true;
  }

  bool write() {
    const std::filesystem::path tmp = path_.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      if (!out) return false;
      out << base_ << "# recon's SQL Server endpoints\n";
      for (const auto& [key, sec] : sections_) out << sec.second;
      if (!out.flush()) return false;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path_, ec);
    return !ec;
  }

  std::mutex mutex_;
  std::filesystem::path path_;
  std::string base_;
  std::map<std::string, std::pair<std::string, std::string>> sections_;  // key -> (name, text)
  bool env_set_ = false;
};

ConfFile& conf_file() {
  static ConfFile file;  // process-wide, like FreeTDS's own configuration
  return file;
}

}  // namespace

std::string freetds_server_name(const SqlServerUrl& url, const std::string& encrypt, Side side) {
  std::string name = conf_file().section(url, encrypt);
  if (!name.empty()) return name;
  if (encrypt == "request") return url.host + ":" + std::to_string(url.port);  // FreeTDS's default level
  throw ConnectorError(side, std::string("cannot write the FreeTDS configuration file that sets encrypt = \"") + encrypt +
                                 "\" for the " + side_name(side) + " SQL Server (" + url.display() +
                                 "); make the temp folder writable or use encrypt = \"request\"",
                       true, true);
}

}  // namespace recon::tds
