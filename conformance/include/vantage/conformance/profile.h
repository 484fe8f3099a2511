// Traffic profiles for exporter testing: a pcap whose flows stress the edge cases of flow
// metering (idle gaps around the inactive timeout, flows beyond the active timeout, TCP
// FIN/RST/half-close, port reuse, ICMP and ICMPv6, IPv4 fragments and options, IPv6
// extension headers, 802.1Q and QinQ, padded tiny frames, short snap lengths, cache
// pressure). Each case uses its own address prefix (10.N.0.0/16 and fd00:0:N::/48), listed
// in a sidecar file "<pcap>.cases.json" so the scorer gives a verdict per case.
//
//   auto p = LoadProfile("conformance/profiles/edge-cases.yaml");
//   auto st = WriteProfile(*p, "edge.pcap");   // edge.pcap + edge.pcap.cases.json
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/conformance/score.h"
#include "vantage/core/result.h"
#include "vantage/core/time.h"

namespace vantage::conformance {

struct Profile {
  int64_t startUnixS = 1767600000;                               ///< time of the first packet
  core::Duration inactiveTimeout = core::Duration::Seconds(15);  ///< the timeouts stressed
  core::Duration activeTimeout = core::Duration::Seconds(1800);
  uint64_t cachePressureFlows = 70000;  ///< concurrent flows of the cache-pressure case
  std::vector<std::string> cases;       ///< case names to include (all when empty)
};

/// @brief Every case name with a one-line description, in profile order.
const std::vector<std::pair<std::string, std::string>>& ProfileCaseNames();

core::Result<Profile> ParseProfile(const std::string& text, const std::string& name);
core::Result<Profile> LoadProfile(const std::string& path);

struct ProfileStats {
  uint64_t packets = 0;
  uint64_t cases = 0;
};

/// @brief Writes the pcap and "<pcap>.cases.json".
core::Result<ProfileStats> WriteProfile(const Profile& profile, const std::string& pcapPath);

/// @brief The cases of a profile pcap from its sidecar file; empty if there is none. Errors
/// name the file when it exists but does not parse.
core::Result<std::vector<EdgeCase>> LoadCases(const std::string& pcapPath);

}  // namespace vantage::conformance
