#include "recon/engine/result.hpp"

namespace recon {

const char* category_name(Category c) {
  switch (c) {
    case Category::MissingInTarget: return "missing_in_target";
    case Category::MissingInSource: return "missing_in_source";
    case Category::Changed: return "changed";
  }
  return "changed";
}

double RunResult::consistency_index() const {
  std::int64_t matched = 0, compared = 0;
  for (const auto& t : tables) {
    matched += t.matched;
    compared += t.rows_compared;
  }
  return compared == 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(compared);
}

}  // namespace recon
