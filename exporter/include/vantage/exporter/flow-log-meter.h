// A cloud provider's flow-log metering, as the provider does it: each packet an interface sends
// or receives is counted into its 5-tuple's record for the current aggregation window (windows
// aligned to the clock), TCP flags ORed; traffic the provider never logs is left out (AWS: the
// VPC DNS resolver, the instance metadata service 169.254.169.254, the time service
// 169.254.169.123, DHCP, ...); Google Cloud samples; a window in which an interface saw
// nothing gives AWS a NODATA record. Driven by packet time only: same packets, same records.
//
//   FlowLogMeter meter(wire::flowlog::Settings::Defaults(Provider::kAws), /*seed=*/1);
//   meter.OnPacket(packet);                        // decoded packet + what the cloud knows
//   meter.Advance(now);                            // closes windows that ended before `now`
//   std::vector<FlowLogRecord> all = meter.Finish(end);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/time.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::wire {
struct DecodedPacket;
}

namespace vantage::exporter {

/// @brief One packet at a flow-logged interface, with what the provider knows of it.
struct FlowLogPacket {
  core::Timestamp time;
  std::string interfaceId;  ///< the logged interface (ENI, VM NIC)
  wire::flowlog::Direction direction = wire::flowlog::Direction::kUnknown;
  core::IpAddress src, dst;  ///< as the interface sees them (after any NAT)
  uint16_t srcPort = 0, dstPort = 0;
  uint8_t protocol = 0;
  uint32_t ipBytes = 0;  ///< IP total length
  uint8_t tcpFlags = 0;
  /// The security group / firewall decision: kReject for a packet the cloud's rules dropped.
  wire::flowlog::Action action = wire::flowlog::Action::kAccept;
  /// The addresses in the packet before translation (AWS pkt-srcaddr/pkt-dstaddr); unset when
  /// no NAT or middlebox changed them.
  core::IpAddress pktSrc, pktDst;
  int trafficPath = 0;  ///< AWS v5: where egress traffic goes (1..8), 0 = unknown
};

/// @brief The FlowLogPacket of a decoded packet leaving (kEgress) or reaching (kIngress)
/// interface `interfaceId` whose address is `own` (unset: none known). For AWS the record
/// names the interface's own address on its side and keeps the packet's in pktSrc / pktDst
/// (a NAT gateway's interface forwards packets that are not its own). ICMP has no ports.
FlowLogPacket MakeFlowLogPacket(const wire::DecodedPacket& d, core::Timestamp time,
                                const std::string& interfaceId, wire::flowlog::Direction direction,
                                const core::IpAddress& own, wire::flowlog::Provider provider);

/// @brief Counters of what the meter saw, kept and left out.
struct FlowLogMeterStats {
  uint64_t packets = 0;            ///< offered
  uint64_t excludedPackets = 0;    ///< provider never logs them (DNS resolver, metadata, ...)
  uint64_t filteredPackets = 0;    ///< not in the configured traffic type (ACCEPT/REJECT)
  uint64_t records = 0;            ///< records produced
  uint64_t sampledOutRecords = 0;  ///< dropped by flow sampling (Google Cloud)
  uint64_t noDataRecords = 0;      ///< AWS NODATA
  uint64_t skipDataRecords = 0;    ///< AWS SKIPDATA (record limit reached)
  uint64_t latePackets = 0;        ///< older than a window already closed: counted in the next
};

class FlowLogMeter {
 public:
  FlowLogMeter(const wire::flowlog::Settings& settings, uint64_t seed);
  ~FlowLogMeter();
  FlowLogMeter(const FlowLogMeter&) = delete;
  FlowLogMeter& operator=(const FlowLogMeter&) = delete;

  /// @brief Declares an interface so windows without traffic produce NODATA (AWS).
  void AddInterface(const std::string& interfaceId);
  /// @brief AWS: the VPC's CIDR; its base + 2 is the Amazon DNS resolver, never logged.
  void SetVpc(const core::IpPrefix& vpcCidr);
  /// @brief AWS: a subnet of the VPC; its base + 1 is the default router's reserved
  /// address, never logged.
  void AddSubnet(const core::IpPrefix& subnet);
  /// @brief An address where the simulated network places a provider service the provider
  /// never logs (the VPC's DNS resolver standing in for AWS's VPC+2, Google's metadata
  /// server, Azure's 168.63.129.16).
  void AddProviderAddress(const core::IpAddress& address);
  /// @brief Records one interface may produce per window before the rest of its flows in
  /// that window are replaced by one SKIPDATA record (AWS's internal capacity); 0 = no limit.
  void SetRecordLimit(uint64_t perInterfacePerWindow);
  void OnPacket(const FlowLogPacket& packet);
  /// @brief Closes every window that ended at or before `now` (records become available).
  void Advance(core::Timestamp now);
  /// @brief Records closed since the last call, in a stable order (window, interface, tuple).
  std::vector<wire::flowlog::FlowLogRecord> TakeRecords();
  /// @brief End of input at `end`: closes every window and returns the remaining records.
  std::vector<wire::flowlog::FlowLogRecord> Finish(core::Timestamp end);
  const FlowLogMeterStats& Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace vantage::exporter
