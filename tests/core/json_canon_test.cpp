// JSON canonicalisation (src/core/json_canon.cpp): two texts denoting the same document give the
// same bytes; anything that is not JSON is refused.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "../../src/core/decimal_text.hpp"

namespace recon::canon {
namespace {

/// The canonical text, or nullopt when `text` is not JSON.
std::optional<std::string> canonical(std::string_view text) {
  std::string out;
  if (!canonicalise_json(text, out)) return std::nullopt;
  return out;
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonCanon, KeyOrderWhitespaceAndNumberSpelling) {
  EXPECT_EQ(canonical(R"({"b": 1.50, "a": [1, 2, {"y":true,"x":null}]})"),
            canonical(R"({"a":[1,2,{"x":null,"y":true}],"b":1.5})"));
  EXPECT_EQ(canonical(R"({"a":"\u00e9"})"), canonical("{\"a\":\"\xc3\xa9\"}"));
  EXPECT_NE(canonical(R"({"a":1})"), canonical(R"({"a":"1"})"));
  EXPECT_NE(canonical(R"([1,2])"), canonical(R"([2,1])"));
  EXPECT_EQ(canonical("{a:1}"), std::nullopt);
}

TEST(JsonCanon, KeysAreSortedBytewiseAtEveryLevel) {
  EXPECT_EQ(canonical(R"({"b":1,"a":2,"B":3})"), R"({"B":3,"a":2,"b":1})");
  EXPECT_EQ(canonical(R"({"z":{"y":1,"x":{"d":0,"c":0}},"a":[{"n":1,"m":2}]})"),
            R"({"a":[{"m":2,"n":1}],"z":{"x":{"c":0,"d":0},"y":1}})");
  // Bytewise on UTF-8: "é" (0xC3 0xA9) sorts after every ASCII key; "ab" after its prefix "a".
  EXPECT_EQ(canonical("{\"\xc3\xa9\":1,\"z\":2,\"ab\":3,\"a\":4}"), "{\"a\":4,\"ab\":3,\"z\":2,\"\xc3\xa9\":1}");
}

TEST(JsonCanon, DuplicateKeysKeepTheLastValueAsJsonbDoes) {
  EXPECT_EQ(canonical(R"({"a":1,"b":0,"a":2})"), R"({"a":2,"b":0})");
  // Escaped and raw spellings of one key are the same key.
  EXPECT_EQ(canonical(R"({"\u0061":1,"a":2})"), R"({"a":2})");
}

TEST(JsonCanon, InsignificantWhitespaceIsDropped) {
  EXPECT_EQ(canonical(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] , \"b\" : { } , \"c\" : [ ] }\n "), R"({"a":[1,2],"b":{},"c":[]})");
  EXPECT_EQ(canonical(R"(" keeps  spaces ")"), R"(" keeps  spaces ")");
}

TEST(JsonCanon, NumbersBecomeExactCanonicalDecimals) {
  EXPECT_EQ(canonical("[1.0, 1.50, -0, -0.0, 1e3, 1E-3, 2.5e+1, 0.1, 100]"), "[1,1.5,0,0,1000,0.001,25,0.1,100]");
  // No double round-trip: digits beyond a double's precision survive.
  EXPECT_EQ(canonical("12345678901234567890.123456789012345678901"), "12345678901234567890.123456789012345678901");
  EXPECT_EQ(canonical("9007199254740993"), "9007199254740993");  // 2^53 + 1
  EXPECT_NE(canonical("0.1"), canonical("0.10000000000000001"));
  for (const char* bad : {"+1", ".5", "-", "1e", "1e+", "--1", "1.2.3", "1e100001", "NaN", "Infinity", "0x10"})
    EXPECT_EQ(canonical(bad), std::nullopt) << bad;
}

TEST(JsonCanon, StringEscapesAreDecodedThenReEscapedMinimally) {
  EXPECT_EQ(canonical(R"("a\/b")"), R"("a/b")");
  EXPECT_EQ(canonical(R"("\u0041\u00E9\u20ac")"), "\"A\xc3\xa9\xe2\x82\xac\"");
  EXPECT_EQ(canonical(R"("\"\\\n\r\t\b\f")"), R"("\"\\\n\r\t\b\f")");
  EXPECT_EQ(canonical(R"("\u0000\u001F\u007f")"), "\"\\u0000\\u001f\x7f\"");
  // A surrogate pair is one code point outside the BMP (U+1F600).
  EXPECT_EQ(canonical(R"("\ud83d\ude00")"), "\"\xf0\x9f\x98\x80\"");
}

TEST(JsonCanon, MalformedStringsAreRefused) {
  for (const char* bad : {R"("\ud83d")", R"("\ud83dx")", R"("\ud83d\u0041")", R"("\ude00")", R"("\u00g1")",
                          R"("\u12")", R"("\x41")", R"("abc)", R"("abc\)", "\"a\nb\"", "'a'"})
    EXPECT_EQ(canonical(bad), std::nullopt) << bad;
}

TEST(JsonCanon, LiteralsAndTopLevelScalars) {
  EXPECT_EQ(canonical(" true "), "true");
  EXPECT_EQ(canonical("false"), "false");
  EXPECT_EQ(canonical("null"), "null");
  EXPECT_EQ(canonical("\"x\""), "\"x\"");
  for (const char* bad : {"True", "nul", "tru", "nullx", "undefined"}) EXPECT_EQ(canonical(bad), std::nullopt) << bad;
}

TEST(JsonCanon, StructuralErrorsAreRefused) {
  for (const char* bad : {"", "   ", "{", "[", "}", "[1,]", "[,1]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":}",
                          "{1:2}", "{\"a\":1} x", "[1]]", "{\"a\":1}}", "[1] [2]"})
    EXPECT_EQ(canonical(bad), std::nullopt) << '"' << bad << '"';
}

TEST(JsonCanon, NestingIsBoundedWithoutExhaustingTheStack) {
  auto nested = [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_EQ(canonical(nested(513)), nested(513));  // depth 0 … 512
  EXPECT_EQ(canonical(nested(514)), std::nullopt);
  EXPECT_EQ(canonical(std::string(200000, '[')), std::nullopt);
  EXPECT_EQ(canonical(R"({"a":{"b":{"c":[[{"d":[]}]]}}})"), R"({"a":{"b":{"c":[[{"d":[]}]]}}})");
}

TEST(JsonCanon, AppendsOnSuccessAndLeavesOutputAloneOnFailure) {
  std::string out = "prefix:";
  EXPECT_TRUE(canonicalise_json(R"({"b":1,"a":2})", out));
  EXPECT_EQ(out, R"(prefix:{"a":2,"b":1})");
  EXPECT_FALSE(canonicalise_json(R"({"b":1,"a":)", out));
  EXPECT_EQ(out, R"(prefix:{"a":2,"b":1})");
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string(""), R"("")");
  EXPECT_EQ(json_string("a\"b\\c/d"), R"("a\"b\\c/d")");
  EXPECT_EQ(json_string("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(json_string(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
}

TEST(JsonString, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json_string("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(json_string("a\xff" "b"), "\"a" + fffd + "b\"");          // not a lead byte
  EXPECT_EQ(json_string("\xc3"), "\"" + fffd + "\"");                // truncated sequence
  EXPECT_EQ(json_string("\xc3(x"), "\"" + fffd + "(x\"");            // bad continuation byte
  EXPECT_EQ(json_string("\xc0\xaf"), "\"" + fffd + fffd + "\"");     // overlong '/'
  EXPECT_EQ(json_string("\xf5\x80\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");  // beyond U+10FFFF
}

TEST(JsonString, AppendsToWhatIsThere) {
  std::string out = "[";
  append_json_string(out, "a");
  out += ',';
  append_json_string(out, "b");
  EXPECT_EQ(out, R"(["a","b")");
}

}  // namespace
}  // namespace recon::canon
