#pragma once
// Private to the cli module: one describe/run pair per subcommand row.
#include <boost/program_options.hpp>

namespace recon {
void describe_check(boost::program_options::options_description& desc);
int run_check_command(const boost::program_options::variables_map& vm);
void describe_demo(boost::program_options::options_description& desc);
int run_demo_command(const boost::program_options::variables_map& vm);
void describe_recheck(boost::program_options::options_description& desc);
int run_recheck_command(const boost::program_options::variables_map& vm);
void describe_explain(boost::program_options::options_description& desc);
int run_explain_command(const boost::program_options::variables_map& vm);
void describe_apply(boost::program_options::options_description& desc);
int run_apply_command(const boost::program_options::variables_map& vm);
void describe_runs(boost::program_options::options_description& desc);
int run_runs_command(const boost::program_options::variables_map& vm);
void describe_show(boost::program_options::options_description& desc);
int run_show_command(const boost::program_options::variables_map& vm);
void describe_history(boost::program_options::options_description& desc);
int run_history_command(const boost::program_options::variables_map& vm);
void describe_report(boost::program_options::options_description& desc);
int run_report_command(const boost::program_options::variables_map& vm);
void describe_audit(boost::program_options::options_description& desc);
int run_audit_command(const boost::program_options::variables_map& vm);
void describe_drill(boost::program_options::options_description& desc);
int run_drill_command(const boost::program_options::variables_map& vm);
void describe_doctor(boost::program_options::options_description& desc);
int run_doctor_command(const boost::program_options::variables_map& vm);
}  // namespace recon
