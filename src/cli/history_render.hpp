#pragma once
// Private to the cli module: the audit DB's history as text and as JSON (recon runs, show, history).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recon/audit/history.hpp"

namespace recon {

std::string runs_text(const std::vector<RunRecord>& runs);
nlohmann::ordered_json runs_json(const std::vector<RunRecord>& runs);

std::string run_detail_text(const RunDetail& d);
nlohmann::ordered_json run_detail_json(const RunDetail& d);

std::string key_history_text(const std::string& table, const std::string& key_json,
                             const std::vector<KeySighting>& sightings);
nlohmann::ordered_json key_history_json(const std::string& table, const std::string& key_json,
                                        const std::vector<KeySighting>& sightings);

/// A key as the user wrote it (`42`, `SP`, `'["SP", 7]'`) as the JSON array the audit records.
/// InputError for JSON that is not an array of values.
std::string key_as_json_array(const std::string& written);

}  // namespace recon
