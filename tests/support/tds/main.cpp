// tds_test_server --db FILE --port 0|N --user U --password P [--fail-after-rows N] [--read-log FILE]
//                 [--without-stats-histogram]
// Prints "listening on 127.0.0.1:PORT" once ready and serves until killed.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "server.hpp"

namespace {

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "tds_test_server: %s\n"
               "usage: tds_test_server --db FILE --port 0|N --user U --password P [--fail-after-rows N]\n"
               "                       [--read-log FILE] [--without-stats-histogram]\n"
               "A TDS 7.4 test peer serving a SQLite fixture (see docs/tds-test-server.md); not SQL Server.\n",
               why);
  std::exit(2);
}

std::uint64_t number(const char* flag, const char* v) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (!*v || *end || errno) usage((std::string(flag) + " needs a non-negative integer, got '" + v + "'").c_str());
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  tds_test::ServerOptions opts;
  bool have_port = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--without-stats-histogram") {  // as SQL Server before 2016 SP1 CU2
      opts.stats_histogram = false;
      continue;
    }
    if (i + 1 >= argc) usage(("missing value after " + a).c_str());
    const char* v = argv[++i];
    if (a == "--db") opts.db_path = v;
    else if (a == "--port") {
      const auto p = number("--port", v);
      if (p > 65535) usage("--port must be 0..65535");
      opts.port = std::uint16_t(p);
      have_port = true;
    } else if (a == "--user") opts.user = v;
    else if (a == "--password") opts.password = v;
    else if (a == "--fail-after-rows") opts.fail_after_rows = number("--fail-after-rows", v);
    else if (a == "--read-log") opts.read_log = v;
    else usage(("unknown option " + a).c_str());
  }
  if (opts.db_path.empty() || !have_port || opts.user.empty()) usage("--db, --port and --user are required");
  std::signal(SIGPIPE, SIG_IGN);
  try {
    tds_test::Server server(opts);
    server.start();
    std::printf("listening on 127.0.0.1:%u\n", unsigned(server.port()));
    std::fflush(stdout);
    server.wait();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tds_test_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
