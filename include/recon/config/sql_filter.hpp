#pragma once
/// The job file's row filters (`where`, `source_where`, `target_where`) are the only SQL recon
/// pastes as written, inside "WHERE … AND (<filter>)". Before any connection is made each is
/// checked to be a single boolean expression, so a filter cannot end the statement, comment out
/// the rest of it or escape its parentheses.
#include <optional>
#include <string>
#include <string_view>

#include "recon/config/toml_reader.hpp"

namespace recon {

/// Checks that `filter` can be pasted as one boolean expression. Returns "" when it can, else a
/// description that reads on from the key's name ("has a statement separator ';' at character 6
/// (near \"; DROP…\"); …") and ends with what to do.
///
/// Contract:
///  - Refused: a blank filter; outside literals and quoted identifiers, a statement separator
///    ';', a comment ('--' or '/*'), a ')' that closes nothing, a '(' never closed; a literal or
///    quoted identifier that is never closed; a NUL character.
///  - Literals are '…' with '' for a quote (N'…', X'…', B'…', U&'…' alike); quoted identifiers
///    are "…" with "" and […] with ]].
///  - The filter is read the way every engine recon reads would read it, and must pass each:
///    PostgreSQL ('[' is a plain character; E'…' strings take backslash escapes; a '$$' or
///    '$tag$' dollar quote is refused; a backslash right before a quote of a plain literal is
///    refused, as servers with standard_conforming_strings = off read it as an escape), SQL Server
///    ([…] with ]]), SQLite ([…] ends at the first ']'; `…` with `` is an identifier). So a
///    [bracketed] name or a backslash may hide nothing from another engine; a problem that only
///    some engines see is reported "as <engine> reads it".
///  - Positions are 1-based characters (UTF-8 code points) of `filter`.
///  - Pure: no database, no I/O; does not judge the expression's meaning (an unknown column is the
///    engine's error at run time).
std::string validate_sql_filter(std::string_view filter);

namespace config_detail {

/// The optional filter `key` of `r` (a [[tables]] entry), validated by validate_sql_filter: a
/// refused filter throws InputError through r.fail ("file:line: [[tables]] #n: key has …").
std::optional<std::string> read_sql_filter(const TableReader& r, const std::string& key);

}  // namespace config_detail
}  // namespace recon
