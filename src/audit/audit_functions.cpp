// The SQL functions of the audit's hash chain (recon_record_sha256, recon_chain_link) and of its
// guards (recon_audit_pruning), registered on every connection recon opens to an audit file.
#include <openssl/evp.h>
#include <sqlite3.h>

#include <array>
#include <cstring>
#include <memory>

#include "recon/audit/chain.hpp"

namespace recon::audit {
namespace {

enum ValueType : unsigned char { kNull = 0, kInteger = 1, kReal = 2, kText = 3, kBlob = 4 };

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

/// Lower-case hex SHA-256 of `bytes`, or an empty string when OpenSSL fails. The digest and its
/// context are fetched once per thread: every record written costs two of these.
std::string sha256_hex_of(const std::string& bytes) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (!md || !ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1)
    return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(len) * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

/// The hash of every argument, serialised one after the other (both hashing functions).
void hash_arguments(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  thread_local std::string buf;  // keeps its capacity: one allocation per thread, not per record
  buf.clear();
  for (int i = 0; i < argc; ++i) append_chain_value(buf, argv[i]);
  const std::string hex = sha256_hex_of(buf);
  if (hex.empty()) {
    sqlite3_result_error(ctx, "recon audit: OpenSSL cannot compute a SHA-256", -1);
    return;
  }
  sqlite3_result_text(ctx, hex.data(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
}

void record_sha256(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc < 1 || sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
    sqlite3_result_error(ctx, "recon_record_sha256(tbl, …): the first argument names the table", -1);
    return;
  }
  hash_arguments(ctx, argc, argv);
}

void chain_link(sqlite3_context* ctx, int argc, sqlite3_value** argv) { hash_arguments(ctx, argc, argv); }

void audit_pruning(sqlite3_context* ctx, int, sqlite3_value**) {
  const auto* flag = static_cast<const bool*>(sqlite3_user_data(ctx));
  sqlite3_result_int(ctx, flag && *flag ? 1 : 0);
}

}  // namespace

void append_chain_value(std::string& out, sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      out.push_back(static_cast<char>(kInteger));
      put_u64(out, 8);
      put_u64(out, static_cast<std::uint64_t>(sqlite3_value_int64(v)));
      return;
    case SQLITE_FLOAT: {
      const double d = sqlite3_value_double(v);
      std::uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      out.push_back(static_cast<char>(kReal));
      put_u64(out, 8);
      put_u64(out, bits);
      return;
    }
    case SQLITE_TEXT: {
      const auto* t = sqlite3_value_text(v);
      const auto n = static_cast<std::size_t>(sqlite3_value_bytes(v));
      out.push_back(static_cast<char>(kText));
      put_u64(out, n);
      out.append(reinterpret_cast<const char*>(t), n);
      return;
    }
    case SQLITE_BLOB: {
      const void* b = sqlite3_value_blob(v);
      const auto n = static_cast<std::size_t>(sqlite3_value_bytes(v));
      out.push_back(static_cast<char>(kBlob));
      put_u64(out, n);
      if (n > 0) out.append(static_cast<const char*>(b), n);
      return;
    }
    default:
      out.push_back(static_cast<char>(kNull));
      put_u64(out, 0);
  }
}

int register_audit_functions(sqlite3* db, const bool* pruning) {
  // INNOCUOUS: the triggers in the file call them, which SQLite allows even with trusted_schema off.
  const int pure = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int rc = sqlite3_create_function_v2(db, "recon_record_sha256", -1, pure, nullptr, record_sha256, nullptr, nullptr,
                                      nullptr);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2(db, "recon_chain_link", 2, pure, nullptr, chain_link, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2(db, "recon_audit_pruning", 0, SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                    const_cast<bool*>(pruning), audit_pruning, nullptr, nullptr, nullptr);
  return rc;
}

}  // namespace recon::audit
