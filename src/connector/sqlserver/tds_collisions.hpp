#pragma once
// Private to the SQL Server connector: text keys that differ only in letter case under a
// case-insensitive collation (e.g. SQL_Latin1_General_CP1_CI_AS). SQL Server treats them as the
// same key in joins and lookups, while recon (binary collation) keeps them apart: they are counted
// as they are read and reported as a note of the table, never thrown.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "recon/connector/connector.hpp"

namespace recon::tds {

/// What a connection has learned about case collisions.
struct CaseCollisions {
  std::uint64_t keys = 0;             ///< keys that collided with an earlier key of the same read
  std::vector<std::string> examples;  ///< up to 10 colliding keys, as key_to_json text
  std::vector<std::string> example_keys;  ///< the same keys as canonical key encodings (doctor masks them)
};

/// CaseCollisions plus the folded keys already counted, so a key seen by the planning read and
/// again by a range read counts once.
struct CollisionState {
  CaseCollisions report;
  std::unordered_set<std::string> counted;  ///< folded forms of the keys counted so far
};

/// True when a key column compares case-insensitively on SQL Server (text under a _CI_ collation).
bool case_insensitive_key(const SelectColumn& key);

/// Finds keys equal under the key columns' case-insensitive collation within one read.
class CollisionTracker {
 public:
  /// Folded-key hashes kept per read: bounds memory on huge tables (a whole-table read then
  /// compares every key with the first kMaxTracked ones; each range is far smaller).
  static constexpr std::size_t kMaxTracked = 4'000'000;
  static constexpr std::size_t kMaxCounted = 100'000;
  static constexpr std::size_t kMaxExamples = 10;

  CollisionTracker(const std::vector<SelectColumn>& keys, CollisionState& state);
  /// One key of the read (a canonical key encoding).
  void add(std::string_view key);

 private:
  CollisionState& state_;
  std::vector<bool> ci_;
  bool any_ = false;
  std::string folded_;
  std::unordered_set<std::size_t> seen_;
};

/// Case folding for collision detection: ASCII and Latin-1 letters (what the Latin1 _CI_
/// collations fold); other scripts are left as they are, so collisions there go unreported.
void fold_case(std::string_view s, std::string& out);

}  // namespace recon::tds
