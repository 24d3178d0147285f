#pragma once
/// Decoders for PostgreSQL's binary COPY format, straight into the RowBatch writer protocol.
/// Private to the postgres connector; separate from the connection code so the unit tests can
/// feed them hand-built buffers without a server.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "../column_decoder.hpp"
#include "pg_types.hpp"
#include "recon/connector/connector.hpp"
#include "recon/core/rows.hpp"

namespace recon::pg {

/// The binary stream is not what the query should have produced (wrong signature, field count
/// mismatch, truncated data). The connector turns it into a poisoned ConnectorError: the
/// connection's state can no longer be trusted.
class CopyFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using ColumnDecoder = ColumnDecoderFor<Wire>;

/// Builds the decoder of a selected column from its native type oid (the base type for domains)
/// and the class both sides compare in.
ColumnDecoder make_decoder(const SelectColumn& column);

/// Appends the canonical encoding of one non-NULL field (`len` bytes at `data`) to `out`.
/// `scratch` is reused between calls so text fallbacks do not allocate per value.
/// Malformed fields (wrong length for the type) become Invalid, never an exception.
void decode_value(const ColumnDecoder& col, const char* data, std::size_t len, std::string& out,
                  std::string& scratch);

/// Renders a binary numeric as plain decimal text ("-1.5", "0", "NaN", "Infinity").
/// Returns false for NaN/±Infinity (the text is still written) and for a malformed buffer.
bool numeric_to_text(const char* data, std::size_t len, std::string& text);

/// Parses a whole binary COPY stream fed in arbitrary chunks (libpq hands out one CopyData
/// message per call, or a piece of one larger than the receive buffer; a tuple normally fits one
/// message, but the decoder does not rely on it).
/// Complete tuples go to the batch as rows; an incomplete tail is kept until the next chunk.
class CopyDecoder {
 public:
  /// `table` names the table in messages; keys come first in each tuple, then values. With
  /// `raw_values` the value fields are kept as they arrive ([int32 length][bytes] each, length −1
  /// for NULL) and canonicalize_raw() converts them on demand.
  CopyDecoder(std::string table, std::vector<ColumnDecoder> keys, std::vector<ColumnDecoder> values,
              bool raw_values = false);

  /// Decodes every complete tuple of `data` (plus any kept tail) into `out`.
  /// Throws CopyFormatError on a malformed stream, InputError when a key field is NULL.
  void feed(const char* data, std::size_t len, RowBatch& out);
  /// Call when the server says the COPY is done: throws CopyFormatError unless the stream ended
  /// with the trailer and nothing is left over.
  void finish() const;
  std::size_t rows() const { return rows_; }
  /// Converts one row's raw value fields (as kept with raw_values) to canonical encodings.
  static void canonicalize_raw(const std::vector<ColumnDecoder>& values, std::string_view raw, std::string& out);
  /// The value columns' decoders (for a RowBatch canonicalizer).
  std::vector<ColumnDecoder> value_decoders() const { return {cols_.begin() + static_cast<std::ptrdiff_t>(nkeys_), cols_.end()}; }

 private:
  std::size_t parse(const char* p, const char* end, RowBatch& out);

  std::string table_;
  std::vector<ColumnDecoder> cols_;  // keys then values
  std::size_t nkeys_;
  bool raw_values_ = false;
  bool header_done_ = false, trailer_seen_ = false;
  std::size_t rows_ = 0;
  std::string pending_;  // incomplete tail of the previous chunk
  std::string scratch_;
};

}  // namespace recon::pg
