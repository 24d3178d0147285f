// The read log. See read_log.hpp.
#include "read_log.hpp"

#include <chrono>
#include <stdexcept>

namespace tds_test {

ReadLog::ReadLog(const std::string& path) : f_(std::fopen(path.c_str(), "a")) {
  if (!f_) throw std::runtime_error("cannot open the read log '" + path + "' for appending");
}

ReadLog::~ReadLog() {
  if (f_) std::fclose(f_);
}

void ReadLog::write(const Entry& e) {
  std::string statement = e.statement;
  for (char& c : statement)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';  // one line per statement, whatever its text
  const std::lock_guard<std::mutex> lock(mu_);
  std::fprintf(f_, "%.6f\t%.6f\t%d\t%s\t%llu\t%llu\t%s\t%s\n", e.start, e.end, e.spid, e.reads,
               static_cast<unsigned long long>(e.rows_read), static_cast<unsigned long long>(e.rows_sent),
               e.object.c_str(), statement.c_str());
  std::fflush(f_);
}

double unix_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace tds_test
