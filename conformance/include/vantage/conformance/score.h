// Scoring an exporter's records against the reference model's, in the manner of CESNET
// FlowTest: relative error of flows, packets and bytes (overall and per traffic class); per
// record missing, unexpected, split and merged; counter errors; timestamp error distribution;
// per-field checks; timeouts inferred from the output; a verdict per edge case.
//
//   ExpectedSet expected = *ComputeExpected("in.pcap", decl);
//   Score s = ScoreRecords(expected, actualRecords, decl, &cases);
//   if (!s.conforms) for (auto& f : s.failures) ...
//   nlohmann::json j = s;   // score.json; Score back with j.get<Score>()
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vantage/conformance/declaration.h"
#include "vantage/conformance/reference-model.h"
#include "vantage/core/flow.h"
#include "vantage/core/ip-address.h"

namespace vantage::conformance {

/// @brief An edge case of a traffic profile: the flows whose source or destination lies in
/// one of its prefixes.
struct EdgeCase {
  std::string name;
  std::string description;
  std::vector<std::pair<core::IpAddress, unsigned>> prefixes;
};

/// @brief Expected and exported totals of one class of records.
struct Totals {
  uint64_t expectedFlows = 0, actualFlows = 0;
  uint64_t expectedPackets = 0, actualPackets = 0;
  uint64_t expectedOctets = 0, actualOctets = 0;
  double FlowError() const;  ///< (actual - expected) / expected; 0 when both are 0
  double PacketError() const;
  double OctetError() const;
};

struct FieldCheck {
  uint64_t checked = 0;
  uint64_t failed = 0;
};

/// @brief Absolute timestamp errors of matched records, in milliseconds.
struct ErrorDistribution {
  uint64_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  double mean = 0;  ///< signed mean (bias: exporter early < 0 < late)
  uint64_t outOfTolerance = 0;
  double toleranceMs = 0;
};

/// @brief A timeout as the output shows it: the exporter's timeout lies in [lower, upper]
/// (upper < 0: no upper bound seen).
struct InferredTimeout {
  double declaredS = 0;  ///< 0 = none declared
  double lowerS = 0;
  double upperS = -1;
  bool consistent = true;
  std::string note;
};

struct CaseVerdict {
  std::string name;
  std::string description;
  uint64_t expected = 0, matched = 0, missing = 0, unexpected = 0, split = 0, merged = 0;
  uint64_t counterErrors = 0, fieldErrors = 0, timestampErrors = 0;
  bool pass = false;
  std::string reason;
};

/// @brief How the exporter was run and what the collector saw (filled by the runner).
struct RunInfo {
  std::string command;
  int exitStatus = 0;
  bool timedOut = false;
  bool crashed = false;
  double wallS = 0;
  uint64_t datagrams = 0;
  uint64_t malformed = 0;
  uint64_t decodedRecords = 0;
  uint64_t sequenceLost = 0;  ///< records the exporter's sequence numbers say never arrived
  std::string stderrTail;
};

struct Score {
  std::string exporter;
  std::string input;
  std::string declaration;  ///< YAML of the declaration scored against
  bool scoreable = true;
  std::vector<std::string> problems;  ///< why (part of) the score could not be computed

  Totals totals;
  std::map<std::string, Totals> classes;  ///< "tcp/ipv4", ..., and "case:NAME"

  uint64_t matched = 0;        ///< expected records with exactly one exported record
  uint64_t missing = 0;        ///< expected records nothing exported covers
  uint64_t unexpected = 0;     ///< exported records that cover no expected record
  uint64_t split = 0;          ///< expected records exported as several records
  uint64_t merged = 0;         ///< expected records exported inside one record with others
  uint64_t counterErrors = 0;  ///< matched records whose packets or octets differ
  double allowedMissing = 0;   ///< with sampling: missing records the bound allows
  double packetBound = 0;      ///< with sampling: allowed |actual - expected| packets overall

  std::map<std::string, FieldCheck> fields;
  ErrorDistribution startError, endError;
  InferredTimeout inactive, active;
  std::vector<CaseVerdict> cases;
  std::vector<std::string> examples;  ///< a few discrepancies, one line each

  RunInfo run;
  bool conforms = false;
  std::vector<std::string> failures;  ///< why it does not conform

  /// @brief Every metric as "lower is better" numbers, for regression checks.
  std::map<std::string, double> Metrics() const;
};

void to_json(nlohmann::json& j, const Score& s);
void from_json(const nlohmann::json& j, Score& s);

/// @brief Names a flow's traffic class beyond protocol and family (e.g. its application from a
/// run's ground truth); "" = none. Totals per class appear as "app:NAME".
using Classifier = std::function<std::string(const core::FlowKey&)>;

/// @brief Scores exported records against expected ones.
Score ScoreRecords(const ExpectedSet& expected, const std::vector<core::FlowRecord>& actual,
                   const Declaration& declaration, const std::vector<EdgeCase>* cases = nullptr,
                   const Classifier& classify = nullptr);

/// @brief One metric that got worse than the baseline beyond its tolerance.
struct Regression {
  std::string metric;
  double baseline = 0;
  double current = 0;
  double tolerance = 0;
};

/// @brief Compares a score with a stored one; empty when nothing got worse.
std::vector<Regression> CompareWithBaseline(const Score& current, const Score& baseline);

}  // namespace vantage::conformance
