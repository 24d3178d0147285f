# embed_sql(SQL_DIR OUT_HEADER): every SQL_DIR/<sub>/<name>.sql becomes
# `inline constexpr std::string_view <sub>_<name>` in namespace recon::sql.
function(embed_sql sql_dir out_header)
  file(GLOB_RECURSE sql_files CONFIGURE_DEPENDS ${sql_dir}/*.sql)
  add_custom_command(
    OUTPUT ${out_header}
    COMMAND ${CMAKE_COMMAND} -DSQL_DIR=${sql_dir} -DOUT=${out_header} -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedSqlRun.cmake
    DEPENDS ${sql_files} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedSqlRun.cmake
    COMMENT "Embedding sql/*.sql")
endfunction()
