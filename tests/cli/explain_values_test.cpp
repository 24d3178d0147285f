// How `recon explain` shows values (src/cli/explain_values.cpp): whole, wrapped, the first
// differing character marked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "../../src/cli/explain_values.hpp"
#include "recon/core/canonical.hpp"

namespace recon {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ExplainValues, FirstDifferenceCountsCharactersNotBytes) {
  EXPECT_EQ(first_difference("abc", "abc"), std::nullopt);
  EXPECT_EQ(first_difference("abc", "abd"), 2u);
  EXPECT_EQ(first_difference("abc", "abcd"), 3u);
  EXPECT_EQ(first_difference("ação", "acão"), 1u);
  EXPECT_EQ(first_difference("aç", "aã"), 1u) << "same lead byte, different second byte";
  EXPECT_EQ(first_difference("ããb", "ããc"), 2u);
}

TEST(ExplainValues, WrapNeverSplitsACharacter) {
  EXPECT_THAT(wrap_characters("", 3), ElementsAre(""));
  EXPECT_THAT(wrap_characters("abcdefg", 3), ElementsAre("abc", "def", "g"));
  EXPECT_THAT(wrap_characters("ããããã", 2), ElementsAre("ãã", "ãã", "ã"));
}

ColumnInfo text_column(const char* name) {
  ColumnInfo c;
  c.name = name;
  c.type_class = TypeClass::Text;
  return c;
}

std::string row(std::initializer_list<const char*> values) {
  std::string out;
  for (const char* v : values) canon::put_text(out, v);
  return out;
}

TEST(ExplainValues, LongValuesAreWholeAndTheDifferenceIsMarked) {
  TableContext ctx;
  ctx.target_values = {text_column("nome"), text_column("id_externo")};
  Divergence d;
  const std::string a = "6f9619ff-8b86-d011-b42d-00c04fc964ff-0000000000000000000000000000000000000000-tail-a";
  const std::string b = "6f9619ff-8b86-d011-b42d-00c04fc964ff-0000000000000000000000000000000000000000-tail-b";
  d.source_values = row({"Maria", a.c_str()});
  d.target_values = row({"MARIA", b.c_str()});
  d.columns = {0, 1};
  std::ostringstream out;
  print_values(out, ctx, d, true, true);
  // Text is shown quoted (to_display), so NULL and 'NULL' never look alike.
  const std::string qa = "\"" + a + "\"", qb = "\"" + b + "\"";
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("Maria"));
  EXPECT_THAT(text, HasSubstr("differs from character " + std::to_string(qa.size() - 1) + " (source " +
                              std::to_string(qa.size()) + " characters"));
  EXPECT_THAT(text, HasSubstr(qa.substr(0, kWrapWidth) + "\n")) << "whole: the first line holds kWrapWidth characters";
  EXPECT_THAT(text, HasSubstr(qa.substr(kWrapWidth) + "\n")) << "and the rest follows on the next";
  EXPECT_THAT(text, HasSubstr(qb.substr(kWrapWidth) + "\n"));
  // The short pair: '^' under the 'a' of Maria and the 'A' of MARIA.
  std::istringstream lines(text);
  std::string line, previous;
  int markers = 0;
  while (std::getline(lines, line)) {
    if (line.find('^') != std::string::npos) {
      ++markers;
      if (previous.find("Maria") != std::string::npos) {
        EXPECT_EQ(previous[line.find('^')], 'a') << previous << "\n" << line;
        EXPECT_EQ(previous[line.rfind('^')], 'A') << previous << "\n" << line;
      } else {
        EXPECT_EQ(line.find('^'), previous.find("-tail-") + 6) << previous << "\n" << line;
      }
    }
    previous = line;
  }
  EXPECT_EQ(markers, 3) << text;  // the short pair's line, then one under each long side
}

TEST(ExplainValues, TheMarkerStandsInTheCharactersTerminalColumn) {
  TableContext ctx;
  ctx.target_values = {text_column("nome")};
  Divergence d;
  d.source_values = row({"東京x"});  // two wide characters: four columns, then x
  d.target_values = row({"東京y"});
  d.columns = {0};
  std::ostringstream out;
  print_values(out, ctx, d, true, true);
  std::istringstream lines(out.str());
  std::string header, values, marks;
  std::getline(lines, header);
  std::getline(lines, values);
  std::getline(lines, marks);
  // Column 27 is where the source cell starts; the quote, then 東京 (4 columns): x is column 32.
  EXPECT_EQ(marks.find('^'), 2u + 24 + 1 + 1 + 4) << values << "\n" << marks;
  EXPECT_EQ(marks.rfind('^'), 2u + 24 + 1 + kCellWidth + 1 + 1 + 4) << values << "\n" << marks;
}

TEST(ExplainValues, ADifferenceInTheLastColumnOfALineIsMarkedThere) {
  TableContext ctx;
  ctx.target_values = {text_column("note")};
  const std::string a(kWrapWidth - 2, 'a');  // quoted: exactly kWrapWidth characters, one line
  Divergence d;
  d.source_values = row({a.c_str()});
  d.target_values = row({(a + "b").c_str()});
  d.columns = {0};
  std::ostringstream out;
  print_values(out, ctx, d, true, true);
  std::istringstream lines(out.str());
  std::string line, previous;
  std::vector<std::size_t> marks;
  while (std::getline(lines, line)) {
    if (line.find('^') != std::string::npos) marks.push_back(line.find('^'));
    previous = line;
  }
  ASSERT_EQ(marks.size(), 2u) << out.str();
  EXPECT_EQ(marks[0], 4u + 7 + 1 + kWrapWidth - 1) << "the closing quote of the source is where they part\n" << out.str();
}

}  // namespace
}  // namespace recon

