#include "recon/connector/connector.hpp"

namespace recon {

const ColumnInfo* TableInfo::find(const std::string& column) const {
  for (const auto& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

}  // namespace recon
