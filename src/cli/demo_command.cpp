#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "recon/config/job.hpp"
#include "recon/demo/demo.hpp"
#include "recon/engine/run.hpp"
#include "recon/generated/sql_text.hpp"
#include "recon/report/terminal.hpp"

namespace recon {
namespace po = boost::program_options;
namespace fs = std::filesystem;

void describe_demo(po::options_description& desc) {
  desc.add_options()
      ("out", po::value<std::string>()->default_value("reports/demo")->value_name("DIR"),
       "folder for the demo databases, job file, audit DB and report")
      ("rows", po::value<std::int64_t>()->default_value(300000)->value_name("N"), "simulacoes rows to generate")
      ("seed", po::value<std::uint64_t>()->default_value(42)->value_name("N"), "seed of the generated data")
      ("threads", po::value<int>()->default_value(2)->value_name("N"), "parallel workers for the check");
}

/// The secret behind the demo's tokens when RECON_PII_KEY is unset: the data is made up, so the
/// key may be as public as the demo.
constexpr const char* kDemoPiiKey = "recon-demo-key-for-made-up-data";

/// Builds the databases, runs check, and verifies recon found exactly what was planted: exit 0 when
/// it did, 1 when it did not (the demo doubles as a smoke test), 2/3 as check does otherwise.
int run_demo_command(const po::variables_map& vm) {
  const fs::path out = vm["out"].as<std::string>();
  fs::create_directories(out);
  const fs::path source_db = fs::absolute(out / "source.db"), target_db = fs::absolute(out / "target.db");
  DemoPlan plan;
  plan.simulacoes = vm["rows"].as<std::int64_t>();
  plan.seed = vm["seed"].as<std::uint64_t>();
  const auto t0 = std::chrono::steady_clock::now();
  const DemoTruth truth = build_demo_databases(source_db, target_db, plan);
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << fmt::format("demo: built {} and {} ({:.1f} s)\n", source_db.string(), target_db.string(), build_s);

  const fs::path job_file = fs::absolute(out / "job.toml");
  // The shipped default rules classify what the demo finds (trailing_space, rounding_drift, …)
  // without tolerating anything, so the planted counts stay exact.
  std::ofstream(out / "rules-default.toml") << sql::rules_default;
  const std::string job_text = demo_job_toml(source_db, target_db, "rules-default.toml");
  std::ofstream(job_file) << job_text;
  // The demo's clientes table declares pii columns, which need a secret; the demo brings one of
  // its own when none is set (its data is made up), and says so.
  if (const char* key = std::getenv("RECON_PII_KEY"); !key || !*key) {
    setenv("RECON_PII_KEY", kDemoPiiKey, 1);
    std::cout << fmt::format("demo: RECON_PII_KEY is not set: the demo's own key \"{}\" makes its tokens "
                             "(set your own secret for real jobs, and for recon commands on the demo's job)\n",
                             kDemoPiiKey);
  }
  RunOptions opts = parse_job_text(job_text, job_file.string(), job_file.parent_path());
  opts.job_file = job_file;
  CheckFlags flags;
  flags.threads = vm["threads"].as<int>();
  flags.out = fs::absolute(out / "report");
  flags.audit = fs::absolute(out / "recon-audit.db");
  apply_overrides(opts, flags);

  std::string out_dir;
  const RunResult result = run_check(opts, out_dir);
  std::cout << render_summary_table(result);
  std::cout << fmt::format("report:  {}/summary.json\nfix-up:  {}/fixup/\naudit:   {}\njob:     {}\n", out_dir, out_dir,
                           opts.audit_db.string(), job_file.string());
  if (result.status == "error" || result.status == "interrupted") return exit_code_for(result);

  bool exact = true;
  for (const auto& t : result.tables) {
    const auto it = truth.planted.find(t.name);
    const std::array<std::int64_t, 3> want = it == truth.planted.end() ? std::array<std::int64_t, 3>{0, 0, 0} : it->second;
    if (want[0] != t.missing_in_target || want[1] != t.missing_in_source || want[2] != t.changed) {
      exact = false;
      std::cout << fmt::format("demo: {} planted {}/{}/{} (missing in target/missing in source/changed) but recon found {}/{}/{}\n",
                               t.name, want[0], want[1], want[2], t.missing_in_target, t.missing_in_source, t.changed);
    }
  }
  std::cout << (exact ? "demo: recon found exactly the planted divergences, and none of the equal-but-differently-spelled values\n"
                      : "demo: MISMATCH between planted and found divergences\n");
  return exact ? 0 : 1;
}

}  // namespace recon
