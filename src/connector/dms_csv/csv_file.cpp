// libcsv over zlib: gzread reads gzip and plain files alike, so one path serves LOAD*.csv and
// LOAD*.csv.gz.
#include "csv_file.hpp"

#include <csv.h>
#include <zlib.h>

#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "recon/core/errors.hpp"

namespace recon::dms_csv {
namespace {

constexpr std::size_t kReadBytes = 1u << 20;

/// libcsv's parser with the options DMS's files need, and the row being assembled.
class Parser {
  static constexpr int kFieldBegun = 2;  // libcsv's FIELD_BEGUN (libcsv.c): within a field's text

 public:
  Parser(const DmsCsvOptions& o, const RowSink& sink) : options_(o), sink_(sink) { reset(); }
  ~Parser() { csv_free(&p_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  /// Starts afresh (after a parse error): the half-read row is dropped.
  void reset() {
    if (initialised_) csv_free(&p_);
    // STRICT: a stray quote inside a field is an error, not data. EMPTY_IS_NULL: an empty unquoted
    // field reaches the callback as a null pointer, `""` as an empty string: NULL vs ''.
    csv_init(&p_, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL);
    initialised_ = true;
    csv_set_delim(&p_, static_cast<unsigned char>(options_.delimiter));
    csv_set_quote(&p_, static_cast<unsigned char>(options_.quote));
    // DMS writes spaces as data: none is trimmed around a field.
    csv_set_space_func(&p_, [](unsigned char) { return 0; });
    // Rows end where read_csv_file finds row_delimiter outside quotes (end_row), never at a
    // character libcsv would take for a line end.
    csv_set_term_func(&p_, [](unsigned char) { return 0; });
    row_.fields.clear();
  }

  /// Whether no row is half read: the next byte starts a row.
  bool between_rows() const { return p_.pstate == 0 && row_.fields.empty(); }
  void set_row_line(std::size_t line) { row_.line = line; }
  std::size_t row_line() const { return row_.line; }

  /// Feeds bytes; false on a parse error (the parser must then be reset).
  bool feed(const char* data, std::size_t n) {
    return csv_parse(&p_, data, n, &Parser::on_field, &Parser::on_row_end, this) == n;
  }
  /// Whether the bytes fed so far end inside a quoted field: a row delimiter there is data.
  bool in_quotes() const { return p_.pstate == kFieldBegun && p_.quoted; }
  /// Ends the row (at a row delimiter, or the end of the file); false when a quote is open.
  bool end_row() { return csv_fini(&p_, &Parser::on_field, &Parser::on_row_end, this) == 0; }

 private:
  static void on_field(void* data, std::size_t len, void* self_ptr) {
    auto* self = static_cast<Parser*>(self_ptr);
    if (!data) {
      // An empty unquoted field: NULL under DMS's default, '' when NULL is spelt otherwise.
      if (self->options_.null_value.empty()) self->row_.fields.emplace_back(std::nullopt);
      else self->row_.fields.emplace_back(std::string());
      return;
    }
    std::string value(static_cast<const char*>(data), len);
    if (!self->options_.null_value.empty() && value == self->options_.null_value)
      self->row_.fields.emplace_back(std::nullopt);
    else
      self->row_.fields.emplace_back(std::move(value));
  }
  static void on_row_end(int, void* self_ptr) {
    auto* self = static_cast<Parser*>(self_ptr);
    self->sink_(self->row_);
    self->row_.fields.clear();
  }

  const DmsCsvOptions& options_;
  const RowSink& sink_;
  csv_parser p_{};
  bool initialised_ = false;
  CsvRow row_;
};

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};

}  // namespace

void read_csv_file(const std::filesystem::path& file, const DmsCsvOptions& options, const RowSink& on_row,
                   const ParseErrorSink& on_error) {
  std::unique_ptr<gzFile_s, GzCloser> in(gzopen(file.c_str(), "rb"));
  if (!in) throw InputError(fmt::format("{}: cannot open ({}); check the dms_csv side's url", file.string(), std::strerror(errno)));
  gzbuffer(in.get(), 256u << 10);
  Parser parser(options, on_row);
  const std::string& rd = options.row_delimiter;
  // One byte in front for a first delimiter character held back from the previous read.
  std::string buf(kReadBytes + 1, '\0');
  std::size_t held = 0;
  std::size_t line = 1;  // rows delimiters before the next byte fed, plus one
  bool skipping = false;  // after a parse error: the rest of the row is dropped
  auto feed = [&](const char* p, std::size_t n) {
    if (skipping || n == 0) return;
    if (parser.between_rows()) parser.set_row_line(line);
    if (!parser.feed(p, n)) {
      on_error(parser.row_line(), fmt::format("malformed quoting (a {} inside a field must be doubled, and a quoted "
                                              "field must end at a delimiter)", options.quote));
      parser.reset();
      skipping = true;
    }
  };
  for (;;) {
    const int n = gzread(in.get(), buf.data() + held, static_cast<unsigned>(kReadBytes));
    if (n < 0) {
      int err = 0;
      throw InputError(fmt::format("{}: cannot read: {}", file.string(), gzerror(in.get(), &err)));
    }
    if (n == 0) {
      feed(buf.data(), held);  // a first delimiter character at the very end is data
      break;
    }
    const char* p = buf.data();
    const char* end = p + held + static_cast<std::size_t>(n);
    held = 0;
    // Fed a row at a time, so every row knows the line it starts on (libcsv counts no lines).
    while (p < end) {
      const char* hit = static_cast<const char*>(std::memchr(p, rd[0], static_cast<std::size_t>(end - p)));
      while (hit && rd.size() == 2 && hit + 1 < end && hit[1] != rd[1])
        hit = static_cast<const char*>(std::memchr(hit + 1, rd[0], static_cast<std::size_t>(end - hit - 1)));
      if (hit && rd.size() == 2 && hit + 1 == end) {
        feed(p, static_cast<std::size_t>(hit - p));
        buf[0] = *hit;  // the second character comes with the next read
        held = 1;
        break;
      }
      if (!hit) {
        feed(p, static_cast<std::size_t>(end - p));
        break;
      }
      feed(p, static_cast<std::size_t>(hit - p));
      if (!skipping && parser.in_quotes()) feed(hit, rd.size());  // a line break inside a quoted field
      else if (!skipping) parser.end_row();
      skipping = false;
      ++line;
      p = hit + rd.size();
    }
  }
  if (!skipping && !parser.end_row())
    on_error(parser.row_line(), fmt::format("unterminated quote: the quoted field that opens on this line never closes "
                                            "(the rest of {} is unread)", file.filename().string()));
}

}  // namespace recon::dms_csv
