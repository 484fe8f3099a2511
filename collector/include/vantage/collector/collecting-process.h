// The Collecting Process (RFC 7011 section 8): decodes NetFlow v5, v9 and IPFIX messages
// (version detected per datagram), keeps template state per Transport Session (exporter
// address + port for UDP, one per TCP connection) and observation domain, applies options
// templates (sampling, exporter statistics), holds data that arrives before its template for
// a bounded time and size, accounts sequence-number loss, and feeds a Store. Sampled packet
// headers (PSAMP) become flows; sampling rates come from the record or from the exporter's
// options data (per observation domain and sampler/selector id), even when the options arrive
// after the data; records without a flow key are counted, never stored as empty rows.
//
//   auto store = Store::Open("flows.sqlite");
//   CollectingProcess cp(store->get());
//   cp.OnDatagram(exporterAddr, exporterPort, data, size, now);
//   cp.Flush();
//   for (const auto& l : cp.Loss()) ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vantage/collector/store.h"
#include "vantage/core/anomaly.h"
#include "vantage/core/flow.h"
#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"
#include "vantage/core/time.h"

namespace vantage::collector {

/// @brief Collecting-process tuning.
struct CollectorConfig {
  /// UDP template lifetime (RFC 7011 section 8.4): templates not refreshed for this long are
  /// dropped. 0 keeps them forever.
  core::Duration templateLifetime = core::Duration::Seconds(1800);
  /// Data sets waiting for their template: kept at most this long ...
  core::Duration pendingMaxAge = core::Duration::Seconds(10);
  /// ... and at most this many bytes per transport session.
  size_t pendingMaxBytes = 1 << 20;
  /// Multiply packets and octets by the sampling interval the exporter announced.
  bool rescaleSampling = false;
  /// Transport sessions kept at once (oldest idle dropped beyond this).
  size_t maxSessions = 4096;
  /// Archive every received IPFIX message to files in this directory ("" = off).
  std::string archiveDir;
  /// Sampled records (packet headers, records naming a sampler) whose rate is not announced
  /// yet wait at most pendingMaxAge for the options data that gives it, and at most this many
  /// per transport session; then they are stored with the rate marked unknown.
  size_t heldSampledMaxRecords = 65536;
};

/// @brief Loss accounting of one exporter and observation domain (per transport session).
struct ExporterStats {
  core::IpAddress exporter;
  uint16_t port = 0;
  uint32_t observationDomain = 0;
  uint16_t version = 0;
  uint64_t messages = 0;
  uint64_t records = 0;
};

/// @brief Counters of everything the collecting process saw.
struct CollectorStats {
  uint64_t datagrams = 0;  ///< UDP datagrams and TCP/file messages
  uint64_t records = 0;    ///< flow records decoded
  uint64_t optionsRecords = 0;
  uint64_t templates = 0;  ///< template records received (incl. refreshes)
  uint64_t templatesWithdrawn = 0;
  uint64_t templatesExpired = 0;
  uint64_t malformed = 0;          ///< messages (or parts) that failed to decode
  uint64_t droppedNoTemplate = 0;  ///< data sets dropped: template never came in time
  uint64_t pendingReplayed = 0;    ///< held data sets decoded once their template came
  uint64_t storeErrors = 0;
  /// Records from which no flow key could be built: counted, not stored (the anomalies
  /// "collector.record_without_key{reason=...,exporter=...,domain=...,template=...}" say why).
  uint64_t recordsWithoutKey = 0;
  uint64_t heldForSamplingRate = 0;  ///< sampled records that waited for their rate
  uint64_t samplingRateUnknown = 0;  ///< sampled records stored without a known rate
  core::AnomalyCounters anomalies;
  std::vector<ExporterStats> exporters;  ///< filled by Stats()
};

/// @brief Decoding + template state + loss accounting; feeds a Store.
class CollectingProcess {
 public:
  /// @param store may be nullptr: decode only (records go to the callback).
  explicit CollectingProcess(Store* store, CollectorConfig cfg = {});
  ~CollectingProcess();
  CollectingProcess(const CollectingProcess&) = delete;
  CollectingProcess& operator=(const CollectingProcess&) = delete;

  /// @brief One datagram from exporter (address, port) received at `now`; version detected
  /// per datagram (5, 9, 10). Malformed input is counted, never thrown.
  void OnDatagram(const core::IpAddress& exporter, uint16_t port, const uint8_t* data, size_t size,
                  core::Timestamp now);
  /// @brief One IPFIX message of a TCP connection (connection id names the transport session).
  void OnStreamMessage(uint64_t connectionId, const core::IpAddress& exporter, uint16_t port,
                       const uint8_t* data, size_t size, core::Timestamp now);
  /// @brief A TCP connection closed: its templates go away.
  void OnStreamClosed(uint64_t connectionId);
  /// @brief An IPFIX file (RFC 5655): messages framed by their length field. Errors name the
  /// file and offset; records before the error are kept.
  core::Status ReadIpfixFile(const std::string& path);
  /// @brief IPFIX messages from a buffer (a file's or a TCP stream's bytes).
  core::Status ReadIpfixBytes(const uint8_t* data, size_t size, const std::string& name);
  /// @brief Expires held data and templates by `now`; call periodically.
  void Tick(core::Timestamp now);
  /// @brief Drops held data, commits the store, saves loss and anomalies into the store.
  void Flush();
  const CollectorStats& Stats() const;
  /// @brief Per exporter + observation domain: expected, received, lost.
  std::vector<LossReport> Loss() const;
  /// @brief Options seen per exporter + domain.
  std::vector<ExporterOptions> Options() const;
  /// @brief Templates currently known over all sessions.
  size_t TemplateCount() const;
  size_t SessionCount() const;
  /// @brief Called with every decoded flow (after enrichment of exporter/domain/sampling).
  void SetRecordCallback(std::function<void(const core::FlowRecord&)> cb);
  /// @brief The most recent decode or store error, for status lines ("" if none).
  const std::string& LastError() const;

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace vantage::collector
