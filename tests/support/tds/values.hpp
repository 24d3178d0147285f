#pragma once
/// Encodes one SQLite value as SQL Server sends it in a ROW/NBCROW token, per the column's declared
/// SQL Server type (MS-TDS 2.2.5.5.x, 2.2.7.19). Values are read with sqlite3_column_text / blob /
/// int64 per type; only float and real go through double.

#include <sqlite3.h>

#include <string>

#include "types.hpp"

namespace tds_test {

/// Appends the value of result column `c` at `idx` of the current row (not NULL: NBCROW carries
/// NULLs in its bitmap, see put_null for ROW). On a value the type cannot hold, appends nothing
/// useful, sets `error` to a SQL Server style message and returns false; the caller drops the row.
bool put_value(Out& o, const ResultColumn& c, sqlite3_stmt* st, int idx, std::string& error);

/// Appends NULL in the column's ROW encoding (length 0, 0xFFFF, PLP null, or textptr length 0).
/// False for a fixed-length type, which has no NULL.
bool put_null(Out& o, const ResultColumn& c);

}  // namespace tds_test
