// manifest.json of a run directory (docs/run-directory.md) as one type, written by the
// simulator and read by the planner, detect, sweep and every other reader through the same
// nlohmann-json to_json/from_json functions, so its keys are spelled once.
//
// It lives in model because model is the schemas' home and the one library both the writer
// (sim) and the readers (planner, sweep, ...) already depend on; nlohmann-json is header-only.
//
//   model::RunManifest m;
//   m.status = "complete";
//   nlohmann::ordered_json j = m;                // keys in the documented order
//   auto back = model::ParseRunManifest(j.dump(2), "run/manifest.json");
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vantage/core/result.h"

namespace vantage::model {

/// @brief A point's export statistics (manifest "export").
struct PointExport {
  bool present = false;  ///< the entry has an "export" object
  std::string mode;      ///< "udp" (live over the simulated network) or "file"
  uint64_t messages = 0, bytes = 0, received = 0, lost = 0;
};

/// @brief A point's cloud flow log (manifest "flow_log", docs/run-directory.md "Flow-log points").
struct PointFlowLog {
  std::string provider;  ///< "aws", "gcp" or "azure"
  std::string format;    ///< "aws-vpc", "gcp-vpc" or "azure-vnet"
  std::string path;      ///< relative to the run directory
  uint32_t aggregationIntervalS = 0;
  int version = 0;                  ///< AWS format version (1 for Google Cloud)
  std::vector<std::string> fields;  ///< AWS field names written
  std::string trafficType = "ALL";
  double sampleRate = 1.0;
  bool includeMetadata = true;
  double deliveryDelayS = 0;
  uint64_t records = 0, bytes = 0, noDataRecords = 0, excludedPackets = 0, filteredPackets = 0,
           sampledOutRecords = 0;
};

/// @brief A candidate point as the manifest describes it.
struct ManifestPoint {
  std::string name, node;
  std::vector<std::string> interfaces;
  std::vector<std::pair<std::string, uint32_t>> interfaceNumbers;  ///< link -> ifIndex, in order
  std::string ipfix, pcap;    ///< relative paths; empty when absent
  uint32_t samplingRate = 1;  ///< manifest "sampling_rate" (1 = unsampled)
  uint64_t flows = 0, packets = 0, octets = 0, ipfixBytes = 0, pcapBytes = 0;
  PointExport exportStats;
  std::optional<PointFlowLog> flowLog;
};

/// @brief manifest.json.
struct RunManifest {
  std::string vantageVersion, ns3Version;
  std::string status;  ///< "complete" or "incomplete"
  std::string error;   ///< why the run is incomplete; written only when set
  std::string topologyPath, topologySha256, scenarioPath, scenarioSha256;
  uint64_t seed = 0;
  int64_t startUnixNs = 0;
  double durationS = 0;
  double representsS = 0;               ///< read as durationS when absent
  std::map<std::string, double> scale;  ///< host group -> real hosts per simulated host
  std::string addressPlan;              ///< "model" or "per-l2-domain"
  std::vector<ManifestPoint> points;
  // "counters"
  uint64_t events = 0;
  double wallS = 0;
  uint64_t groundTruthFlows = 0, sessions = 0, firewallDrops = 0;
  std::map<std::string, uint64_t> firewallDropsByNode;  ///< every filtering node, drops or not
  uint64_t natBindings = 0, natUnsolicitedDrops = 0;

  const ManifestPoint* FindPoint(const std::string& name) const;
};

// nlohmann-json ADL functions. Writing into ordered_json keeps the documented key order (the
// goldens depend on it); reading is lenient: absent keys keep their defaults, values of the wrong
// JSON type throw nlohmann::json::exception (ParseRunManifest converts it).
void to_json(nlohmann::ordered_json& j, const RunManifest& m);
void to_json(nlohmann::json& j, const RunManifest& m);
void from_json(const nlohmann::ordered_json& j, RunManifest& m);
void from_json(const nlohmann::json& j, RunManifest& m);
void to_json(nlohmann::ordered_json& j, const ManifestPoint& p);
void from_json(const nlohmann::json& j, ManifestPoint& p);
void to_json(nlohmann::ordered_json& j, const PointFlowLog& f);
void from_json(const nlohmann::json& j, PointFlowLog& f);

/// @brief manifest.json text as written (two-space indent, trailing newline).
std::string FormatRunManifest(const RunManifest& m);
/// @brief Parses manifest.json text; errors (kParse) name `path`: not an object, a value of the
/// wrong type, a point without a name.
core::Result<RunManifest> ParseRunManifest(const std::string& text, const std::string& path);

}  // namespace vantage::model
