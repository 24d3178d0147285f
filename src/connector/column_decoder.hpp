#pragma once
// Private to the connectors: the one shape of a column decoder. Each connector decodes its own
// wire layouts (`Wire`, its enum), but what a value is converted to is the same everywhere: the
// comparison class and conversions the engine chose for the column pair (SelectColumn).

#include <string>

#include "recon/model/columns.hpp"

namespace recon {

/// Everything needed to decode one column of a result, fixed before the rows arrive so the
/// per-value work is a switch on `wire` and nothing else.
template <class Wire>
struct ColumnDecoderFor {
  Wire wire{};
  TypeClass compare_as = TypeClass::Text;
  bool single_float = false;  ///< either side is float4: round to single before comparing
  bool trim_padding = false;  ///< either side is char(n): trailing spaces are not significant
  TimeRounding rounding = TimeRounding::HalfEven;
  std::string name;           ///< the column's native name, for messages only

  /// The decoder of `column`'s values as sent in `wire`.
  static ColumnDecoderFor of(const SelectColumn& column, Wire wire) {
    ColumnDecoderFor d;
    d.wire = wire;
    d.compare_as = column.compare_as;
    d.single_float = column.single_float || column.native.single_float;
    d.trim_padding = column.trim_padding;
    d.rounding = column.time_rounding;
    d.name = column.native.name;
    return d;
  }
};

}  // namespace recon
