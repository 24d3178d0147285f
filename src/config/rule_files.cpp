// The job's rule files as a run records them: one XXH3 over all (resume refuses a change) and each
// file's SHA-256 (the audit traces every finding to the exact rules that decided it).
#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "recon/config/job.hpp"
#include "recon/core/errors.hpp"
#include "recon/core/sha256.hpp"

namespace recon {

namespace fs = std::filesystem;

std::string rule_files_hash(const RunOptions& opts) {
  std::vector<fs::path> files = opts.rules;
  for (const TableJob& t : opts.tables) files.insert(files.end(), t.rules.begin(), t.rules.end());
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::vector<fs::path> seen;
  for (const fs::path& f : files) {
    if (std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
    seen.push_back(f);
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      XXH3_freeState(state);
      throw InputError(fmt::format("{}: cannot read this rule file", f.string()));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string name = f.string(), bytes = ss.str();
    for (const std::string* part : {&name, &bytes}) {
      const std::uint64_t size = part->size();  // length-prefixed: no two lists hash alike
      XXH3_64bits_update(state, &size, sizeof size);
      XXH3_64bits_update(state, part->data(), part->size());
    }
  }
  const std::string hex = fmt::format("{:016x}", XXH3_64bits_digest(state));
  XXH3_freeState(state);
  return hex;
}

std::string rule_files_json(const RunOptions& opts) {
  std::vector<fs::path> files = opts.rules;
  for (const TableJob& t : opts.tables) files.insert(files.end(), t.rules.begin(), t.rules.end());
  nlohmann::json out = nlohmann::json::array();
  std::vector<fs::path> seen;
  for (const fs::path& f : files) {
    if (std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
    seen.push_back(f);
    const auto digest = file_sha256_hex(f);
    if (!digest) throw InputError(fmt::format("{}: cannot read this rule file", f.string()));
    out.push_back({{"file", f.string()}, {"sha256", *digest}});
  }
  return out.dump();
}

}  // namespace recon
