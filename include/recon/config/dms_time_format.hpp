#pragma once
/// How a dms_csv side's files spell dates and timestamps (date_format / timestamp_format): a small
/// token language, read once when the job file is read, then applied to every value of a date or
/// timestamp column to give the canonical text the connector compares ("YYYY-MM-DD" and
/// "YYYY-MM-DD HH:MM:SS[.f…]").
///
/// Tokens: YYYY (4-digit year), MM (month 01–12), DD (day 01–31), HH (hour 00–23), MI (minute),
/// SS (second), FF (1–9 fraction digits). Every other character is a literal that must appear as
/// written. When FF follows a literal (".FF"), that literal and FF may be absent together: a value
/// without a fraction. Letters of the tokens (Y M D H I S F) outside a token are refused, so a
/// typo is not read as a literal.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recon {

class DmsTimeFormat {
 public:
  enum class Part { Literal, Year, Month, Day, Hour, Minute, Second, Fraction };

  /// The format `spec` for a date (with_time false: YYYY, MM and DD once each, no time token) or a
  /// timestamp (YYYY, MM, DD, HH, MI and SS once each, FF at most once). nullopt with `why` set
  /// when `spec` is not such a format.
  static std::optional<DmsTimeFormat> compile(std::string_view spec, bool with_time, std::string& why);

  /// `value` as canonical text, or nullopt when it does not match the format or names no real date
  /// or time (a 30 February, hour 24). With `zone_tail`, text after the match is kept at the end
  /// of the result (a timestamptz's offset, judged by the canonical parser).
  std::optional<std::string> to_canonical(std::string_view value, bool zone_tail = false) const;

  /// DMS's own spellings, the defaults: "YYYY-MM-DD" and "YYYY-MM-DD HH:MI:SS.FF".
  static DmsTimeFormat dms_date();
  static DmsTimeFormat dms_timestamp();

  const std::string& spec() const { return spec_; }

 private:
  struct Item {
    Part part;
    char literal = 0;
    bool optional_with_next = false;  ///< a literal that may be absent together with the FF after it
  };
  std::string spec_;
  std::vector<Item> items_;
  bool with_time_ = false;
};

}  // namespace recon
