// The PostgreSQL connector: catalog through libpqxx, data through libpq binary COPY.
#include "postgres_connector.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <map>

#include <poll.h>

#include <pqxx/pqxx>

#include "pg_query.hpp"
#include "pg_types.hpp"
#include "pg_write.hpp"
#include "recon/connector/postgres.hpp"
#include "recon/generated/sql_text.hpp"

namespace recon {

std::unique_ptr<Connector> make_postgres_connector(const Endpoint& endpoint, Side side) {
  return std::make_unique<pg::PostgresConnector>(endpoint, side);
}

namespace pg {
namespace {

constexpr std::size_t kFetchChunk = 1000;  // keys per IN list: keeps statements well under limits

/// Blocks until the connection's socket has data (or is closed). False when it cannot be polled.
bool wait_readable(PGconn* c) {
  pollfd fd{};
  fd.fd = PQsocket(c);
  fd.events = POLLIN;
  if (fd.fd < 0) return false;
  for (;;) {
    if (::poll(&fd, 1, -1) >= 0) return true;
    if (errno != EINTR) return false;
  }
}

/// Fills the type-dependent fields of a column from its base type and typmod.
void fill_type(ColumnInfo& c, std::uint32_t base_oid, int typmod, const std::string& category) {
  c.type_oid = base_oid;
  c.type_class = class_for_oid(base_oid, category == "S");
  c.keyable = base_oid != oid::kXml;  // xml has no = or ordering operator
  switch (base_oid) {
    case oid::kNumeric:
      if (typmod >= 4) {  // VARHDRSZ + (precision << 16 | scale as 11-bit two's complement)
        const int m = typmod - 4;
        c.precision = (m >> 16) & 0xffff;
        c.scale = ((m & 0x7ff) ^ 1024) - 1024;
      }
      break;
    case oid::kTime:
    case oid::kTimestamp:
    case oid::kTimestampTz: c.precision = typmod >= 0 ? typmod : 6; break;
    case oid::kFloat4: c.single_float = true; break;
    case oid::kBpchar: c.padded_char = true; break;
    default: break;
  }
}

}  // namespace

PostgresConnector::PostgresConnector(const Endpoint& endpoint, Side side)
    : side_(side), login_(endpoint), endpoint_("postgres " + display_url(endpoint.url)),
      conn_(connect(endpoint, side)), cancel_(PQgetCancel(conn_->raw()), &PQfreeCancel) {}

std::string PostgresConnector::describe_target(const TableRef& table) const {
  return std::string(side_name(side_)) + " table " + table.display();
}

void PostgresConnector::rethrow_pqxx(const std::string& what) const {
  try {
    throw;
  } catch (const InputError&) {
    throw;
  } catch (const ConnectorError&) {
    throw;
  } catch (const pqxx::broken_connection& e) {
    throw ConnectorError(side_, what + ": connection lost (" + one_line(e.what()) + ")", true);
  } catch (const pqxx::sql_error& e) {
    throw query_failure(what, one_line(e.what()), e.sqlstate());
  } catch (const std::exception& e) {
    throw ConnectorError(side_, what + ": " + one_line(e.what()), conn_->broken());
  }
}

TableInfo PostgresConnector::describe(const TableRef& table) {
  if (!table.query.empty()) return describe_query(table);
  const std::string what = "describing " + describe_target(table);
  TableInfo info;
  try {
    pqxx::nontransaction tx(*conn_, "recon_describe");
    const pqxx::result reg =
        tx.exec_params(std::string(sql::postgres_resolve_table), quote_table(Dialect::Postgres, table));
    if (reg.empty() || reg[0]["oid"].is_null()) {
      std::string msg = describe_target(table) + " does not exist";
      if (table.schema.empty())
        msg += " in the search_path (" + reg[0]["search_path"].as<std::string>() + ")";
      throw InputError(msg + " of " + endpoint_ + "; check the [[tables]] " + side_name(side_) +
                       " name and its schema (write it as schema.table)");
    }
    const auto table_oid = reg[0]["oid"].as<std::int64_t>();
    info.ref.schema = reg[0]["schema_name"].as<std::string>();
    info.ref.name = reg[0]["table_name"].as<std::string>();

    for (const auto& row : tx.exec_params(std::string(sql::postgres_columns), table_oid)) {
      ColumnInfo c;
      c.name = row["name"].as<std::string>();
      c.type_name = row["type_name"].as<std::string>();
      c.nullable = !row["not_null"].as<bool>();
      fill_type(c, row["base_oid"].as<std::uint32_t>(), row["base_typmod"].as<int>(),
                row["category"].as<std::string>());
      info.columns.push_back(std::move(c));
    }

    std::int64_t current = -1;
    for (const auto& row : tx.exec_params(std::string(sql::postgres_unique_keys), table_oid)) {
      const auto index_oid = row["index_oid"].as<std::int64_t>();
      if (index_oid != current) {
        info.unique_keys.emplace_back();
        current = index_oid;
      }
      info.unique_keys.back().push_back(row["column_name"].as<std::string>());
    }
  } catch (...) {
    rethrow_pqxx(what);
  }
  return info;
}

TableInfo PostgresConnector::describe_query(const TableRef& query) {
  const std::string what = "describing " + std::string(side_name(side_)) + " " + query.display();
  TableInfo info;
  info.ref = query;
  PGconn* c = conn_->raw();
  // The unnamed statement, prepared and described, never run: the server types the result
  // columns without reading a row.
  const std::string sql = "SELECT * FROM " + quote_table(Dialect::Postgres, query);
  std::unique_ptr<PGresult, void (*)(PGresult*)> prep(PQprepare(c, "", sql.c_str(), 0, nullptr), &PQclear);
  if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK) {
    if (conn_->broken()) throw ConnectorError(side_, what + ": connection lost", true);
    throw InputError(what + " failed: " + one_line(PQresultErrorMessage(prep.get())) +
                     "; run the query in psql and correct it in the job file");
  }
  std::unique_ptr<PGresult, void (*)(PGresult*)> desc(PQdescribePrepared(c, ""), &PQclear);
  if (PQresultStatus(desc.get()) != PGRES_COMMAND_OK)
    throw ConnectorError(side_, what + ": " + one_line(PQresultErrorMessage(desc.get())), conn_->broken());
  std::string oids = "{", mods = "{";
  for (int i = 0; i < PQnfields(desc.get()); ++i) {
    ColumnInfo col;
    col.name = PQfname(desc.get(), i);
    info.columns.push_back(std::move(col));
    oids += (i ? "," : "") + std::to_string(PQftype(desc.get(), i));
    mods += (i ? "," : "") + std::to_string(PQfmod(desc.get(), i));
  }
  try {
    pqxx::nontransaction tx(*conn_, "recon_describe_query");
    const pqxx::result types = tx.exec_params(std::string(sql::postgres_query_columns), oids + "}", mods + "}");
    for (std::size_t i = 0; i < info.columns.size() && i < types.size(); ++i) {
      ColumnInfo& col = info.columns[i];
      col.type_name = types[static_cast<int>(i)]["type_name"].as<std::string>();
      fill_type(col, types[static_cast<int>(i)]["base_oid"].as<std::uint32_t>(),
                types[static_cast<int>(i)]["base_typmod"].as<int>(), types[static_cast<int>(i)]["category"].as<std::string>());
    }
  } catch (...) {
    rethrow_pqxx(what);
  }
  return info;
}

CopyDecoder PostgresConnector::make_copy_decoder(const RangeQuery& q, bool with_values, bool raw_values) const {
  std::vector<ColumnDecoder> keys, values;
  for (const auto& k : q.keys) keys.push_back(make_decoder(k));
  if (with_values)
    for (const auto& v : q.values) values.push_back(make_decoder(v));
  return CopyDecoder(describe_target(q.table), std::move(keys), std::move(values), raw_values);
}

void PostgresConnector::read_range(const RangeQuery& range, RowBatch& out) {
  CopyDecoder decoder = make_copy_decoder(range, /*with_values=*/true, range.raw_values);
  if (range.raw_values)
    out.set_raw([values = decoder.value_decoders()](std::string_view raw, std::string& canonical) {
      CopyDecoder::canonicalize_raw(values, raw, canonical);
    });
  out.reserve(out.size() + last_rows_ + last_rows_ / 8, out.bytes() + last_bytes_ + last_bytes_ / 8);
  const std::size_t rows0 = out.size(), bytes0 = out.bytes();
  copy_into(copy_binary(range_select(range)), decoder, out, "reading a range of " + describe_target(range.table));
  last_rows_ = out.size() - rows0;
  last_bytes_ = out.bytes() - bytes0;
}

void PostgresConnector::fetch_keys(const RangeQuery& table, const std::vector<std::string>& keys,
                                   RowBatch& out) {
  for (std::size_t begin = 0; begin < keys.size(); begin += kFetchChunk) {
    const std::size_t end = std::min(keys.size(), begin + kFetchChunk);
    CopyDecoder decoder = make_copy_decoder(table, /*with_values=*/true);
    copy_into(copy_binary(keys_select(table, keys, begin, end)), decoder, out,
              "fetching rows by key from " + describe_target(table.table));
  }
}

std::string PostgresConnector::key_digest_family() const {
  return conn_ && !conn_->broken() && PQserverVersion(conn_->raw()) >= 140000 ? kKeyDigestFamily : "";
}

std::vector<KeyBucketDigest> PostgresConnector::key_digests(const RangeQuery& table, const KeyBuckets& buckets) {
  std::vector<KeyBucketDigest> out;
  out.reserve(static_cast<std::size_t>(buckets.count()));
  try {
    pqxx::work tx(*conn_, "recon_key_digests");
    // The planner cannot tell a bucket's size from its computed bounds and costs every lateral
    // scan like the whole range; past jit_above_cost it would compile the query, which takes
    // longer (~0.1 s) than running it.
    tx.exec("SET LOCAL jit = off");
    for (const auto& row : tx.exec(key_digest_select(table, buckets)))
      out.push_back(KeyBucketDigest{row[0].as<std::int64_t>(), static_cast<std::uint64_t>(row[1].as<std::int64_t>())});
    tx.commit();
  } catch (...) {
    rethrow_pqxx("digesting the keys of " + describe_target(table.table));
  }
  return out;
}

PostgresConnector::SizeEstimate PostgresConnector::estimate_rows(const RangeQuery& table) {
  SizeEstimate est;
  const std::string what = "estimating the size of " + describe_target(table.table);
  try {
    pqxx::nontransaction tx(*conn_, "recon_stats");
    const pqxx::result reg = tx.exec_params(std::string(sql::postgres_resolve_table),
                                            quote_table(Dialect::Postgres, table.table));
    if (reg.empty() || reg[0]["oid"].is_null())
      throw InputError(describe_target(table.table) + " does not exist in " + endpoint_ +
                       "; check the [[tables]] entry");
    const pqxx::result st =
        tx.exec_params(std::string(sql::postgres_table_stats), reg[0]["oid"].as<std::int64_t>());
    const double reltuples = st[0]["reltuples"].as<double>();
    const auto relpages = st[0]["relpages"].as<std::int64_t>();
    const auto pages = st[0]["current_pages"].as<std::int64_t>();
    if (reltuples < 0 || (reltuples == 0 && pages > 0)) {
      // Never analysed (or analysed while empty): the statistics say nothing, count.
      std::string sql = "SELECT count(*) FROM " + quote_table(Dialect::Postgres, table.table);
      if (!table.where.empty()) sql += " WHERE (" + table.where + ")";
      est.rows = tx.exec_params(sql)[0][0].as<std::int64_t>();
      est.total = static_cast<double>(est.rows);
      est.pages = pages;
      return est;
    }
    // Scale the analysed density to the table's current size, as the planner does.
    est.total = relpages > 0 ? reltuples / static_cast<double>(relpages) * static_cast<double>(pages) : reltuples;
    est.pages = pages;
    est.rows = std::llround(est.total);
    if (table.where.empty()) return est;
    // With a filter, the planner's own estimate for it is the best cheap answer.
    const std::string plan = tx.exec_params("EXPLAIN SELECT 1 FROM " + quote_table(Dialect::Postgres, table.table) +
                                     " WHERE (" + table.where + ")")[0][0]
                                 .as<std::string>();
    const auto at = plan.find(" rows=");
    if (at != std::string::npos) est.rows = std::stoll(plan.substr(at + 6));
    return est;
  } catch (...) {
    rethrow_pqxx(what);
  }
}

KeySample PostgresConnector::sample_keys(const RangeQuery& whole_table, std::size_t target_samples) {
  KeySample sample;
  const SizeEstimate est = estimate_rows(whole_table);
  sample.estimated_rows = est.rows;
  const auto n = static_cast<double>(std::max<std::size_t>(target_samples, 1));
  const std::string what = "sampling keys of " + describe_target(whole_table.table);

  RowBatch batch;
  auto run = [&](const std::string& method, double pct, std::size_t keep_one_in) {
    batch.clear();
    CopyDecoder decoder = make_copy_decoder(whole_table, /*with_values=*/false);
    copy_into(copy_binary(keys_only_select(whole_table, method, pct, keep_one_in)), decoder, batch, what);
  };
  if (static_cast<double>(est.rows) <= 2 * n || est.total <= 0) {
    run("", 0, 1);
  } else {
    const double pct = std::clamp(100.0 * n / est.total, 0.0001, 100.0);
    // SYSTEM reads whole pages: cheap, but each page is a clump of neighbouring keys, and ranges
    // are only as even as the gaps between sampled pages. So read at least n/8 pages (each range
    // then spans many sampled pages; measured: ranges within ~1.5x of chunk_rows) and keep every
    // key of them. Unless that spans enough pages (and when SYSTEM comes back short) sample rows
    // with BERNOULLI, which scans the table but returns few rows.
    constexpr double kMinPages = 64;
    const double pages = static_cast<double>(std::max<std::int64_t>(est.pages, 1));
    const double want_pages = std::clamp(n / 8.0, kMinPages, pages);
    const double system_pct = std::clamp(std::max(pct, 100.0 * want_pages / pages), 0.0001, 100.0);
    // The sampled pages hold far more keys than needed, and sending and decoding them cost more
    // than the sampling: the server keeps about 2n (four times what is used, so a row estimate
    // that is off by a lot still leaves enough), the loop below thins the rest.
    const double in_pages = est.total * system_pct / 100.0;
    const auto keep_one_in = static_cast<std::size_t>(std::max(1.0, std::floor(in_pages / (2 * n))));
    if (system_pct / 100.0 * pages >= kMinPages) run("SYSTEM", system_pct, keep_one_in);
    if (static_cast<double>(batch.size()) < n / 4) run("BERNOULLI", pct, 1);
  }
  // Whole pages give far more keys than asked for; every k-th key (in physical order) keeps every
  // sampled page represented while the planner sorts a few thousand keys, not a hundred thousand.
  const std::size_t step = std::max<std::size_t>(1, 2 * batch.size() / static_cast<std::size_t>(n));
  sample.keys.reserve(batch.size() / step + 1);
  for (std::size_t i = 0; i < batch.size(); i += step) sample.keys.emplace_back(batch.key(i));
  return sample;
}

void PostgresConnector::copy_into(const std::string& sql, CopyDecoder& decoder, RowBatch& out,
                                  const std::string& what) {
  PGconn* c = conn_->raw();
  if (conn_->broken())
    throw ConnectorError(side_, what + ": the connection is closed; reconnect", true);
  // The extended protocol runs exactly one statement: a filter cannot smuggle in a second one.
  PGresult* res = PQexecParams(c, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  if (PQresultStatus(res) != PGRES_COPY_OUT) {
    const std::string msg = one_line(res ? PQresultErrorMessage(res) : PQerrorMessage(c));
    const std::string state = res ? sqlstate_of(res) : "";
    PQclear(res);
    while ((res = PQgetResult(c)) != nullptr) PQclear(res);
    throw query_failure(what, msg, state);
  }
  PQclear(res);
  try {
    // PQgetlineAsync copies each CopyData message into one reused buffer: PQgetCopyData would
    // allocate and free a block per row, a sizeable share of the client's work on a full check.
    // A row longer than the buffer arrives in pieces, which the decoder joins.
    copy_buffer_.resize(kCopyBuffer);
    for (;;) {
      const int n = PQgetlineAsync(c, copy_buffer_.data(), static_cast<int>(copy_buffer_.size()));
      if (n > 0) {
        decoder.feed(copy_buffer_.data(), static_cast<std::size_t>(n), out);
        continue;
      }
      if (n < 0) break;  // COPY done (or failed): the final status follows
      // Nothing complete is buffered: wait for the socket, then take in what arrived.
      if (!wait_readable(c) || PQconsumeInput(c) == 0)
        throw ConnectorError(side_, what + ": connection lost while streaming (" + one_line(PQerrorMessage(c)) + ")",
                             true);
    }
    std::string error, state;
    bool ok = false;
    while ((res = PQgetResult(c)) != nullptr) {
      if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        ok = true;
      } else if (error.empty()) {
        error = one_line(PQresultErrorMessage(res));
        state = sqlstate_of(res);
      }
      PQclear(res);
    }
    if (!ok || !error.empty()) throw query_failure(what, error, state);
    decoder.finish();
  } catch (const CopyFormatError& e) {
    abandon_copy();
    throw ConnectorError(side_, what + ": " + e.what(), true);
  } catch (...) {
    abandon_copy();
    throw;
  }
}

ConnectorError PostgresConnector::query_failure(const std::string& what, const std::string& error,
                                                const std::string& sqlstate) const {
  if (conn_->broken()) return ConnectorError(side_, what + ": connection lost (" + error + ")", true);
  // A timeout or a conflict ends this statement only: replace the connection and try again.
  const bool retry = is_transient_sqlstate(sqlstate);
  std::string hint;
  if (sqlstate == "55P03")
    hint = " - another session holds a lock this read waits for (e.g. ALTER TABLE, LOCK TABLE, TRUNCATE); "
           "raise [check].lock_timeout or find the blocking session in pg_locks";
  else if (sqlstate == "57014")
    hint = " - the statement ran longer than [check].statement_timeout (or was cancelled)";
  return ConnectorError(side_, what + ": " + error + hint, retry);
}

std::unique_ptr<WriteTransaction> PostgresConnector::begin_write() {
  return pg::begin_write(login_, side_, endpoint_);
}

void PostgresConnector::cancel() noexcept {
  if (!cancel_) return;
  char err[256];
  PQcancel(cancel_.get(), err, sizeof err);
}

void PostgresConnector::abandon_copy() noexcept {
  PGconn* c = conn_->raw();
  if (c == nullptr || PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) != PQTRANS_ACTIVE) return;
  if (PGcancel* cancel = PQgetCancel(c)) {
    char err[256];
    PQcancel(cancel, err, sizeof err);
    PQfreeCancel(cancel);
  }
  char* buf = nullptr;
  while (PQgetCopyData(c, &buf, 0) > 0) PQfreemem(buf);
  while (PGresult* res = PQgetResult(c)) PQclear(res);
}

}  // namespace pg
}  // namespace recon
