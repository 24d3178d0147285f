#pragma once
/// The engines this build can read, parsed once from a job file's `kind`. The connector factory
/// (src/connector/factory.cpp) opens one connector per kind; nothing else asks which engine a side
/// is: connectors state what they can do (recon/connector/connector.hpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recon {

/// A new engine is a value here, its name in kEngineKinds, one folder under src/connector/ and one
/// line in the factory (which has no default case, so the compiler names a kind left out).
enum class EngineKind { Postgres, Sqlite, SqlServer, Mysql, DmsCsv };

struct EngineKindName {
  EngineKind kind;
  const char* name;  ///< as written in a job file's `kind`
};
inline constexpr EngineKindName kEngineKinds[] = {
    {EngineKind::Postgres, "postgres"},
    {EngineKind::Sqlite, "sqlite"},
    {EngineKind::SqlServer, "sqlserver"},
    {EngineKind::Mysql, "mysql"},
    {EngineKind::DmsCsv, "dms_csv"},  // a folder of AWS DMS CSV files (src/connector/dms_csv/)
};

/// "postgres" | "sqlite" | "sqlserver" | "mysql" | "dms_csv"
inline const char* engine_kind_name(EngineKind kind) {
  for (const auto& k : kEngineKinds)
    if (k.kind == kind) return k.name;
  return "?";
}

/// The kind written as `text`, or nullopt when this build has no such engine.
inline std::optional<EngineKind> parse_engine_kind(std::string_view text) {
  for (const auto& k : kEngineKinds)
    if (text == k.name) return k.kind;
  return std::nullopt;
}

/// Every kind this build accepts, in kEngineKinds order (for messages and "did you mean").
inline std::vector<std::string> engine_kind_names() {
  std::vector<std::string> names;
  for (const auto& k : kEngineKinds) names.emplace_back(k.name);
  return names;
}

}  // namespace recon
