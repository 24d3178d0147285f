# embed_sql(SQL_DIR OUT_HEADER [NAME=PATH ...]): every SQL_DIR/<sub>/<name>.sql becomes
# `inline constexpr std::string_view <sub>_<name>` in namespace recon::sql, and each NAME=PATH
# (another shipped text, e.g. rules_default=rules/default.toml) becomes `NAME`.
function(embed_sql sql_dir out_header)
  file(GLOB_RECURSE sql_files CONFIGURE_DEPENDS ${sql_dir}/*.sql)
  set(extra_files "")
  foreach(pair ${ARGN})
    string(REPLACE "=" ";" parts "${pair}")
    list(GET parts 1 path)
    list(APPEND extra_files ${path})
  endforeach()
  string(REPLACE ";" "\\;" extra_arg "${ARGN}")
  add_custom_command(
    OUTPUT ${out_header}
    COMMAND ${CMAKE_COMMAND} -DSQL_DIR=${sql_dir} -DOUT=${out_header} "-DEXTRA_TEXTS=${extra_arg}"
            -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedSqlRun.cmake
    DEPENDS ${sql_files} ${extra_files} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedSqlRun.cmake
    COMMENT "Embedding sql/*.sql")
endfunction()
