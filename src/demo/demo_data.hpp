#pragma once
// Private to the demo: deterministic generators of Brazilian-looking values.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace recon::demo {

/// Draws from std::mt19937_64 directly (its output sequence is fixed by the standard, unlike the
/// distributions'), so a seed yields the same data with every standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : g_(seed) {}
  /// Uniform-enough integer in [0, n) (modulo bias below 2^-40 for the n used here).
  std::uint64_t below(std::uint64_t n) { return g_() % n; }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {  ///< inclusive
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  /// True with probability per_mille / 1000.
  bool chance(unsigned per_mille) { return below(1000) < per_mille; }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) { return items[below(N)]; }

 private:
  std::mt19937_64 g_;
};

/// "Maria da Conceição Souza"-style full name.
std::string person_name(Rng& rng);
/// "maria.souza123@gmail.com" from a name: lower case, accents removed.
std::string email_for(std::string_view name, std::int64_t id, Rng& rng);
/// "(11) 98765-4321".
std::string phone(Rng& rng);
/// A valid 11-digit CPF (check digits computed), distinct for distinct ids below 10^9.
std::string cpf_for(std::int64_t id);
/// ASCII lower-case form of a Latin-1-range UTF-8 string ("João" -> "joao").
std::string ascii_lower(std::string_view utf8);
/// Cents as a decimal with two digits: 123450 -> "1234.50", -5 -> "-0.05".
std::string cents_text(std::int64_t cents);

/// The product lines of the demo (tipo in parametros_entrada).
struct ProductLine {
  const char* tipo;       ///< IMOVEL, AUTO, ...
  const char* label;      ///< "Imóvel", "Automóvel", ...
  std::int64_t min_k, max_k, step_k;  ///< credit range in thousands of reais, per step
  int prazos[6];          ///< terms in months (0 = unused slot)
  int weight;             ///< share of simulations, per mille
};
const ProductLine& product_line(std::size_t i);
std::size_t product_line_count();
/// Index of a product line drawn by weight.
std::size_t draw_product_line(Rng& rng);

}  // namespace recon::demo
