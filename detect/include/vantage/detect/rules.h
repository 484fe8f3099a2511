// The rules file: thresholds per detector, detectors on or off, and allow-lists. Every value
// has a default (docs/detections.md says where each comes from), so an empty file is valid.
// Problems are reported as file:line:col with the key path, like topology files.
//
//   model::Diagnostics diags;
//   auto rules = LoadRules("rules.yaml", diags);
//   if (!rules) for (auto& d : diags.items) std::cerr << d.ToString() << "\n";
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"
#include "vantage/model/diagnostics.h"

namespace vantage::detect {

struct BeaconRules {
  bool enabled = true;
  uint32_t minConnections = 10;
  double threshold = 0.7;          ///< overall score (0..1)
  double minTimestampScore = 0.8;  ///< the inter-arrival subscore must also reach this
  double tsWeight = 1.0 / 3, dsWeight = 1.0 / 3, durWeight = 1.0 / 3;
  bool outboundOnly = true;  ///< internal client, external server (RITA's filtering)
};
struct ScanRules {
  bool enabled = true;
  double windowS = 300;
  double verticalThreshold = 15;    ///< unique ports on one host
  double horizontalThreshold = 25;  ///< unique hosts on one port
};
struct BruteForceRules {
  bool enabled = true;
  double windowS = 1800;
  double threshold = 30;  ///< short sessions from one source to one service
  double maxSessionS = 30;
  double maxBytesIn = 5000;
  double peerRatio = 3;  ///< and this many times the median of other clients of the service
  std::vector<uint16_t> ports = {22, 3389, 389, 636, 445, 143, 993, 21, 23};
};
struct LongConnectionRules {
  bool enabled = true;
  double minDurationS = 3600;
};
struct ProtocolRules {
  bool enabled = true;
  double sshMaxDurationS = 300;
  double httpMaxDurationS = 300;
  double dnsMaxPacketBytes = 512;
  double baselineK = 3;  ///< and above the protocol's median + k * MAD
};
struct ExfiltrationRules {
  bool enabled = true;
  double windowS = 3600;
  double minBytesOut = 2'000'000;
  double minRatio = 10;  ///< bytes out / bytes in
};
struct DirectionalityRules {
  bool enabled = true;
  std::vector<uint16_t> allowedPorts = {53, 123, 80, 443};  ///< any server may call out on
  std::map<std::string, std::vector<uint16_t>> rolePorts = {
      {"mail", {25, 587}}, {"dns", {53}}, {"ntp", {123}}};
};
struct SpikeRules {
  bool enabled = true;
  double bucketS = 60;
  double k = 3;
  double minConnections = 20;  ///< a bucket must hold at least this many
  double minRatio = 3;         ///< and this many times the host's median
  uint32_t minBuckets = 5;
};
struct DnsTunnelRules {
  bool enabled = true;
  double windowS = 300;
  double minRequestBytes = 120;  ///< per request packet, IP layer
  double minQueries = 30;
};
struct LateralRules {
  bool enabled = true;
  double windowS = 600;
  double threshold = 5;  ///< distinct internal hosts
  std::vector<uint16_t> ports = {445, 3389, 22, 5985, 5986, 135};
};

/// @brief Connections to leave out of every detector.
struct AllowList {
  std::vector<std::string> hosts;                          ///< host names, addresses or prefixes
  std::vector<std::pair<std::string, std::string>> pairs;  ///< client, server (names/addresses)
  std::set<uint16_t> ports;                                ///< server ports
};

struct Rules {
  BeaconRules beacon;
  ScanRules scan;
  BruteForceRules bruteForce;
  LongConnectionRules longConnection;
  ProtocolRules protocol;
  ExfiltrationRules exfiltration;
  DirectionalityRules directionality;
  SpikeRules spike;
  DnsTunnelRules dnsTunnel;
  LateralRules lateral;
  AllowList allow;
  std::string sourcePath;
};

/// @brief Names of the detectors, in run order.
const std::vector<std::string>& DetectorNames();

core::Result<Rules> LoadRules(const std::string& path, model::Diagnostics& diags);
core::Result<Rules> ParseRules(const std::string& yamlText, const std::string& name,
                               model::Diagnostics& diags);

}  // namespace vantage::detect
