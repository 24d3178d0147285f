#pragma once
// Private to the SQLite connector: canonical values <-> SQLite values.

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "recon/connector/connector.hpp"

namespace recon::sqlite {

/// Binds one canonical value (a key bound) to parameter `index` in the form a SQLite
/// application stores it, so SQLite's own comparison orders it like the stored values:
///  - Integer, Boolean -> int64; Float -> double.
///  - Decimal -> int64 when integral and in range, else double. A NUMERIC column holds its
///    numbers as INTEGER/REAL, and INTEGER/REAL always sort before TEXT: binding "12.50" as text
///    into a column without numeric affinity would compare every number below it.
///  - Date/Time/Timestamp -> ISO text 'YYYY-MM-DD HH:MM:SS[.ffffff]' (what date('now') writes);
///    TimestampTz -> the same in UTC with '+00:00'.
///  - Uuid -> lowercase 8-4-4-4-12 text; Text, Json -> text; Bytes -> blob; Invalid -> its text.
/// Returns the SQLite result code.
int bind_canonical(sqlite3_stmt* stmt, int index, const canon::ValueView& v);

/// Appends the canonical encoding of result column `col` of the current row of `stmt`,
/// converted by its STORAGE class to `sc.compare_as` (see the connector's contract).
void append_column(std::string& out, sqlite3_stmt* stmt, int col, const SelectColumn& sc);

}  // namespace recon::sqlite
