// The whole conformance check as one call, for the CLI and tests: resolve the exporter and its
// declaration, compute the expected records, run the exporter (or read records it already
// wrote), score, compare with a baseline, write score.json / report.md / report.html.
//
//   ConformanceRequest req;
//   req.exporter = "softflowd"; req.pcap = "edge.pcap"; req.outDir = "out";
//   ConformanceResult r = RunConformance(req);
//   return r.exitCode;   // 0 conforms, 1 does not (or regressed), 2 could not be scored
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vantage/conformance/runner.h"
#include "vantage/conformance/score.h"

namespace vantage::conformance {

struct ConformanceRequest {
  std::string exporter;     ///< built-in name or cmd:'TEMPLATE'; empty with recordsPath
  std::string declarePath;  ///< optional for built-in adapters
  std::string pcap;         ///< the packets ...
  std::string runDir;       ///< ... or a run directory and a point in it
  std::string point;
  std::string recordsPath;  ///< score an IPFIX file already written instead of running
  std::string outDir;
  std::string baselinePath;  ///< optional score.json to compare with
  core::Duration timeout = core::Duration::Seconds(120);
  std::string vantageBinary = "vantage";
  std::function<void(const std::string&)> progress;
};

struct ConformanceResult {
  Score score;
  std::vector<Regression> regressions;
  int exitCode = 2;
  std::string message;  ///< one line for the terminal
};

ConformanceResult RunConformance(const ConformanceRequest& request);

/// @brief Application classes from a run's ground_truth.csv: a flow's label, found by its
/// 5-tuple in either direction (and by its source after NAT). Lines that do not parse are
/// counted in `badLines`; a missing file or header is an error naming the file.
core::Result<Classifier> GroundTruthClassifier(const std::string& path, uint64_t* badLines);

}  // namespace vantage::conformance
