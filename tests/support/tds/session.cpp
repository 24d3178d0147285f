// One connection: handshake, then batches. Errors in a statement become ERROR + DONE(error) as
// SQL Server sends them; only protocol violations and a vanished client end the session.
#include "session.hpp"

#include <algorithm>
#include <cstdio>

#include "login.hpp"
#include "scalars.hpp"
#include "sqlite_ext.hpp"
#include "tokens.hpp"
#include "values.hpp"

namespace tds_test {
namespace {

constexpr std::uint8_t kTokenColMetadata = 0x81, kTokenRow = 0xD1, kTokenNbcRow = 0xD2;
/// How long a statement waits for another session's lock before error 1222, unless SET LOCK_TIMEOUT
/// says otherwise (SQL Server waits forever; a test should not).
constexpr int kDefaultLockWaitMs = 60'000;

/// SQL Server's error number for a value this server could not encode, by type.
int conversion_error_number(Kind k) {
  switch (k) {
    case Kind::Date: case Kind::Time: case Kind::DateTime: case Kind::SmallDateTime:
    case Kind::DateTime2: case Kind::DateTimeOffset:
      return 241;
    case Kind::Guid:
      return 8169;
    case Kind::Char: case Kind::VarChar: case Kind::NChar: case Kind::NVarChar:
    case Kind::Binary: case Kind::VarBinary:
      return 8152;
    default:
      return 8115;
  }
}

struct StmtGuard {
  sqlite3_stmt* st = nullptr;
  ~StmtGuard() { sqlite3_finalize(st); }
};

/// The statement as lexed, tokens one space apart: what the read log shows.
std::string statement_text(const Statement& st) {
  std::string out;
  for (const Token& t : st.tokens) {
    if (!out.empty()) out += ' ';
    switch (t.kind) {
      case Token::Kind::Quoted: out += "[" + t.text + "]"; break;
      case Token::Kind::String: out += (t.national ? "N'" : "'") + t.text + "'"; break;
      case Token::Kind::Hex: out += "0x" + t.text; break;
      default: out += t.text;
    }
  }
  return out;
}

const char* reads_name(Reads r) {
  switch (r) {
    case Reads::Table: return "table";
    case Reads::Sample: return "tablesample";
    case Reads::Statistics: return "histogram";
    case Reads::Catalog: return "catalog";
    case Reads::None: break;
  }
  return "none";
}

/// Writes a SELECT's read-log line when the statement ends, however it ends.
class ReadLogLine {
 public:
  ReadLogLine(ReadLog* log, int spid, const Query& q, const Statement& st, const std::uint64_t& read,
              const std::uint64_t& sent)
      : log_(log), read_(read), sent_(sent) {
    if (!log_) return;
    e_.start = unix_now();
    e_.spid = spid;
    e_.reads = reads_name(q.reads);
    e_.object = q.object;
    e_.statement = statement_text(st);
  }
  ~ReadLogLine() {
    if (!log_) return;
    e_.end = unix_now();
    e_.rows_read = read_;
    e_.rows_sent = sent_;
    log_->write(e_);
  }
  ReadLogLine(const ReadLogLine&) = delete;
  ReadLogLine& operator=(const ReadLogLine&) = delete;

 private:
  ReadLog* log_;
  const std::uint64_t& read_;
  const std::uint64_t& sent_;
  ReadLog::Entry e_;
};

}  // namespace

Session::Session(int fd, int spid, const ServerOptions& opts, const Catalog& catalog, ReadLog* log)
    : conn_(fd), w_(conn_, std::uint16_t(spid)), opts_(opts), catalog_(catalog), read_log_(log) {
  info_.spid = spid;
  info_.stats_histogram = opts.stats_histogram;
  info_.count_reads = log != nullptr;
  w_.on_sent([this] { check_attention(); });
}

Session::~Session() {
  if (db_) sqlite3_close(db_);
}

void Session::run() {
  try {
    if (!handshake()) return;
    Message m;
    while (next_message(m)) {
      attention_ = false;
      if (m.type == kAttention) {  // arrived after the response was complete: acknowledge it
        Out o = w_.out();
        put_done(o, kDoneAttn, 0, 0);
        w_.end_message();
      } else if (m.status & kStatusIgnore) {  // the client abandoned a request it was still sending
        Out o = w_.out();
        put_done(o, kDoneFinal, 0, 0);
        w_.end_message();
      } else if (m.type == kSqlBatch) {
        batch(m);
      } else {
        error_done(50000, 16,
                   "tds_test_server accepts SQL batches only (got TDS message type " + std::to_string(m.type) +
                       "); RPC and transaction manager requests are not supported.");
      }
    }
  } catch (const ClientGone&) {
    // the client left (or --fail-after-rows cut it off)
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tds_test_server: session %d ended: %s\n", info_.spid, e.what());
  }
}

bool Session::next_message(Message& m) {
  if (!pending_.empty()) {
    m = std::move(pending_.front());
    pending_.pop_front();
    return true;
  }
  return conn_.read_message(m);
}

void Session::check_attention() {
  while (conn_.readable_now()) {
    Message m;
    if (!conn_.read_message(m)) throw ClientGone("client closed the connection mid-result");
    if (m.type == kAttention) attention_ = true;
    else pending_.push_back(std::move(m));  // a request sent early waits its turn
  }
}

bool Session::handshake() {
  Message m;
  if (!conn_.read_message(m)) return false;
  if (m.type != kPrelogin) throw ProtocolError("expected PRELOGIN, got message type " + std::to_string(m.type));
  parse_prelogin(m.payload);
  w_.payload() = prelogin_response(std::uint32_t(info_.spid));
  w_.end_message();

  if (!conn_.read_message(m)) return false;
  if (m.type != kLogin7)
    throw ProtocolError("expected LOGIN7, got message type " + std::to_string(m.type) +
                        " (a TLS handshake? this server never encrypts: use encryption off/request)");
  const Login7 l = parse_login7(m.payload);
  Out o = w_.out();
  auto refuse = [&](int number, const std::string& text) {
    put_message(o, number, 1, 14, text);
    put_done(o, kDoneError, 0, 0);
    w_.end_message();
    return false;
  };
  // 0x74000004 = 7.4, 0x730B0003 = 7.3B: the high byte is major/minor.
  const std::uint8_t major_minor = std::uint8_t(l.tds_version >> 24);
  if (major_minor < 0x73)
    return refuse(50000, "tds_test_server speaks TDS 7.3 and 7.4 only; set TDSVER=7.4 (the client asked for "
                         "version byte 0x" + [&] { char h[3]; std::snprintf(h, 3, "%02x", major_minor); return std::string(h); }() + ").");
  if (!iequals(l.user, opts_.user) || l.password != opts_.password)
    return refuse(18456, "Login failed for user '" + l.user + "'.");
  info_.database = l.database.empty() ? "master" : l.database;
  info_.login = opts_.user;
  // Read-write, so INSERT / UPDATE / DELETE run for real (a write-protected file opens read-only,
  // and a write then fails with 3906).
  if (sqlite3_open_v2(opts_.db_path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    return refuse(4060, "Cannot open database \"" + info_.database + "\" requested by the login (fixture '" +
                            opts_.db_path + "': " + sqlite3_errmsg(db_) + "). The login failed.");
  sqlite3_busy_timeout(db_, kDefaultLockWaitMs);  // SET LOCK_TIMEOUT changes it
  register_collations(db_);
  register_read_functions(db_, &rows_read_);

  std::size_t packet = l.packet_size == 0 ? 4096 : l.packet_size;
  packet = std::min<std::size_t>(32767, std::max<std::size_t>(512, packet));

  // The order SQL Server 2017 uses.
  put_envchange(o, 1, info_.database, "master");
  put_message(o, 5701, 2, 0, "Changed database context to '" + info_.database + "'.");
  put_envchange_collation(o, default_collation());
  put_envchange(o, 2, "us_english", "");
  put_message(o, 5703, 1, 0, "Changed language setting to us_english.");
  put_loginack(o, major_minor > 0x74 ? 0x74000004 : l.tds_version);
  if (l.wants_feature_ext) put_featureextack_none(o);
  put_envchange(o, 4, std::to_string(packet), "4096");
  put_done(o, kDoneFinal, 0, 0);
  w_.end_message();
  w_.set_packet_size(packet);
  return true;
}

void Session::error_done(int number, int severity, const std::string& text) {
  Out o = w_.out();
  put_message(o, number, 1, severity, text);
  put_done(o, kDoneError, 0, 0);
  w_.end_message();
}

void Session::batch(const Message& m) {
  // ALL_HEADERS (TDS 7.2+) first: its total length includes itself.
  std::size_t skip = 0;
  if (m.payload.size() >= 4) {
    In in(m.payload);
    const std::size_t total = in.u32();
    if (total >= 4 && total <= m.payload.size()) skip = total;
  }
  const std::string sql = utf16le_to_utf8(m.payload.data() + skip, m.payload.size() - skip);
  std::vector<Statement> statements;
  try {
    statements = split_batch(lex(sql));
  } catch (const SqlError& e) {
    error_done(e.number, e.severity, e.what());
    return;
  }
  if (statements.empty()) {
    Out o = w_.out();
    put_done(o, kDoneFinal, 0, 0);
    w_.end_message();
    return;
  }
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const bool last = i + 1 == statements.size();
    if (attention_) {
      Out o = w_.out();
      put_done(o, kDoneAttn, 0, 0);
      w_.end_message();
      return;
    }
    try {
      switch (statements[i].kind) {
        case Statement::Kind::Select:
          if (!select(statements[i], last)) {
            w_.end_message();
            return;
          }
          break;
        case Statement::Kind::Use: use(statements[i], last); break;
        case Statement::Kind::Set: set(statements[i], last); break;
        case Statement::Kind::Insert:
        case Statement::Kind::Update:
        case Statement::Kind::Delete: dml(statements[i], last); break;
        case Statement::Kind::Begin:
        case Statement::Kind::Commit:
        case Statement::Kind::Rollback: transaction(statements[i], last); break;
      }
    } catch (const SqlError& e) {
      statement_failed(e);
      return;
    }
  }
  w_.end_message();
}

void Session::use(const Statement& st, bool last) {
  if (st.tokens.size() != 2 || (st.tokens[1].kind != Token::Kind::Word && st.tokens[1].kind != Token::Kind::Quoted))
    throw SqlError(102, "Incorrect syntax near 'USE'.", 15);
  const std::string old = info_.database;
  info_.database = st.tokens[1].text;
  Out o = w_.out();
  put_envchange(o, 1, info_.database, old);
  put_message(o, 5701, 1, 0, "Changed database context to '" + info_.database + "'.");
  put_done(o, last ? kDoneFinal : kDoneMore, 0, 0);
}

void Session::set(const Statement& st, bool last) {
  const auto& t = st.tokens;
  if (t.size() == 3 && iequals(t[1].text, "NOCOUNT")) nocount_ = iequals(t[2].text, "ON");
  if (t.size() == 3 && iequals(t[1].text, "XACT_ABORT")) xact_abort_ = iequals(t[2].text, "ON");
  if (t.size() >= 3 && iequals(t[1].text, "LOCK_TIMEOUT")) {
    // SET LOCK_TIMEOUT n (milliseconds, 0 = do not wait) or -1 (SQL Server: forever; here the default).
    const bool negative = t.size() == 4 && t[2].text == "-";
    const Token& n = t[t.size() - 1];
    if (n.kind != Token::Kind::Number || n.text.find_first_of(".eE") != std::string::npos || t.size() > 4 ||
        (t.size() == 4 && !negative))
      throw SqlError(102, "Incorrect syntax near '" + n.text + "'.", 15);
    const long long ms = std::stoll(n.text.substr(0, 12));
    sqlite3_busy_timeout(db_, negative ? kDefaultLockWaitMs : int(std::min<long long>(ms, 24LL * 3600 * 1000)));
  }
  Out o = w_.out();
  put_done(o, last ? kDoneFinal : kDoneMore, 0, 0);
}

bool Session::select(const Statement& st, bool last) {
  const Query q = translate_select(st, catalog_, info_);
  for (const ResultColumn& c : q.columns)
    if (!c.type.catalog_only.empty())
      throw SqlError(50000, "tds_test_server does not send " + c.type.catalog_only + " values (column " + c.name +
                                "); select a CAST of it instead");
  if (q.uses_information_schema && !information_schema_ready_) {
    try {
      catalog_.install_information_schema(db_, info_.database);
    } catch (const std::exception& e) {
      throw SqlError(50000, e.what());
    }
    information_schema_ready_ = true;
  }
  StmtGuard g;
  if (sqlite3_prepare_v2(db_, q.sqlite_sql.c_str(), -1, &g.st, nullptr) != SQLITE_OK)
    throw SqlError(50000, "tds_test_server could not run the translated query (" + std::string(sqlite3_errmsg(db_)) +
                              "): " + q.sqlite_sql);
  for (std::size_t i = 0; i < q.params.size(); ++i) bind_value(g.st, int(i) + 1, q.params[i]);
  const int n = int(q.columns.size());
  if (sqlite3_column_count(g.st) != n)
    throw SqlError(50000, "tds_test_server: translated query returns " + std::to_string(sqlite3_column_count(g.st)) +
                              " columns, expected " + std::to_string(n));

  Out o = w_.out();
  o.u8(kTokenColMetadata);
  o.u16(std::uint16_t(n));
  for (const ResultColumn& c : q.columns) put_column_metadata(o, c);

  Bytes& b = w_.payload();
  const std::size_t bitmap_bytes = std::size_t(n + 7) / 8;
  std::uint64_t rows = 0;
  rows_read_ = 0;
  const ReadLogLine logged(read_log_, info_.spid, q, st, rows_read_, rows);
  std::string error;
  while (true) {
    const int rc = sqlite3_step(g.st);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) throw sqlite_failure(nullptr);  // another session's write
    if (rc != SQLITE_ROW) {
      put_message(o, 50000, 1, 16, "tds_test_server: SQLite failed while reading: " + std::string(sqlite3_errmsg(db_)));
      put_done(o, kDoneError | kDoneCount, kCmdSelect, rows);
      return false;
    }
    const std::size_t row_start = b.size();
    bool any_null = false;
    for (int i = 0; i < n && !any_null; ++i) any_null = sqlite3_column_type(g.st, i) == SQLITE_NULL;
    if (any_null) {
      o.u8(kTokenNbcRow);
      const std::size_t bm = b.size();
      b.resize(bm + bitmap_bytes, 0);
      for (int i = 0; i < n; ++i)
        if (sqlite3_column_type(g.st, i) == SQLITE_NULL) b[bm + std::size_t(i / 8)] |= std::uint8_t(1u << (i % 8));
    } else {
      o.u8(kTokenRow);
    }
    for (int i = 0; i < n; ++i) {
      if (any_null && sqlite3_column_type(g.st, i) == SQLITE_NULL) continue;
      if (!put_value(o, q.columns[std::size_t(i)], g.st, i, error)) {
        b.resize(row_start);  // the row was never sent: drop what was encoded of it
        put_message(o, conversion_error_number(q.columns[std::size_t(i)].type.kind), 1, 16, error);
        put_done(o, kDoneError | kDoneCount, kCmdSelect, rows);
        return false;
      }
    }
    ++rows;
    if (opts_.fail_after_rows && rows >= *opts_.fail_after_rows) {
      w_.flush_partial();
      conn_.abort();
      throw ClientGone("--fail-after-rows reached");
    }
    w_.maybe_flush();
    if (attention_) {
      attention_ = false;
      put_done(o, kDoneAttn, kCmdSelect, 0);
      return false;
    }
  }
  put_done(o, std::uint16_t((nocount_ ? 0 : kDoneCount) | (last ? 0 : kDoneMore)), kCmdSelect, rows);
  return true;
}

}  // namespace tds_test
