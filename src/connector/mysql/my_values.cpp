// Text-protocol values -> canonical encodings. See my_values.hpp.
#include "my_values.hpp"

#include "../column_decoder.hpp"

namespace recon::my {

namespace {

void append_stored(std::string& out, const SelectColumn& column, const RowView& row, unsigned i) {
  if (row.is_null(i)) return canon::put_null(out);
  std::string_view text = row.text(i);
  const TypeClass cls = column.compare_as;
  if (column.native.type_class == TypeClass::Bytes && cls == TypeClass::Bytes) return canon::put_bytes(out, text);
  if (cls == TypeClass::Text) {
    if (column.trim_padding || column.native.padded_char) text = canon::without_padding(text);
    return canon::put_text(out, text);
  }
  canon::put_from_text(out, cls, text, column.time_rounding);
}

}  // namespace

void append_value(std::string& out, const SelectColumn& column, const RowView& row, unsigned i) {
  const std::size_t mark = out.size();
  append_stored(out, column, row, i);
  datetime_ticks::finish(out, mark, column.tick_digits);  // the decoders' finish step (column_decoder.hpp)
}

void append_row(RowBatch& out, const std::vector<SelectColumn>& keys, const std::vector<SelectColumn>& values,
                bool with_values, const RowView& row) {
  out.begin_row();
  std::string& arena = out.arena();
  unsigned i = 0;
  for (const auto& k : keys) append_value(arena, k, row, i++);
  out.end_key();
  if (with_values)
    for (const auto& v : values) append_value(arena, v, row, i++);
  out.end_row();
}

}  // namespace recon::my
