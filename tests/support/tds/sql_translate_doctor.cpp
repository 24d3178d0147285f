// The functions `recon doctor` sends (sql/sqlserver/doctor_*.sql), answered as SQL Server 2017
// would for the fixture: the server's identity and clock, the login's roles and permissions
// (access.hpp), the statistics' update dates, and CASTs of constants in the select list converted
// with the same rules as the fix-up subset's assignments (dml_values.hpp).
#include "catalog_sys.hpp"
#include "sql_translate.hpp"

namespace tds_test {
namespace translation {
namespace {

/// SERVERPROPERTY's answers; NULL for any other property, as SQL Server answers an unknown one.
std::optional<std::string> server_property(const std::string& name) {
  const std::string n = lower(name);
  if (n == "productversion") return "14.0.3456.2";
  if (n == "productlevel") return "RTM";
  if (n == "productupdatelevel") return "CU31";
  if (n == "edition") return "Developer Edition (64-bit)";
  if (n == "engineedition") return "3";
  if (n == "servername" || n == "machinename") return "TDS_TEST_SERVER";
  if (n == "collation") return "SQL_Latin1_General_CP1_CI_AS";
  return std::nullopt;
}

/// CONNECTIONPROPERTY's answers for a TCP login without TLS (this server never encrypts).
std::optional<std::string> connection_property(const std::string& name) {
  const std::string n = lower(name);
  if (n == "encrypt_option") return "FALSE";
  if (n == "net_transport") return "TCP";
  if (n == "protocol_type") return "TSQL";
  if (n == "auth_scheme") return "SQL";
  if (n == "local_net_address" || n == "client_net_address") return "127.0.0.1";
  return std::nullopt;
}

std::string text_or_null(const std::optional<std::string>& v) { return v ? sql_string(*v) : "NULL"; }
std::string int_or_null(const std::optional<int>& v) { return v ? std::to_string(*v) : "NULL"; }

}  // namespace

std::optional<std::string> doctor_function_type(const std::string& name) {
  if (name == "serverproperty" || name == "connectionproperty" || name == "suser_sname" || name == "db_name")
    return "nvarchar(128)";  // SERVERPROPERTY and CONNECTIONPROPERTY are sql_variant on SQL Server: cast them
  if (name == "is_srvrolemember" || name == "is_rolemember" || name == "has_perms_by_name") return "int";
  if (name == "sysutcdatetime" || name == "sysdatetime") return "datetime2(7)";
  if (name == "stats_date") return "datetime";
  return std::nullopt;
}

std::optional<std::string> Translator::constant_text(std::size_t a, std::size_t b, const char* function) const {
  if (b == a + 1 && is_word(t_[a], "NULL")) return std::nullopt;
  if (b == a + 1 && t_[a].kind == K::String) return t_[a].text;
  throw SqlError(50000, std::string("tds_test_server: ") + function + " takes constant strings here");
}

std::optional<std::string> Translator::doctor_call(std::size_t i, std::size_t close) const {
  const std::string name = lower(t_[i].text);
  if (!doctor_function_type(name)) return std::nullopt;
  const auto args = close == i + 2 ? std::vector<std::pair<std::size_t, std::size_t>>{} : split_commas(i + 2, close);
  auto arity = [&](std::size_t n) {
    if (args.size() != n)
      throw SqlError(174, "The " + name + " function requires " + std::to_string(n) + " argument(s).", 15);
  };
  const Access& access = cat_.access();
  if (name == "sysutcdatetime" || name == "sysdatetime") {
    arity(0);
    return sql_string(utc_now_text(7));  // the server's clock is UTC: both are the same
  }
  if (name == "suser_sname") {
    arity(0);  // SUSER_SNAME(sid) of another login is not served
    return sql_string(info_.login);
  }
  if (name == "db_name") {
    arity(0);
    return sql_string(info_.database);
  }
  if (name == "stats_date") {
    arity(2);
    const std::string object = expr(args[0].first, args[0].second, Ctx::Select);
    const std::string stats = expr(args[1].first, args[1].second, Ctx::Select);
    std::string cases;
    for (const Table& t : cat_.tables())
      for (const Statistics& s : t.statistics)
        if (s.updated)
          cases += " WHEN (" + object + ") = " + std::to_string(t.object_id) + " AND (" + stats + ") = " +
                   std::to_string(s.stats_id) + " THEN " + sql_string(*s.updated);
    return cases.empty() ? "NULL" : "(CASE" + cases + " END)";
  }
  arity(name == "has_perms_by_name" ? 3 : 1);
  const auto first = constant_text(args[0].first, args[0].second, t_[i].text.c_str());
  if (name == "serverproperty") return text_or_null(first ? server_property(*first) : std::nullopt);
  if (name == "connectionproperty") return text_or_null(first ? connection_property(*first) : std::nullopt);
  if (name == "is_srvrolemember") return int_or_null(first ? access.server_role(*first) : std::nullopt);
  if (name == "is_rolemember") return int_or_null(first ? access.database_role(*first) : std::nullopt);
  // HAS_PERMS_BY_NAME(securable, class, permission): NULL for a class or securable not found.
  const auto cls = constant_text(args[1].first, args[1].second, "HAS_PERMS_BY_NAME");
  const auto permission = constant_text(args[2].first, args[2].second, "HAS_PERMS_BY_NAME");
  if (!cls || !permission) return "NULL";
  if (iequals(*cls, "DATABASE")) return std::to_string(access.has_permission("", *permission));
  if (!iequals(*cls, "OBJECT") || !first) return "NULL";
  const Table* t = table_named(*first);
  if (!t) return "NULL";
  return std::to_string(access.has_permission(lower(t->schema + "." + t->name), *permission));
}

std::optional<Bound> Translator::cast_constant(std::size_t a, std::size_t b) const {
  if (!(is_word(t_[a], "CAST") || is_word(t_[a], "CONVERT")) || !op_at(a + 1, "(") || close_of(a + 1, b) != b - 1)
    return std::nullopt;
  Literal value;
  try {
    if (literal(a, b, value) != b) return std::nullopt;
  } catch (const SqlError& e) {
    if (e.runtime) throw;  // a constant SQL Server cannot convert: its error, as SQL Server sends it
    return std::nullopt;   // not a constant: translated as an expression
  }
  ResultColumn column;
  column.nullable = true;
  column.type = infer(a, b).type;
  column.name = "(select list)";
  try {
    return store_value(value, column, Target{info_.database + ".(select list)", "SELECT"});
  } catch (const SqlError& e) {
    // An explicit CAST to a shorter string or binary truncates silently on SQL Server, where an
    // assignment fails with 8152: such a CAST stays an expression, whose value is sent whole.
    if (e.number == 8152) return std::nullopt;
    throw;
  }
}

}  // namespace translation
}  // namespace tds_test
