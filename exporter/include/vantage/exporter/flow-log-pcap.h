// A cloud provider's flow log from a pcap file: every IP packet of the capture metered by
// FlowLogMeter as if the capture were one provider interface (an ENI, a VM NIC). A standalone
// tool for exporter and collector developers: `vantage export -r IN.pcap --flow-log aws-vpc`.
//
//   FlowLogPcapOptions o;
//   o.settings = wire::flowlog::Settings::Defaults(wire::flowlog::Provider::kAws);
//   o.interfaceAddress = *core::IpAddress::Parse("10.0.1.5");   // ingress/egress by address
//   auto res = MeterPcapFlowLog("in.pcap", o);
//   std::string text = wire::flowlog::WriteFile(wire::flowlog::FileFormat::kAwsVpc,
//                                               o.settings, res->records);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"
#include "vantage/exporter/flow-log-meter.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::exporter {

struct FlowLogPcapOptions {
  wire::flowlog::Settings settings;
  uint64_t seed = 1;  ///< Google Cloud's record sampling
  std::string interfaceId = "eni-0123456789abcdef0";
  /// The interface's address: packets from it are egress, to it ingress (AWS then also puts
  /// other source or destination addresses into pkt-srcaddr / pkt-dstaddr). Unset: every
  /// packet is egress from its source's point of view and no address is replaced.
  std::optional<core::IpAddress> interfaceAddress;
};

struct FlowLogPcapResult {
  std::vector<wire::flowlog::FlowLogRecord> records;
  FlowLogMeterStats stats;
  uint64_t frames = 0;       ///< records read from the pcap
  uint64_t notIp = 0;        ///< frames without an IP packet (ARP, ...), skipped
  uint64_t undecodable = 0;  ///< frames whose IP header could not be read, skipped
};

/// @brief Meters every packet of `pcapPath` into the provider's records. Errors name the file
/// (cannot open, bad record at an offset).
core::Result<FlowLogPcapResult> MeterPcapFlowLog(const std::string& pcapPath,
                                                 const FlowLogPcapOptions& options);

}  // namespace vantage::exporter
