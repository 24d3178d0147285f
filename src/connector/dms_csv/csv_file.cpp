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
  /// Ends the file: the last row without a line break is delivered; false when a quote is open.
  bool finish() { return csv_fini(&p_, &Parser::on_field, &Parser::on_row_end, this) == 0; }

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
  std::string buf(kReadBytes, '\0');
  std::size_t line = 1;  // line of the next byte fed
  bool skipping = false;  // after a parse error: the rest of the line is dropped
  for (;;) {
    const int n = gzread(in.get(), buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int err = 0;
      throw InputError(fmt::format("{}: cannot read: {}", file.string(), gzerror(in.get(), &err)));
    }
    if (n == 0) break;
    // Fed a line at a time, so every row knows the line it starts on (libcsv counts no lines).
    const char* p = buf.data();
    const char* end = p + n;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      const char* stop = nl ? nl + 1 : end;
      if (!skipping) {
        if (parser.between_rows()) parser.set_row_line(line);
        if (!parser.feed(p, static_cast<std::size_t>(stop - p))) {
          on_error(parser.row_line(), fmt::format("malformed quoting (a {} inside a field must be doubled, and a quoted "
                                                  "field must end at a delimiter)", options.quote));
          parser.reset();
          skipping = true;
        }
      }
      if (nl) {
        ++line;
        skipping = false;
      }
      p = stop;
    }
  }
  if (!parser.finish())
    on_error(parser.row_line(), fmt::format("unterminated quote: the quoted field that opens on this line never closes "
                                            "(the rest of {} is unread)", file.filename().string()));
}

}  // namespace recon::dms_csv
