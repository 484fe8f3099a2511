// The detectors (docs/detections.md). RunDetectors runs every enabled one over a FlowSet;
// each is also callable alone on assembled connections, which is how the tests probe the
// thresholds.
//
//   DetectionResult r = RunDetectors(set, ctx, rules);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vantage/detect/context.h"
#include "vantage/detect/finding.h"
#include "vantage/detect/flows.h"
#include "vantage/detect/rules.h"

namespace vantage::detect {

/// @brief Marks each connection's client and server internal or not (once, for every detector).
void ClassifyConnections(std::vector<Connection>& conns, const NetworkContext& ctx);

/// @brief Inputs every detector shares.
struct DetectInput {
  const FlowSet* set = nullptr;
  const std::vector<Connection>* conns = nullptr;  ///< after the allow-list
  const NetworkContext* ctx = nullptr;
  const Rules* rules = nullptr;
};

/// @brief RITA's statistical score of a sample (intervals or sizes): the mean of the Bowley
/// skewness score (1 - |skew|; skew 0 when Q3 - Q1 < `minIqr` or the median equals a quartile)
/// and the MAD score ((median - MAD) / median, clamped to 0..1; `defaultMadScore` when the
/// median is below 1).
struct RegularityScore {
  double skew = 0, skewScore = 0, mad = 0, madScore = 0, median = 0, score = 0;
};
RegularityScore ScoreRegularity(std::vector<double> values, double minIqr, double defaultMadScore);
/// @brief Quartiles by linear interpolation between closest ranks of a sorted sample.
double Quantile(const std::vector<double>& sorted, double q);
/// @brief Median and median absolute deviation of a sample.
std::pair<double, double> MedianMad(std::vector<double> values);

/// @brief Beacon subscores and score of one pair's connection start times and sizes.
struct BeaconScore {
  RegularityScore ts, ds;
  double duration = 0;  ///< (last - first) / span of the data
  double score = 0;
};
BeaconScore ScoreBeacon(const std::vector<int64_t>& startsNs, const std::vector<double>& bytes,
                        int64_t dataSpanNs, const BeaconRules& rules);

std::vector<Finding> DetectBeacons(const DetectInput& in);
std::vector<Finding> DetectPortScans(const DetectInput& in);
std::vector<Finding> DetectBruteForce(const DetectInput& in);
std::vector<Finding> DetectLongConnections(const DetectInput& in);
std::vector<Finding> DetectProtocolExpectation(const DetectInput& in);
std::vector<Finding> DetectExfiltration(const DetectInput& in);
std::vector<Finding> DetectDirectionality(const DetectInput& in);
std::vector<Finding> DetectSpikes(const DetectInput& in);
std::vector<Finding> DetectDnsTunnels(const DetectInput& in);
std::vector<Finding> DetectLateralMovement(const DetectInput& in);

/// @brief Progress and partial results: called after each detector with its findings.
using DetectorDone = std::function<void(const std::string& detector, const std::vector<Finding>&)>;

/// @brief Assembles connections, applies the allow-list, runs every enabled detector. Findings
/// are sorted by start time within each detector, detectors in DetectorNames() order.
DetectionResult RunDetectors(const FlowSet& set, const NetworkContext& ctx, const Rules& rules,
                             const DetectorDone& done = {});

}  // namespace vantage::detect
