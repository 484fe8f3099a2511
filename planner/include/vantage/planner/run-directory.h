// Reading a run directory (docs/run-directory.md): manifest, ground truth, NAT events and the
// collector store's size, with the checks that refuse incomplete runs and runs made from other
// inputs.
//
//   planner::RunCheck check{"topologies/enterprise.yaml", "scenarios/enterprise-baseline.yaml"};
//   auto run = planner::LoadRunDirectory("run1", check);
//   if (!run) std::cerr << run.GetError().message << "\n";
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"

namespace vantage::planner {

/// @brief One row of ground_truth.csv.
struct GroundTruthFlow {
  uint64_t id = 0;
  std::string label;
  std::string behaviour;  ///< empty for benign traffic
  std::string srcHost, dstHost, srcGroup, dstGroup;
  core::IpAddress srcIp, dstIp;
  uint16_t srcPort = 0, dstPort = 0;
  uint8_t protocol = 0;
  core::IpAddress natIp;  ///< unset when no NAT on the path
  uint16_t natPort = 0;
  int64_t startNs = 0, endNs = 0;
  uint64_t packetsFwd = 0, bytesFwd = 0, packetsRev = 0, bytesRev = 0;
  std::string criticalAsset;  ///< empty if none

  bool Natted() const { return natIp.IsSet(); }
};

/// @brief One row of nat_events.csv.
struct NatEventRow {
  int64_t timeNs = 0;
  std::string node;
  int event = 0;  ///< RFC 8158 natEvent: 10 create, 11 delete
  uint8_t protocol = 0;
  core::IpAddress insideIp, outsideIp;
  uint16_t insidePort = 0, outsidePort = 0;
};

/// @brief A point's export statistics (manifest "export"), when its exporter sent live.
struct PointExport {
  bool present = false;
  std::string mode;
  uint64_t messages = 0, bytes = 0, received = 0, lost = 0;
};

/// @brief A point's cloud flow log as the manifest describes it ("flow_log",
/// docs/run-directory.md "Flow-log points").
struct ManifestFlowLog {
  bool present = false;
  std::string provider, format, path, trafficType = "ALL";
  uint32_t aggregationIntervalS = 0;
  int version = 0;  ///< AWS format version
  std::vector<std::string> fields;
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
  std::string ipfix, pcap;  ///< relative paths; empty when absent
  uint64_t flows = 0, packets = 0, octets = 0, ipfixBytes = 0, pcapBytes = 0;
  uint32_t samplingRate = 1;  ///< manifest "sampling_rate" (1 = unsampled)
  PointExport exportStats;
  ManifestFlowLog flowLog;  ///< points with `flow_log:` in the topology
};

/// @brief manifest.json.
struct RunManifest {
  std::string vantageVersion;
  std::string status;
  std::string topologyPath, topologySha256, scenarioPath, scenarioSha256;
  uint64_t seed = 0;
  int64_t startUnixNs = 0;
  double durationS = 0;
  double representsS = 0;
  std::map<std::string, double> scale;  ///< host group -> real hosts per simulated host
  std::vector<ManifestPoint> points;
  uint64_t groundTruthFlows = 0, firewallDrops = 0, natBindings = 0, events = 0;
  double wallS = 0;

  const ManifestPoint* FindPoint(const std::string& name) const;
};

/// @brief Everything of a run directory the planner needs except the per-point flow records.
struct RunData {
  std::string dir;
  RunManifest manifest;
  std::vector<GroundTruthFlow> flows;
  std::vector<NatEventRow> natEvents;
  bool hasSqlite = false;
  uint64_t sqliteBytes = 0;    ///< size of collector.sqlite
  uint64_t sqliteRecords = 0;  ///< rows of its largest table

  /// @brief Multiplier from a count in the simulated window to a count per real day:
  /// (represents_s / duration_s) * (86400 / represents_s).
  double DayFactor() const;
  /// @brief Real hosts per simulated host for a source group (1 if the manifest has none).
  double GroupScale(const std::string& group) const;
};

/// @brief Inputs a run must have been made from; empty paths are not checked.
struct RunCheck {
  std::string topologyPath;
  std::string scenarioPath;
};

/// @brief Loads a run directory. Errors say which problem: missing directory or file
/// (kNotFound), incomplete run (INCOMPLETE present or status not "complete": kInvalid), made
/// from other inputs (sha256 mismatch: kInvalid), or malformed file (kParse, naming file:line).
core::Result<RunData> LoadRunDirectory(const std::string& dir, const RunCheck& check = {});

/// @brief Lowercase hex SHA-256 of a file's bytes.
core::Result<std::string> Sha256File(const std::string& path);

/// @brief Parses ground_truth.csv text (header line first). `name` is used in errors.
core::Result<std::vector<GroundTruthFlow>> ParseGroundTruth(const std::string& text,
                                                            const std::string& name);
/// @brief Parses nat_events.csv text (header line optional).
core::Result<std::vector<NatEventRow>> ParseNatEvents(const std::string& text,
                                                      const std::string& name);

}  // namespace vantage::planner
