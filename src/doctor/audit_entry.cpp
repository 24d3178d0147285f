#include "recon/doctor/audit_entry.hpp"

#include "recon/doctor/render.hpp"

namespace recon::doctor {

DoctorRunRecord audit_record(const Report& report, const RunOptions& job) {
  DoctorRunRecord r;
  r.at = report.at;
  r.job_file = report.job;
  r.job_sha256 = job.job_sha256;
  r.exit_code = report.exit_code();
  const Counts n = report.counts();
  r.ok = n.ok;
  r.warn = n.warn;
  r.fail = n.fail;
  r.skip = n.skip;
  const auto side = [&](Side s) {
    const auto it = report.sides.find(s);
    return it == report.sides.end() ? std::string() : it->second.endpoint;
  };
  r.source_endpoint = side(Side::Source);
  r.target_endpoint = side(Side::Target);
  r.report_json = render_json(report).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return r;
}

}  // namespace recon::doctor
