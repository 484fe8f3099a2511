// The reference model: from the packets seen at a point and an exporter's declaration, the
// records a correct exporter with those settings must emit.
//
// It is written apart from the exporter's flow cache on purpose: an oracle that shares the
// code under test cannot catch that code's bugs. It keeps one plain map from flow key to the
// record being built, and two ordered indexes (last seen, first seen) so the expiry rules read
// as they are stated in docs/conformance.md:
//   - idle:   a packet at clock t ends every record whose last packet is older than
//             t - inactive_timeout (strictly), before the packet is counted;
//   - active: likewise every record whose first packet is older than t - active_timeout;
//   - TCP:    with tcp_end immediate, a packet with FIN or RST is its record's last packet;
//   - cache:  a packet of a new flow when cache.size flows are held ends the least recently
//             seen one first (lack of resources);
//   - end of input ends every record still held (forced end).
// The clock is the packet clock: the latest packet time seen so far (it never goes back).
// Records are unsampled; the scorer applies the declared sampling's statistical bound.
//
//   ReferenceModel model(decl);
//   model.OnPacket(ts, decoded, frameLength);
//   model.Finish();
//   for (const ExpectedRecord& e : model.Records()) ...
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vantage/conformance/declaration.h"
#include "vantage/core/anomaly.h"
#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/wire/packet-decoder.h"

namespace vantage::conformance {

/// @brief One record a correct exporter emits, with what the scorer needs beyond the record.
struct ExpectedRecord {
  core::FlowRecord record;   ///< key (tos = first packet's), counters, times, flags, end reason
  int64_t maxGapNs = 0;      ///< largest gap between two consecutive packets of the record
  uint64_t firstPacket = 0;  ///< 1-based index of its first packet in the input
};

/// @brief What the input held besides the records.
struct InputSummary {
  std::string name;
  uint64_t packets = 0;    ///< every packet read
  uint64_t ipPackets = 0;  ///< packets metered
  uint64_t nonIp = 0;      ///< valid frames without IP (ARP, ...)
  uint64_t invalid = 0;    ///< no usable IP header
  uint64_t backwards = 0;  ///< packets earlier than the packet clock
  uint64_t truncated = 0;  ///< captured length below the wire length
  core::AnomalyCounters anomalies;
};

struct ExpectedSet {
  std::vector<ExpectedRecord> records;
  InputSummary input;
};

class ReferenceModel {
 public:
  explicit ReferenceModel(Declaration declaration);
  ~ReferenceModel();
  ReferenceModel(const ReferenceModel&) = delete;
  ReferenceModel& operator=(const ReferenceModel&) = delete;

  /// @brief Accounts one decoded IP packet; `frameLength` is the wire length of the frame
  /// (used when the declaration counts frame octets).
  void OnPacket(core::Timestamp ts, const wire::DecodedPacket& packet, uint64_t frameLength);
  /// @brief Moves the clock without a packet (a non-IP frame still advances time).
  void Advance(core::Timestamp ts);
  /// @brief End of input: every record still held ends (forced end).
  void Finish();
  /// @brief Records in the order they ended.
  const std::vector<ExpectedRecord>& Records() const;
  std::vector<ExpectedRecord> TakeRecords();
  /// @brief Flows held now.
  size_t Held() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// @brief Reads a pcap file, decodes every packet with the exporter's decoder and runs the
/// reference model. Errors name the file (and the offset of a bad record; records before it
/// are kept and the error is returned in `partial`).
core::Result<ExpectedSet> ComputeExpected(const std::string& pcapPath,
                                          const Declaration& declaration,
                                          std::string* partial = nullptr);

}  // namespace vantage::conformance
