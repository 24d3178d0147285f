#include "recon/stats/interval.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

namespace recon::stats {
namespace {

/// log of v! (boost's lgamma: thread-safe, unlike the C library's, which sets signgam).
double log_factorial(std::int64_t v) { return boost::math::lgamma(static_cast<double>(v) + 1.0); }

/// log C(M − K, m) / C(M, m): the chance that m clusters drawn without replacement out of M miss
/// every one of K.
double log_miss_all(std::int64_t bad, std::int64_t m, std::int64_t total) {
  return log_factorial(total - bad) - log_factorial(total - bad - m) - log_factorial(total) + log_factorial(total - m);
}

double t_quantile(double df, double p) { return boost::math::quantile(boost::math::students_t(df), p); }

/// The sampled tables of a run (neither census nor without rows), pooled. While accumulating the
/// sums are weighted by W_h; pooled() turns them into shares of the sampled part.
struct Pooled {
  double weight = 0;    ///< W_S = Σ W_h
  double share = 0;     ///< Σ W_h·p̂_h, then ÷ W_S
  double variance = 0;  ///< Σ W_h²·V_h, then ÷ W_S²
  double floor = 0;     ///< Σ W_h·B_h (none-seen bounds), then ÷ W_S
  std::int64_t rows = 0, divergent = 0, clusters = 0, df = 0;

  void add(double w, const TableSample& t, double confidence) {
    weight += w;
    share += w * t.share;
    variance += w * w * t.variance;
    floor += w * none_seen_bound(t.clusters_read, t.clusters_total, confidence);
    rows += t.rows_read;
    divergent += t.divergent_rows;
    clusters += t.clusters_read;
    df += t.clusters_read - 1;
  }
  void pooled() {
    if (weight <= 0) return;
    share /= weight;
    variance /= weight * weight;
    floor /= weight;
  }
};

/// The interval on the sampled part's divergent share. Sets out's method, effective_rows and
/// clump_floor.
ShareInterval sampled_share(const Pooled& s, double confidence, IndexEstimate& out) {
  if (s.divergent == 0) {
    // Nothing to estimate a variance from, and divergences may come in clumps: each cluster read
    // is one observation, and the bound is on the share of clusters that hold a divergence.
    out.method = "none_seen";
    out.effective_rows = static_cast<double>(s.clusters);
    return ShareInterval{0.0, s.floor};
  }
  // Korn–Graubard: the effective sample size that gives a binomial the estimated variance
  // (capped at the rows read: clustering never adds information), shrunk for the variance's own
  // degrees of freedom, then the exact binomial interval for it.
  const double p = s.share, rows = static_cast<double>(s.rows);
  double n_eff = s.variance > 0 ? p * (1 - p) / s.variance : rows;
  n_eff = std::clamp(n_eff, 1e-9, rows);
  if (s.df >= 1 && s.rows >= 2) {
    const double q = 1 - (1 - confidence) / 2;
    const double ratio = t_quantile(rows - 1, q) / t_quantile(static_cast<double>(s.df), q);
    n_eff *= ratio * ratio;
  }
  ShareInterval ci = clopper_pearson(std::min(p * n_eff, n_eff), n_eff, confidence);
  // Rows read that show a few scattered divergences say nothing about clumps in the clusters not
  // read: the upper limit is never below what a sample that saw none would state.
  if (ci.upper < s.floor) {
    ci.upper = s.floor;
    out.clump_floor = true;
  }
  out.method = "ratio";
  out.effective_rows = n_eff;
  return ci;
}

/// W_h = N_h / ΣN; with no row estimate at all, the rows read stand in.
std::vector<double> weights_of(std::span<const Stratum> tables) {
  std::vector<double> w;
  double total = 0;
  for (const Stratum& t : tables) total += std::max(0.0, t.population_rows);
  const bool by_rows_read = total <= 0;
  if (by_rows_read) {
    for (const Stratum& t : tables) total += static_cast<double>(t.sample.rows_read);
  }
  for (const Stratum& t : tables) {
    const double n = by_rows_read ? static_cast<double>(t.sample.rows_read) : std::max(0.0, t.population_rows);
    w.push_back(total > 0 ? n / total : 1.0 / static_cast<double>(tables.size()));
  }
  return w;
}

}  // namespace

TableSample summarise(std::span<const ClusterTally> clusters, std::int64_t clusters_total) {
  TableSample t;
  t.clusters_total = clusters_total;
  t.clusters_read = static_cast<std::int64_t>(clusters.size());
  for (const ClusterTally& c : clusters) {
    t.rows_read += c.rows;
    t.divergent_rows += c.divergent;
  }
  if (t.rows_read == 0) return t;
  const double p = static_cast<double>(t.divergent_rows) / static_cast<double>(t.rows_read);
  t.share = p;
  const double m = static_cast<double>(t.clusters_read);
  const double fpc = std::max(0.0, 1 - m / static_cast<double>(std::max<std::int64_t>(clusters_total, 1)));
  if (t.clusters_read < 2) {
    t.variance = fpc * p * (1 - p);
    return t;
  }
  double residuals = 0;
  for (const ClusterTally& c : clusters) {
    const double r = static_cast<double>(c.divergent) - p * static_cast<double>(c.rows);
    residuals += r * r;
  }
  const double mean_rows = static_cast<double>(t.rows_read) / m;
  t.variance = fpc / (m * mean_rows * mean_rows) * residuals / (m - 1);
  return t;
}

IndexEstimate index_interval(std::span<const ClusterTally> clusters, std::int64_t clusters_total, double confidence) {
  const Stratum table{1.0, summarise(clusters, clusters_total)};
  return combine_tables(std::span<const Stratum>(&table, 1), confidence);
}

IndexEstimate combine_tables(std::span<const Stratum> tables, double confidence) {
  IndexEstimate out;
  out.confidence = confidence;
  const std::vector<double> w = weights_of(tables);
  double exact = 0, unknown = 0;  // census tables' known share; weight of tables with no row read
  Pooled sampled;
  for (std::size_t h = 0; h < tables.size(); ++h) {
    const TableSample& t = tables[h].sample;
    out.clusters_read += t.clusters_read;
    out.clusters_total += t.clusters_total;
    out.rows_read += t.rows_read;
    out.divergent_rows += t.divergent_rows;
    if (t.clusters_read >= t.clusters_total) exact += w[h] * t.share;
    else if (t.rows_read == 0) unknown += w[h];
    else sampled.add(w[h], t, confidence);
  }
  sampled.pooled();
  ShareInterval part{0, 0};
  if (sampled.weight > 0) part = sampled_share(sampled, confidence, out);
  const double p = exact + sampled.weight * sampled.share;
  const double p_low = exact + sampled.weight * part.lower, p_high = exact + sampled.weight * part.upper + unknown;
  out.lower = std::clamp(1 - p_high, 0.0, 1.0);
  out.upper = std::clamp(1 - p_low, 0.0, 1.0);
  out.estimate = std::clamp(1 - p, out.lower, out.upper);
  if (sampled.weight <= 0 && unknown <= 0) {
    out.method = "census";
    out.effective_rows = static_cast<double>(out.rows_read);
  } else if (tables.size() > 1) {
    out.method = "stratified";
  } else if (sampled.weight <= 0) {
    out.method = "no_rows";
  }
  return out;
}

double none_seen_bound(std::int64_t clusters_read, std::int64_t clusters_total, double confidence) {
  if (clusters_read >= clusters_total) return 0.0;
  if (clusters_read <= 0) return 1.0;
  const double log_alpha = std::log(1 - confidence);
  // The chance to miss every bad cluster falls as K grows: find the largest K it leaves at or
  // above α. K = 0 always qualifies; K = M − m leaves 1 / C(M, m).
  std::int64_t lo = 0, hi = clusters_total - clusters_read;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo + 1) / 2;
    if (log_miss_all(mid, clusters_read, clusters_total) >= log_alpha) lo = mid;
    else hi = mid - 1;
  }
  return static_cast<double>(lo) / static_cast<double>(clusters_total);
}

std::int64_t clusters_to_show(double slo, std::int64_t clusters_total, double confidence) {
  if (clusters_total <= 1) return std::max<std::int64_t>(clusters_total, 0);
  std::int64_t lo = 1, hi = clusters_total;  // m == M: the bound is 0
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    // The same test an SLO is decided with: the index's lower bound at or above the SLO.
    if (1 - none_seen_bound(mid, clusters_total, confidence) >= slo) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

ShareInterval clopper_pearson(double x, double n, double confidence) {
  const double half_alpha = (1 - confidence) / 2;
  ShareInterval ci;
  ci.lower = x <= 0 ? 0.0 : boost::math::ibeta_inv(x, n - x + 1, half_alpha);
  ci.upper = n - x <= 1e-12 * n ? 1.0 : boost::math::ibeta_inv(x + 1, n - x, 1 - half_alpha);
  return ci;
}

}  // namespace recon::stats
