# cmake -DIN=file -DOUT=file.cpp -DFUNCTION=qualified::name -P EmbedTextRun.cmake: writes a .cpp whose
# function `std::string_view FUNCTION()` returns IN's bytes. The bytes are written as a char
# array, so any text (backticks, quotes, `)"` sequences) is embedded as it is.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX MATCH "^(.*)::([^:]+)$" _ "${FUNCTION}")
set(ns ${CMAKE_MATCH_1})
set(fn ${CMAKE_MATCH_2})
file(WRITE ${OUT}.tmp
  "// Generated from ${IN} by cmake/EmbedTextRun.cmake. Do not edit.\n"
  "#include <string_view>\nnamespace ${ns} {\nnamespace {\nconstexpr char kText[] = {${bytes} 0};\n}\n"
  "std::string_view ${fn}() { return std::string_view(kText, sizeof kText - 1); }\n}  // namespace ${ns}\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
