// NetFlow v5 encode and decode: a 24-byte header and up to 30 fixed 48-byte IPv4 records.
// Times in records are sysUpTime milliseconds; the header's unix time and sysUpTime convert
// them. The sequence number counts flows sent before the packet.
//
//   v5::Header h{.unixSeconds = t, .sysUpTimeMs = up, .sequence = seq};
//   auto pkt = v5::Encode(h, records);        // records.size() <= 30, IPv4 only
//   std::vector<FlowRecord> out; v5::Header got;
//   auto st = v5::Decode(reader, got, out);
#pragma once

#include <cstdint>
#include <vector>

#include "vantage/core/anomaly.h"
#include "vantage/core/byte-reader.h"
#include "vantage/core/flow.h"
#include "vantage/core/result.h"

namespace vantage::wire::v5 {

inline constexpr uint16_t kVersion = 5;
inline constexpr size_t kHeaderLength = 24;
inline constexpr size_t kRecordLength = 48;
inline constexpr size_t kMaxRecords = 30;

struct Header {
  uint16_t count = 0;
  uint32_t sysUpTimeMs = 0;
  uint32_t unixSeconds = 0;
  uint32_t unixNanos = 0;
  uint32_t sequence = 0;  ///< flows seen before this packet
  uint8_t engineType = 0;
  uint8_t engineId = 0;
  uint16_t samplingInterval = 0;  ///< low 14 bits: interval; high 2: mode
};

/// @brief Encodes one packet. Fails if more than 30 records or a record is not IPv4.
core::Result<std::vector<uint8_t>> Encode(const Header& header,
                                          const std::vector<core::FlowRecord>& records);
/// @brief Decodes one packet, appending its records. Errors name the offset.
core::Status Decode(core::ByteReader packet, Header& header, std::vector<core::FlowRecord>& out,
                    core::AnomalyCounters* anomalies = nullptr);

}  // namespace vantage::wire::v5
