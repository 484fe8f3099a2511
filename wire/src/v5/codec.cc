// NetFlow v5: 24-byte header and up to 30 fixed 48-byte IPv4 flow records (Cisco's published
// format; there is no RFC).
#include "vantage/wire/v5/codec.h"

#include <algorithm>
#include <string>

namespace vantage::wire::v5 {
namespace {

std::string Str(size_t v) {
  return std::to_string(v);
}

uint32_t Sat32(uint64_t v) {
  return v > 0xffffffffULL ? 0xffffffffU : static_cast<uint32_t>(v);
}

}  // namespace

core::Result<std::vector<uint8_t>> Encode(const Header& header,
                                          const std::vector<core::FlowRecord>& records) {
  if (records.size() > kMaxRecords) {
    return core::MakeError(core::ErrorCode::kLimit, "NetFlow v5 packet holds at most 30 records, " +
                                                        Str(records.size()) + " given");
  }
  std::vector<uint8_t> out;
  out.reserve(kHeaderLength + kRecordLength * records.size());
  core::ByteWriter w(out);
  w.WriteU16(kVersion);
  w.WriteU16(static_cast<uint16_t>(records.size()));
  w.WriteU32(header.sysUpTimeMs);
  w.WriteU32(header.unixSeconds);
  w.WriteU32(header.unixNanos);
  w.WriteU32(header.sequence);
  w.WriteU8(header.engineType);
  w.WriteU8(header.engineId);
  w.WriteU16(header.samplingInterval);
  const int64_t exportNs = static_cast<int64_t>(header.unixSeconds) * 1000000000 + header.unixNanos;
  auto upTime = [&](core::Timestamp t) {
    // Milliseconds before the export time, subtracted from the header's sysUpTime.
    // Wrapping arithmetic: an absurd time gives an absurd field, never undefined behaviour.
    const int64_t beforeMs =
        static_cast<int64_t>(static_cast<uint64_t>(exportNs) - static_cast<uint64_t>(t.ns)) /
        1000000;
    return static_cast<uint32_t>(header.sysUpTimeMs - static_cast<uint64_t>(beforeMs));
  };
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (!r.key.src.IsV4() || !r.key.dst.IsV4()) {
      return core::MakeError(core::ErrorCode::kUnsupported,
                             "NetFlow v5 record " + Str(i) + " is not IPv4: " + r.key.ToString());
    }
    w.WriteU32(r.key.src.V4Value());
    w.WriteU32(r.key.dst.V4Value());
    w.WriteU32(r.nextHop.V4Value());
    w.WriteU16(static_cast<uint16_t>(std::min<uint32_t>(r.key.ingressInterface, 0xffff)));
    w.WriteU16(static_cast<uint16_t>(std::min<uint32_t>(r.egressInterface, 0xffff)));
    w.WriteU32(Sat32(r.packets));
    w.WriteU32(Sat32(r.octets));
    w.WriteU32(upTime(r.start));
    w.WriteU32(upTime(r.end));
    uint16_t dstPort = r.key.dstPort;
    if ((r.key.protocol == 1 || r.key.protocol == 58) && (r.icmpType != 0 || r.icmpCode != 0)) {
      dstPort = static_cast<uint16_t>(r.icmpType << 8 | r.icmpCode);
    }
    w.WriteU16(r.key.srcPort);
    w.WriteU16(dstPort);
    w.WriteU8(0);
    w.WriteU8(r.tcpFlags);
    w.WriteU8(r.key.protocol);
    w.WriteU8(r.key.tos);
    w.WriteU16(static_cast<uint16_t>(std::min<uint32_t>(r.srcAs, 0xffff)));
    w.WriteU16(static_cast<uint16_t>(std::min<uint32_t>(r.dstAs, 0xffff)));
    w.WriteU8(0);  // src mask
    w.WriteU8(0);  // dst mask
    w.WriteU16(0);
  }
  return out;
}

// The fields of one 48-byte record (the caller has checked its length). `first` and `last`
// are its sysUpTime stamps, for the caller to turn into times.
static core::FlowRecord ReadRecord(core::ByteReader& rec, uint32_t& first, uint32_t& last) {
  core::FlowRecord r;
  uint32_t src = 0, dst = 0, nextHop = 0, pkts = 0, octets = 0;
  uint16_t in = 0, outIf = 0, srcAs = 0, dstAs = 0;
  uint8_t pad = 0, srcMask = 0, dstMask = 0;
  (void)rec.ReadU32(src);
  (void)rec.ReadU32(dst);
  (void)rec.ReadU32(nextHop);
  (void)rec.ReadU16(in);
  (void)rec.ReadU16(outIf);
  (void)rec.ReadU32(pkts);
  (void)rec.ReadU32(octets);
  (void)rec.ReadU32(first);
  (void)rec.ReadU32(last);
  (void)rec.ReadU16(r.key.srcPort);
  (void)rec.ReadU16(r.key.dstPort);
  (void)rec.ReadU8(pad);
  (void)rec.ReadU8(r.tcpFlags);
  (void)rec.ReadU8(r.key.protocol);
  (void)rec.ReadU8(r.key.tos);
  (void)rec.ReadU16(srcAs);
  (void)rec.ReadU16(dstAs);
  (void)rec.ReadU8(srcMask);
  (void)rec.ReadU8(dstMask);
  r.key.src = core::IpAddress::V4(src);
  r.key.dst = core::IpAddress::V4(dst);
  if (nextHop != 0) r.nextHop = core::IpAddress::V4(nextHop);
  r.key.ingressInterface = in;
  r.egressInterface = outIf;
  r.packets = pkts;
  r.octets = octets;
  r.srcAs = srcAs;
  r.dstAs = dstAs;
  if (r.key.protocol == 1) {
    r.icmpType = static_cast<uint8_t>(r.key.dstPort >> 8);
    r.icmpCode = static_cast<uint8_t>(r.key.dstPort & 0xff);
  }
  return r;
}

core::Status Decode(core::ByteReader packet, Header& header, std::vector<core::FlowRecord>& out,
                    core::AnomalyCounters* anomalies) {
  auto count = [anomalies](const char* name) {
    if (anomalies != nullptr) anomalies->Count(name);
  };
  const size_t start = packet.Offset();
  if (packet.Remaining() < kHeaderLength) {
    count("v5.truncated");
    return packet.Need(kHeaderLength, "NetFlow v5 header");
  }
  uint16_t version = 0;
  (void)packet.ReadU16(version);
  if (version != kVersion) {
    count("v5.bad_version");
    return core::MakeError(
        core::ErrorCode::kUnsupported,
        "NetFlow version: expected 5, found " + Str(version) + " at offset " + Str(start), start);
  }
  (void)packet.ReadU16(header.count);
  (void)packet.ReadU32(header.sysUpTimeMs);
  (void)packet.ReadU32(header.unixSeconds);
  (void)packet.ReadU32(header.unixNanos);
  (void)packet.ReadU32(header.sequence);
  (void)packet.ReadU8(header.engineType);
  (void)packet.ReadU8(header.engineId);
  (void)packet.ReadU16(header.samplingInterval);
  if (header.count == 0 || header.count > kMaxRecords) {
    count("v5.bad_count");
    return core::MakeError(
        core::ErrorCode::kInvalid,
        "NetFlow v5 count " + Str(header.count) + " not in 1..30 at offset " + Str(start + 2),
        start + 2);
  }
  const int64_t exportNs = static_cast<int64_t>(header.unixSeconds) * 1000000000 + header.unixNanos;
  auto toTime = [&](uint32_t up) {
    // Signed: a time slightly after the header's sysUpTime is not a 49-day wrap.
    const int64_t beforeMs = static_cast<int32_t>(header.sysUpTimeMs - up);
    return core::Timestamp::FromNanos(exportNs - beforeMs * 1000000);
  };
  const uint32_t sampling = header.samplingInterval & 0x3fff;
  for (size_t i = 0; i < header.count; ++i) {
    core::ByteReader rec;
    if (!packet.Sub(kRecordLength, rec)) {
      count("v5.truncated");
      return packet.Need(kRecordLength,
                         ("NetFlow v5 record " + Str(i) + " of " + Str(header.count)).c_str());
    }
    uint32_t first = 0, last = 0;
    core::FlowRecord r = ReadRecord(rec, first, last);
    r.start = toTime(first);
    r.end = toTime(last);
    r.samplingInterval = sampling;
    if (first > last && static_cast<int32_t>(last - first) < 0) count("v5.end_before_start");
    out.push_back(r);
  }
  if (!packet.Empty()) count("v5.trailing_bytes");
  return {};
}

}  // namespace vantage::wire::v5
