// "Did you mean" (src/core/did_you_mean.cpp): the suggestion in every message about a misspelt
// name — job file keys, engine kinds, rule file keys, functions in `when` expressions.
#include <gtest/gtest.h>

#include "recon/core/did_you_mean.hpp"

namespace recon {
namespace {

const std::vector<std::string> kKeys = {"threads", "chunk_rows", "slo", "rules", "mode", "sample_rate"};

TEST(DidYouMean, SuggestsTheClosestName) {
  EXPECT_EQ(did_you_mean("chunk_row", kKeys), "chunk_rows");
  EXPECT_EQ(did_you_mean("thraeds", kKeys), "threads");  // a transposition is two edits
  EXPECT_EQ(did_you_mean("sample-rate", kKeys), "sample_rate");
  EXPECT_EQ(did_you_mean("sqlit", {"postgres", "sqlite", "sqlserver"}), "sqlite");
}

TEST(DidYouMean, NothingWhenNothingIsClose) {
  EXPECT_EQ(did_you_mean("password", kKeys), "");
  EXPECT_EQ(did_you_mean("x", {}), "");
  // Short words allow two edits, longer ones a third of their length.
  EXPECT_EQ(did_you_mean("sl", kKeys), "slo");
  EXPECT_EQ(did_you_mean("ab", {"xyz"}), "");
  EXPECT_EQ(did_you_mean("reconciliation", {"reconcilation_x"}), "reconcilation_x");
}

TEST(DidYouMean, AnExactNameIsItsOwnSuggestionAndTiesGoFirst) {
  EXPECT_EQ(did_you_mean("slo", kKeys), "slo");
  EXPECT_EQ(did_you_mean("ab", {"ac", "ad"}), "ac");
}

}  // namespace
}  // namespace recon
