// Reading results of the SQL Server connector's statements. See tds_reader.hpp.
#include "tds_reader.hpp"

#include <cstring>

namespace recon::tds {

std::optional<std::string> Reader::text(int c) const {
  const BYTE* data = dbdata(proc(), c);
  if (data == nullptr) return std::nullopt;
  const DBINT len = dbdatlen(proc(), c);
  const int type = dbcoltype(proc(), c);
  if (wire_for_type(type, dbcollen(proc(), c)) == Wire::Text)
    return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
  char buf[128];
  const DBINT n = dbconvert(proc(), type, data, len, SYBCHAR, reinterpret_cast<BYTE*>(buf), sizeof buf - 1);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

std::optional<std::int64_t> Reader::integer(int c) const {
  const BYTE* data = dbdata(proc(), c);
  if (data == nullptr) return std::nullopt;
  const DBINT len = dbdatlen(proc(), c);
  switch (wire_for_type(dbcoltype(proc(), c), dbcollen(proc(), c))) {
    case Wire::Int1: return data[0];
    case Wire::Int2: { std::int16_t v; std::memcpy(&v, data, 2); return v; }
    case Wire::Int4: { std::int32_t v; std::memcpy(&v, data, 4); return v; }
    case Wire::Int8: { std::int64_t v; std::memcpy(&v, data, 8); return v; }
    default: break;
  }
  const auto t = text(c);
  if (!t || t->empty() || len <= 0) return std::nullopt;
  try {
    return std::stoll(*t);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void Reader::check_cancel(const std::string& what) const {
  // DB-Library may not be called from another thread: cancel() only raises this flag.
  if (cancelled_.load(std::memory_order_relaxed))
    throw ConnectorError(s_.side(), what + ": cancelled (the run is stopping)", true);
}

std::vector<ColumnDecoder> Reader::decoders(const std::vector<const SelectColumn*>& columns, const std::string& what) {
  std::vector<ColumnDecoder> out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const int c = static_cast<int>(i) + 1;
    const Wire wire = wire_for_type(dbcoltype(proc(), c), dbcollen(proc(), c));
    if (wire == Wire::Unsupported)
      throw ConnectorError(s_.side(), what + ": column " + columns[i]->native.name + " arrives as TDS type " +
                                          std::to_string(dbcoltype(proc(), c)) +
                                          ", which recon cannot decode; put it in ignore_columns",
                           false);
    out.push_back(make_decoder(*columns[i], wire));
  }
  return out;
}

void Reader::read_rows(const std::string& sql, const RangeQuery& q, bool with_values, const std::string& what,
                       RowBatch& out, CollisionTracker* tracker, const std::function<bool()>& keep) {
  const std::size_t nk = q.keys.size();
  const std::size_t nv = with_values ? q.values.size() : 0;
  std::vector<const SelectColumn*> columns;
  for (const auto& k : q.keys) columns.push_back(&k);
  for (std::size_t i = 0; i < nv; ++i) columns.push_back(&q.values[i]);
  s_.execute(sql, what);
  try {
    while (s_.next_result(what)) {
      if (dbnumcols(proc()) == 0) continue;  // a statement without rows
      if (static_cast<std::size_t>(dbnumcols(proc())) != nk + nv)
        throw ConnectorError(s_.side(), what + ": the server returned " + std::to_string(dbnumcols(proc())) +
                                            " columns, expected " + std::to_string(nk + nv),
                             false);
      const std::vector<ColumnDecoder> dec = decoders(columns, what);
      while (s_.next_row(what)) {
        check_cancel(what);
        const std::size_t row_start = out.bytes();
        std::size_t key_end = row_start;
        out.begin_row();
        if (nk == 0) out.end_key();
        std::string& a = out.arena();
        for (std::size_t i = 0; i < nk + nv; ++i) {
          const int c = static_cast<int>(i) + 1;
          const BYTE* data = dbdata(proc(), c);
          if (data == nullptr) {  // NULL; an empty string has a non-NULL pointer and length 0
            if (i < nk) {
              out.abandon_row();
              throw InputError(side() + " table " + q.table.display() + " has a NULL in key column " +
                               q.keys[i].native.name +
                               "; a key must identify every row: choose other key columns or add a where filter");
            }
            canon::put_null(a);
          } else {
            const std::size_t mark = a.size();
            decode_value(dec[i], data, static_cast<std::size_t>(dbdatlen(proc(), c)), a, scratch_);
            dec[i].finish(a, mark);
          }
          if (i + 1 == nk) {
            out.end_key();
            key_end = a.size();
          }
        }
        if (tracker != nullptr) tracker->add(std::string_view(a).substr(row_start, key_end - row_start));
        if (keep && !keep()) {
          out.abandon_row();
          continue;
        }
        out.end_row();
      }
    }
  } catch (const ConnectorError&) {
    throw;  // Session::failure already cancelled (or the connection is dead)
  } catch (...) {
    s_.cancel();
    throw;
  }
}

std::vector<HistogramStep> Reader::read_histogram(const std::string& sql, const SelectColumn& key,
                                                  const std::string& what) {
  std::vector<HistogramStep> steps;
  s_.execute(sql, what);
  try {
    while (s_.next_result(what)) {
      if (dbnumcols(proc()) != 3)
        throw ConnectorError(s_.side(), what + ": the histogram has " + std::to_string(dbnumcols(proc())) +
                                            " columns, expected 3", false);
      const std::vector<ColumnDecoder> dec = decoders({&key}, what);
      while (s_.next_row(what)) {
        check_cancel(what);
        HistogramStep step;
        if (const BYTE* data = dbdata(proc(), 1)) {
          step.key.emplace();
          decode_value(dec[0], data, static_cast<std::size_t>(dbdatlen(proc(), 1)), *step.key, scratch_);
        }
        step.range_rows = integer(2).value_or(0);
        step.equal_rows = integer(3).value_or(0);
        steps.push_back(std::move(step));
      }
    }
  } catch (const ConnectorError&) {
    throw;
  } catch (...) {
    s_.cancel();
    throw;
  }
  return steps;
}

}  // namespace recon::tds
