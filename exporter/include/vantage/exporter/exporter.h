// The flow exporter: packets in (pcap file, live interface or simulator), flow records out
// (IPFIX, NetFlow v9 or v5 over UDP, TCP, IPFIX file or a callback), driven by the packet
// clock so the same input always gives byte-identical output.
//
//   ExporterConfig cfg;
//   cfg.destinations.push_back({Destination::Kind::kFile, "", 0, "flows.ipfix", {}});
//   Exporter exp(cfg);
//   if (auto st = exp.Start(); !st) { ... st.GetError().message ... }
//   exp.OnPacket(ts, LinkType::kEthernet, data, capLen, wireLen);
//   exp.Finish();                       // end of input: every flow exported
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vantage/core/anomaly.h"
#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/core/time.h"
#include "vantage/wire/link-type.h"
#include "vantage/wire/packet-decoder.h"

namespace vantage::exporter {

// Link types belong to the shared packet decoder (vantage::wire); the exporter's API names them.
using wire::LinkType;
using wire::LinkTypeFromDlt;
using wire::LinkTypeName;
using wire::LinkTypeToDlt;

enum class ExportFormat { kIpfix, kNetflowV9, kNetflowV5 };
const char* ExportFormatName(ExportFormat format);

/// @brief Which packet fields make up the flow key.
struct FlowKeyConfig {
  bool ingressInterface = true;
  bool tos = true;
  bool vlan = false;
  bool biflow = false;  ///< RFC 5103: both directions in one record (IPFIX only)
};

struct CacheConfig {
  size_t capacity = 65536;
  core::Duration activeTimeout = core::Duration::Seconds(1800);
  core::Duration inactiveTimeout = core::Duration::Seconds(15);
};

/// @brief Non-first fragments go to their first fragment's flow (see fragment-table.h).
struct FragmentConfig {
  size_t capacity = 4096;                                ///< datagrams remembered
  core::Duration timeout = core::Duration::Seconds(30);  ///< after the first fragment
};

struct SamplingConfig {
  enum class Mode { kNone, kCount, kRandom } mode = Mode::kNone;
  uint32_t interval = 1;  ///< 1-in-N
  uint64_t seed = 1;      ///< for kRandom
};

/// @brief Where export goes; an exporter may have several at once.
struct Destination {
  enum class Kind { kUdp, kTcp, kFile, kCallback } kind = Kind::kUdp;
  std::string host;   ///< kUdp / kTcp: numeric IPv4/IPv6 address or host name
  uint16_t port = 0;  ///< kUdp / kTcp
  std::string path;   ///< kFile (IPFIX file, RFC 5655; for v9/v5 a raw sequence of packets)
  /// kCallback: called with each export message (the simulator sends it over ns-3 UDP).
  std::function<void(const std::vector<uint8_t>&)> callback;
};

struct ExporterConfig {
  FlowKeyConfig key;
  CacheConfig cache;
  SamplingConfig sampling;
  FragmentConfig fragments;
  /// kInner: GRE, VXLAN, IP-in-IP, IPv6-in-IPv4 and GTP-U are opened and the innermost
  /// packet is metered (outer endpoints exported in enterprise IEs); kOuter: as routers do.
  wire::TunnelMode tunnels = wire::TunnelMode::kOuter;
  ExportFormat format = ExportFormat::kIpfix;
  std::vector<Destination> destinations;
  uint32_t observationDomain = 1;
  size_t mtu = 1500;  ///< UDP messages fit in mtu - IP - UDP headers
  /// UDP pacing in messages per second (wall clock); 0 = unpaced. The default keeps nfcapd
  /// on loopback (4 MiB socket buffer) from losing anything.
  double udpRateLimitPps = 20000;
  core::Duration templateRefresh = core::Duration::Seconds(600);  ///< UDP, by packet clock
  uint32_t templateRefreshMessages = 100;                         ///< UDP, by message count
  bool exportMacs = false;
  std::string asTablePath;   ///< optional "prefix,asn" CSV for source/destination AS
  bool nanoseconds = false;  ///< IPFIX: flowStart/EndNanoseconds instead of milliseconds
  /// Warnings that do not stop export (e.g. a TCP collector not yet reachable: retried). The
  /// library never prints; the caller shows them. Null: counted in anomalies only.
  std::function<void(const std::string&)> warning;
};

struct ExporterStats {
  uint64_t packets = 0;             ///< packets seen (before sampling)
  uint64_t octets = 0;              ///< IP-layer octets of packets seen
  uint64_t flowsExported = 0;       ///< flow records handed to the export formatter
  uint64_t flowsNotExportable = 0;  ///< e.g. IPv6 flows with NetFlow v5
  uint64_t messages = 0;            ///< export messages produced (first destination's count)
  uint64_t exportOctets = 0;
  uint64_t evictedCacheFull = 0;
  uint64_t sampledOut = 0;
  uint64_t decodeErrors = 0;     ///< packets without a usable IP header
  uint64_t nonIp = 0;            ///< packets that are not IP (ARP, ...)
  uint64_t peakActiveFlows = 0;  ///< most flows in the cache at once
  core::AnomalyCounters anomalies;
};

/// @brief Meters packets into flows and exports them.
class Exporter {
 public:
  explicit Exporter(ExporterConfig config);
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;
  Exporter(Exporter&&) noexcept;
  Exporter& operator=(Exporter&&) noexcept;

  /// @brief Opens destinations and reads the AS table; an error names what failed.
  core::Status Start();
  /// @brief One packet; data starts at the link-layer header for `link`, capLen bytes present,
  /// wireLen bytes on the wire; timestamps drive expiry (packet clock).
  void OnPacket(core::Timestamp ts, LinkType link, const uint8_t* data, size_t capLen,
                size_t wireLen, uint32_t ingressIf = 0, uint32_t egressIf = 0);
  /// @brief Expires idle/active flows up to `now` without a packet.
  void Advance(core::Timestamp now);
  /// @brief End of input: expires every flow (forcedEnd) and flushes export. Idempotent.
  void Finish();
  const ExporterStats& Stats() const;
  size_t ActiveFlows() const;
  /// @brief Observer of every expired record (before export), e.g. for goldens and the
  /// simulator's ground truth. Set before the first packet.
  void SetRecordObserver(std::function<void(const core::FlowRecord&)> observer);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace vantage::exporter
