// Text and JSON interpretations: trailing spaces, NFC, case folding (utf8proc), JSON equality.
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <utf8proc.h>

#include <fmt/format.h>

#include "interpret_parts.hpp"

namespace recon::rules::detail {
namespace {

/// utf8proc_map over the exact bytes (embedded NULs included); nullopt for invalid UTF-8, which
/// the caller then compares as raw bytes rather than failing.
std::optional<std::string> map_utf8(std::string_view s, utf8proc_option_t options) {
  if (s.empty()) return std::string();
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                          static_cast<utf8proc_ssize_t>(s.size()), &out, options);
  if (n < 0) return std::nullopt;
  std::string r(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  std::free(out);
  return r;
}

/// The text steps in their documented order; `explained` collects how the steps that changed
/// something are phrased in an "equal …" reason, `applied` names every step for "still different".
struct TextPipeline {
  std::string a, b;
  std::vector<std::string> explained, applied;
  bool invalid_utf8 = false;

  bool equal() const { return a == b; }

  void step(std::string_view noun, std::string_view phrase, std::string na, std::string nb) {
    applied.emplace_back(noun);
    if (na != a || nb != b) explained.emplace_back(phrase);
    a = std::move(na);
    b = std::move(nb);
  }

  void unicode_step(std::string_view noun, std::string_view phrase, utf8proc_option_t options) {
    auto na = map_utf8(a, options), nb = map_utf8(b, options);
    if (!na || !nb) {  // both sides skip the step: folding one side only could never help
      applied.emplace_back(noun);
      invalid_utf8 = true;
      return;
    }
    step(noun, phrase, std::move(*na), std::move(*nb));
  }
};

/// trim_trailing, then unicode_nfc, then case_insensitive; equal as soon as the bytes are.
///
/// Case folding is utf8proc's full Unicode case folding (ß and ss fold together). On its own it
/// does not normalise: "É" precomposed and "E" + combining acute stay different unless unicode_nfc
/// is also set, so each field means one thing. With both set the fold is done with
/// UTF8PROC_COMPOSE|UTF8PROC_STABLE, i.e. NFC of the folded text: the canonical caseless match.
std::optional<Verdict> compare_as_text(const Interpretation& how, std::string_view s, std::string_view t) {
  if (!how.trim_trailing && !how.unicode_nfc && !how.case_insensitive) return std::nullopt;
  TextPipeline p{std::string(s), std::string(t), {}, {}, false};
  auto done = [&]() { return Verdict{true, "equal " + fmt::format("{}", fmt::join(p.explained, " and "))}; };
  if (how.trim_trailing) {
    p.step("trimming trailing spaces", "after trimming trailing spaces", std::string(trim_trailing_spaces(p.a)),
           std::string(trim_trailing_spaces(p.b)));
    if (p.equal()) return done();
  }
  const auto nfc = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (how.unicode_nfc) {
    p.unicode_step("NFC normalisation", "after NFC normalisation", nfc);
    if (p.equal()) return done();
  }
  if (how.case_insensitive) {
    const auto fold = static_cast<utf8proc_option_t>(UTF8PROC_CASEFOLD | (how.unicode_nfc ? nfc : 0));
    p.unicode_step("case folding", "ignoring case", fold);
    if (p.equal()) return done();
  }
  std::string why = "still different after " + fmt::format("{}", fmt::join(p.applied, " and "));
  if (p.invalid_utf8) why += " (invalid UTF-8 compared as bytes)";
  return Verdict{false, std::move(why)};
}

/// Both sides canonicalised by canon::put_json: key order, whitespace and number spelling
/// (1.0 vs 1) stop mattering; anything else still does.
Verdict compare_as_json(std::string_view s, std::string_view t) {
  std::string ea, eb;
  if (!canon::put_json(ea, s) || !canon::put_json(eb, t)) return {false, "not valid JSON"};
  if (ea == eb) return {true, "equal as JSON"};
  return {false, "different as JSON"};
}

}  // namespace

std::string_view trim_trailing_spaces(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

/// The text steps and JSON are alternatives: the first that reads the values as equal explains
/// the difference; otherwise every reason is reported, joined by "; ".
Verdict interpret_text(const Interpretation& how, const canon::ValueView& source, const canon::ValueView& target) {
  std::vector<std::string> failed;
  if (source.tag == TypeClass::Text) {
    if (auto v = compare_as_text(how, source.payload, target.payload)) {
      if (v->equal) return *v;
      failed.push_back(std::move(v->why));
    }
  }
  if (how.json) {
    Verdict v = compare_as_json(source.payload, target.payload);
    if (v.equal) return v;
    failed.push_back(std::move(v.why));
  }
  if (failed.empty()) return {false, "values differ (null_equals_empty only relates NULL and '')"};
  return {false, fmt::format("{}", fmt::join(failed, "; "))};
}

}  // namespace recon::rules::detail
