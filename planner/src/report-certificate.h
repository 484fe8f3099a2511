// The report's certificate and knee texts: the online bound, the tightening step and the knee
// of the cost curve, in Markdown (rendered to HTML with the rest) and in plan.json (internal).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "vantage/planner/report.h"

namespace vantage::planner::detail {

/// One Markdown paragraph: the certified gap (and the exact search's proof when it ran).
std::string CertificateParagraph(const ReportInput& in);
/// One Markdown paragraph: the knee, what the last bit of coverage costs, which is recommended.
std::string KneeParagraph(const ReportInput& in);
/// Adds `gap_certified`, `bound`, `bound_share`, `bound_constraint` and `tightening` to
/// `optimisation`, and the `knee` object to the document.
void AddCertificateJson(const ReportInput& in, nlohmann::json& doc);
/// The summary's line on the bound and the knee.
std::string CertificateSummary(const ReportInput& in);

}  // namespace vantage::planner::detail
