// recon doctor on a dms_csv side. See dms_doctor.hpp.
#include "dms_doctor.hpp"

#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dms_table.hpp"

namespace recon::dms_csv {
namespace fs = std::filesystem;

ServerFacts server_facts(const std::string& url) {
  ServerFacts f;
  f.product = "DMS CSV files";
  f.protocol = "file";
  f.database = url;
  return f;
}

TableFacts table_facts(const std::string& url, const RangeQuery& q, Side side, std::optional<std::uint64_t> rows) {
  TableFacts f;
  for (const SelectColumn& k : q.keys)
    f.key_columns.push_back({k.native.name, "", false, "recon sorts the files itself (byte order)"});
  std::vector<fs::path> files;
  try {
    files = data_files(table_folder(url, q.table, side));
  } catch (const InputError& e) {
    f.range_read.plan = e.what();
    return f;  // can_select stays false: the message says which folder is missing or empty
  }
  std::uintmax_t bytes = 0;
  std::vector<std::string> unreadable;
  for (const fs::path& file : files) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(file, ec);
    std::ifstream in(file, std::ios::binary);
    if (ec || !in) unreadable.push_back(file.string());
    else bytes += size;
  }
  f.can_select = unreadable.empty();
  if (rows) f.estimated_rows = static_cast<std::int64_t>(*rows);
  f.range_read.plan = fmt::format("{} file{}, {} bytes, sorted by recon by the key", files.size(),
                                  files.size() == 1 ? "" : "s", bytes);
  if (!unreadable.empty())
    f.range_read.plan += fmt::format("; cannot be read: {} (check the file permissions)", fmt::join(unreadable, ", "));
  return f;
}

}  // namespace recon::dms_csv
