// Flow records as the detectors see them: a compact copy of each record (FlowSet), and
// connections assembled from records (both directions of a uniflow pair and the pieces an
// active timeout cut are merged into one Connection, oriented client -> server).
//
//   FlowSet set = FlowSet::FromRecords(records, "edge-fw");
//   std::vector<Connection> conns = BuildConnections(set);
//   for (const auto& c : conns) if (c.Failed()) ...
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/core/flow.h"
#include "vantage/core/ip-address.h"

namespace vantage::detect {

/// @brief One flow record, reduced to the fields the detectors use.
struct Flow {
  int64_t startNs = 0, endNs = 0;
  core::IpAddress src, dst;
  uint16_t srcPort = 0, dstPort = 0;
  uint8_t protocol = 0;
  uint8_t tcpFlags = 0;
  uint64_t packets = 0, octets = 0;
  uint64_t revPackets = 0, revOctets = 0;  ///< RFC 5103 biflow reverse counters
  uint32_t sampling = 1;                   ///< 1-in-N that applied (1 = unsampled)
  uint64_t ref = 0;                        ///< where it came from: store rowid or record index
  uint32_t source = 0;                     ///< index into FlowSet::sources
};

/// @brief The records of one detection run, from a store or from IPFIX files.
struct FlowSet {
  std::vector<Flow> flows;
  std::vector<std::string> sources;  ///< store path or point name, per Flow::source
  int64_t firstNs = 0, lastNs = 0;   ///< span of the records (0 when empty)

  /// @brief Appends records (sampling from each record's samplingInterval, or `sampling` when
  /// the record does not say; refs are indices within `records`).
  void Add(const std::vector<core::FlowRecord>& records, const std::string& source,
           uint32_t sampling = 1);
  /// @brief Recomputes firstNs/lastNs.
  void UpdateSpan();
  /// @brief Largest sampling interval of any record (1 = all unsampled).
  uint32_t MaxSampling() const;
};

/// @brief TCP flag bits (RFC 9293).
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;

/// @brief A transport conversation, client (initiator) to server, from one or more records.
struct Connection {
  core::IpAddress client, server;
  uint16_t clientPort = 0, serverPort = 0;
  uint8_t protocol = 0;
  int64_t startNs = 0, endNs = 0;
  /// Client -> server and server -> client counters, scaled by the sampling interval.
  double packetsOut = 0, bytesOut = 0, packetsIn = 0, bytesIn = 0;
  uint8_t flagsOut = 0, flagsIn = 0;
  uint32_t sampling = 1;
  bool clientInternal = false, serverInternal = false;  ///< set by ClassifyConnections
  std::vector<uint32_t> flows;                          ///< indices into FlowSet::flows

  double DurationS() const { return static_cast<double>(endNs - startNs) / 1e9; }
  /// @brief A connection attempt that got nowhere: no answer, a reset, or a bare handshake
  /// (the "failed" connections of Zeek's scan policy).
  bool Failed() const;
};

/// @brief Which side of a record is the server: the lower port (ties: the destination);
/// ICMP echo replies are answers. True when the record runs server -> client.
bool IsResponse(const Flow& f);

/// @brief Assembles connections: records with the same oriented 5-tuple whose times lie within
/// `gapNs` of each other are one connection. Sorted by start time.
std::vector<Connection> BuildConnections(const FlowSet& set, int64_t gapNs = 30'000'000'000);

}  // namespace vantage::detect
