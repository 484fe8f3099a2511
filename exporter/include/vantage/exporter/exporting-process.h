// The Exporting Process (RFC 7011 terms): formats expired flow records as IPFIX, NetFlow v9
// or v5 messages and sends them to every destination (UDP, TCP, IPFIX file, callback).
//
//   ExportingProcess ep(config);
//   if (auto st = ep.Open(); !st) ...
//   ep.Export(record, packetClockNow);
//   ep.Finish(now, stats);   // statistics options record, flush, close
//
// UDP: messages within mtu - 48 bytes, templates resent every templateRefreshMessages
// messages or templateRefresh of packet time (RFC 7011 section 8.4), paced at
// udpRateLimitPps messages per second of wall time. TCP: templates once per connection,
// reconnect with exponential backoff (1 s .. 32 s); messages while disconnected are dropped
// and counted ("export.tcp_dropped_message").
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vantage/core/anomaly.h"
#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/core/time.h"
#include "vantage/exporter/exporter.h"
#include "vantage/wire/flow-codec.h"

namespace vantage::exporter {

/// Template ids Vantage uses.
inline constexpr uint16_t kTemplateFlowV4 = 256;
inline constexpr uint16_t kTemplateFlowV6 = 257;
inline constexpr uint16_t kTemplateSampling = 258;
inline constexpr uint16_t kTemplateStatistics = 259;
/// Flows with MPLS labels or tunnel endpoints: 260 + inner IPv6 + 2 * tunnel family (none,
/// IPv4, IPv6) + 6 * MPLS labels (0-10), up to 325; sent when first needed.
inline constexpr uint16_t kTemplateFlowEncapFirst = 260;

/// @brief Counters reported in the exporting-process statistics options record.
struct ExportCounters {
  uint64_t ignoredPackets = 0;  ///< not metered: decode errors, non-IP
  uint64_t notSentFlows = 0;    ///< flows that the format cannot carry
  uint64_t observedPackets = 0;
  uint64_t selectedPackets = 0;
};

class ExportingProcess {
 public:
  explicit ExportingProcess(const ExporterConfig& config);
  ~ExportingProcess();
  ExportingProcess(const ExportingProcess&) = delete;
  ExportingProcess& operator=(const ExportingProcess&) = delete;

  /// @brief Opens every destination. An error names the destination.
  core::Status Open();
  /// @brief Exports one record; `now` is the packet clock (export time, template refresh).
  /// Returns false if the format cannot carry it (IPv6 in NetFlow v5).
  bool Export(const core::FlowRecord& record, core::Timestamp now);
  /// @brief The exporter's "boot" time for NetFlow sysUpTime (the first packet's time); if
  /// never set, the first exported record's start is used.
  void SetSystemInitTime(core::Timestamp t);
  /// @brief Flushes partly filled messages if `now` is 1 s of packet time past the last one.
  void Tick(core::Timestamp now);
  /// @brief Sends the statistics options record, flushes everything and closes. Idempotent.
  void Finish(core::Timestamp now, const ExportCounters& counters);

  uint64_t Messages() const;    ///< messages produced for the first destination
  uint64_t OctetsSent() const;  ///< bytes of those messages
  const core::AnomalyCounters& Anomalies() const { return m_anomalies; }

 private:
  struct Channel;
  void SetClock(Channel& ch, core::Timestamp now);
  void MaybeRefresh(Channel& ch, core::Timestamp now);
  void SendSamplingRecord(Channel& ch);
  core::Status OpenChannel(const Destination& d, const std::vector<wire::Template>& templates,
                           size_t maxMessage);
  void Deliver(Channel& ch, std::vector<uint8_t> message);
  static uint16_t EncapTemplateId(const core::FlowRecord& r);
  void AddEncapTemplate(Channel& ch, uint16_t tid, const core::FlowRecord& r);

  ExporterConfig m_config;
  wire::FlowTemplateOptions m_flowOptions;  ///< of the plain flow templates
  std::vector<std::unique_ptr<Channel>> m_channels;
  core::AnomalyCounters m_anomalies;
  bool m_haveBoot = false;
  core::Timestamp m_boot;
  core::Timestamp m_lastFlush;
  bool m_finished = false;
};

}  // namespace vantage::exporter
