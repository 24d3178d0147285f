#pragma once
/// --read-log FILE: one line per SELECT the server ran, appended as it ends, for benchmarks and
/// tests that must show what a client's statements read (docs/tds-test-server.md, "Read log").
/// Tab-separated: start and end (Unix seconds, microsecond precision), spid, what the statement
/// reads (table, tablesample, histogram, catalog or none), rows read, rows sent, the object read,
/// and the statement as the server lexed it (tokens one space apart).

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace tds_test {

class ReadLog {
 public:
  /// Opens `path` for appending; throws std::runtime_error naming it when it cannot.
  explicit ReadLog(const std::string& path);
  ~ReadLog();
  ReadLog(const ReadLog&) = delete;
  ReadLog& operator=(const ReadLog&) = delete;

  struct Entry {
    double start = 0, end = 0;  ///< Unix seconds
    int spid = 0;
    const char* reads = "none";
    std::uint64_t rows_read = 0, rows_sent = 0;
    std::string object, statement;
  };
  /// Appends one line and flushes it: sessions run on their own threads, one line at a time.
  void write(const Entry& e);

 private:
  std::mutex mu_;
  std::FILE* f_ = nullptr;
};

/// Unix time now, in seconds.
double unix_now();

}  // namespace tds_test
