// The CSV files of a run directory (docs/run-directory.md): ground_truth.csv, nat_events.csv and
// firewall.log, one row type each, formatted by the simulator and parsed by the planner and
// every other reader with the same column names.
//
//   std::string text = model::FormatGroundTruth(rows);          // header + rows, as given
//   auto back = model::ParseGroundTruth(text, "ground_truth.csv");  // errors name file:line
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"

namespace vantage::model {

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

/// @brief One line of firewall.log (no header): a packet a firewall dropped.
struct FirewallDropRow {
  int64_t timeNs = 0;
  std::string node;
  std::string rule;
  uint8_t protocol = 0;
  core::IpAddress srcIp, dstIp;
  uint16_t srcPort = 0, dstPort = 0;
};

/// @brief ground_truth.csv text: the header, then the rows in the order given.
std::string FormatGroundTruth(const std::vector<GroundTruthFlow>& rows);
/// @brief Parses ground_truth.csv text (header line first, columns found by name). `name` is
/// used in errors ("NAME:LINE: column X: ...").
core::Result<std::vector<GroundTruthFlow>> ParseGroundTruth(const std::string& text,
                                                            const std::string& name);

/// @brief nat_events.csv text: the header, then the rows.
std::string FormatNatEvents(const std::vector<NatEventRow>& rows);
/// @brief Parses nat_events.csv text (header line optional).
core::Result<std::vector<NatEventRow>> ParseNatEvents(const std::string& text,
                                                      const std::string& name);

/// @brief firewall.log text: one line a drop, "time_ns,node,deny,rule,protocol,src_ip,src_port,
/// dst_ip,dst_port", no header.
std::string FormatFirewallLog(const std::vector<FirewallDropRow>& rows);

}  // namespace vantage::model
