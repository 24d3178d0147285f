#pragma once
// Private to the connectors: the WHERE clause of a range read, the same shape on every SQL engine;
// only how one key span is spelt differs (row constructors, expanded bounds, bind parameters).

#include <functional>
#include <string>
#include <vector>

#include "recon/connector/connector.hpp"

namespace recon {

/// " WHERE <spans> AND (<where>)", or "" when neither restricts. <spans> is span_cond of the
/// query's one span, or the OR of every span's condition (one statement reading a sample's many
/// clusters); a span open at both ends (span_cond gives "") means every key, so the spans then
/// add nothing. span_cond is called once per span, in order (a connector numbering bind
/// parameters relies on it), until one is open at both ends.
inline std::string range_where_sql(const RangeQuery& q, const std::function<std::string(const KeySpan&)>& span_cond) {
  std::string out;
  auto add = [&out](const std::string& c) {
    if (!c.empty()) out += (out.empty() ? " WHERE " : " AND ") + c;
  };
  const std::vector<KeySpan> spans = spans_of(q);
  if (spans.size() == 1) {
    add(span_cond(spans[0]));
  } else {
    std::string any;
    for (const KeySpan& span : spans) {
      const std::string c = span_cond(span);
      if (c.empty()) {  // every key
        any.clear();
        break;
      }
      any += (any.empty() ? "(" : " OR (") + c + ")";
    }
    if (!any.empty()) add("(" + any + ")");
  }
  if (!q.where.empty()) add("(" + q.where + ")");
  return out;
}

}  // namespace recon
