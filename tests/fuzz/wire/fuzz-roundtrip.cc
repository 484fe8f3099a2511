// Fuzz target: records built from the input bytes, encoded with the IPFIX (or, for sysUpTime
// templates, NetFlow v9) writer and decoded by the session must come back unchanged.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vantage/wire/ipfix/message-reader.h"
#include "vantage/wire/ipfix/message-writer.h"
#include "vantage/wire/v9/message-reader.h"
#include "vantage/wire/v9/message-writer.h"

namespace {

using namespace vantage;

class Bytes {
 public:
  Bytes(const uint8_t* d, size_t n) : m_d(d), m_n(n) {}
  uint64_t Take(size_t width) {
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = v << 8 | (m_pos < m_n ? m_d[m_pos++] : 0);
    return v;
  }

 private:
  const uint8_t* m_d;
  size_t m_n;
  size_t m_pos = 0;
};

core::IpAddress Addr(Bytes& in, bool v6) {
  if (!v6) return core::IpAddress::V4(static_cast<uint32_t>(in.Take(4)));
  uint8_t b[16];
  for (auto& x : b) x = static_cast<uint8_t>(in.Take(1));
  return core::IpAddress::V6Bytes(b);
}

core::FlowRecord Make(Bytes& in, const wire::FlowTemplateOptions& o, uint32_t exportTime) {
  core::FlowRecord r;
  r.key.src = Addr(in, o.ipv6);
  r.key.dst = Addr(in, o.ipv6);
  r.key.protocol = static_cast<uint8_t>(in.Take(1));
  if (r.key.protocol == 1 || r.key.protocol == 58) {
    r.icmpType = static_cast<uint8_t>(in.Take(1));
    r.icmpCode = static_cast<uint8_t>(in.Take(1));
    r.key.dstPort = static_cast<uint16_t>(r.icmpType << 8 | r.icmpCode);
  } else {
    r.key.dstPort = static_cast<uint16_t>(in.Take(2));
  }
  r.key.srcPort = static_cast<uint16_t>(in.Take(2));
  r.key.tos = static_cast<uint8_t>(in.Take(1));
  r.key.ingressInterface = static_cast<uint32_t>(in.Take(4));
  r.egressInterface = static_cast<uint32_t>(in.Take(4));
  r.tcpFlags = static_cast<uint8_t>(in.Take(1));
  r.packets = in.Take(8);
  r.octets = in.Take(8);
  if (o.sysUpTime) {
    const int64_t before = static_cast<int64_t>(in.Take(4) % 2000000000u);
    r.start = core::Timestamp::FromMillis(int64_t{exportTime} * 1000 - before);
    r.end = r.start + core::Duration::Millis(static_cast<int64_t>(in.Take(2)));
  } else {
    // Within the first NTP era (to 2036): the micro/nanosecond forms cannot go further.
    int64_t ns = static_cast<int64_t>(in.Take(8) % 2000000000000000000ULL);
    int64_t dur = static_cast<int64_t>(in.Take(4));
    if (!o.nanoseconds) {
      ns = ns / 1000000 * 1000000;
      dur *= 1000000;
    }
    r.start = core::Timestamp::FromNanos(ns);
    r.end = r.start + core::Duration::Nanos(dur);
  }
  r.minTtl = static_cast<uint8_t>(in.Take(1));
  r.maxTtl = static_cast<uint8_t>(in.Take(1));
  r.nextHop = Addr(in, o.ipv6);
  if (o.asNumbers) {
    r.srcAs = static_cast<uint32_t>(in.Take(4));
    r.dstAs = static_cast<uint32_t>(in.Take(4));
  }
  if (o.endReason) r.endReason = static_cast<core::FlowEndReason>(in.Take(1));
  if (o.vlan) r.key.vlan = static_cast<uint16_t>(in.Take(2) & 0x0fff);
  if (o.macs) {
    for (auto& b : r.srcMac) b = static_cast<uint8_t>(in.Take(1));
    for (auto& b : r.dstMac) b = static_cast<uint8_t>(in.Take(1));
  }
  if (o.nat) {
    r.postNatSrc = Addr(in, o.ipv6);
    r.postNatDst = Addr(in, o.ipv6);
    r.postNatSrcPort = static_cast<uint16_t>(in.Take(2));
    r.postNatDstPort = static_cast<uint16_t>(in.Take(2));
    r.natEvent = static_cast<core::NatEvent>(in.Take(1));
  }
  if (o.sampling) r.samplingInterval = static_cast<uint32_t>(in.Take(4));
  if (o.biflow) {
    r.reversePackets = in.Take(8);
    r.reverseOctets = in.Take(8);
  }
  return r;
}

class Collect : public wire::MessageHandler {
 public:
  void OnDataRecord(const wire::MessageInfo& info, const wire::Template& tmpl,
                    core::ByteReader record) override {
    wire::TimeContext ctx{info.exportTime, info.sysUpTimeMs, 0};
    core::FlowRecord r;
    if (!wire::DecodeFlowRecord(tmpl, record, ctx, r)) __builtin_trap();
    flows.push_back(r);
  }
  std::vector<core::FlowRecord> flows;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes in(data, size);
  const uint64_t mask = in.Take(2);
  wire::FlowTemplateOptions o;
  o.ipv6 = mask & 1;
  o.biflow = mask & 2;
  o.vlan = mask & 4;
  o.macs = mask & 8;
  o.nat = mask & 16;
  o.asNumbers = mask & 32;
  o.nanoseconds = mask & 64;
  o.sysUpTime = mask & 128;
  o.sampling = mask & 256;
  o.endReason = mask & 512;
  if (o.sysUpTime) {
    o.biflow = false;  // v9 carries no enterprise elements
    o.nanoseconds = false;
  }
  const size_t count = 1 + in.Take(1) % 40;
  const uint32_t exportTime = 1700000000;
  const size_t maxSize = 256 + in.Take(2) % 1300;
  std::vector<core::FlowRecord> sent;
  std::vector<std::vector<uint8_t>> msgs;
  auto sink = [&](std::vector<uint8_t> m) { msgs.push_back(std::move(m)); };
  Collect got;
  if (o.sysUpTime) {
    wire::v9::MessageWriter w({1, maxSize}, sink);
    w.SetClock(exportTime, static_cast<uint32_t>(in.Take(4)));
    if (!w.AddTemplate(wire::MakeFlowTemplate(256, o))) __builtin_trap();
    for (size_t i = 0; i < count; ++i) {
      sent.push_back(Make(in, o, exportTime));
      if (!w.AddFlowRecord(256, sent.back())) __builtin_trap();
    }
    w.Flush();
    wire::v9::Session s;
    for (const auto& m : msgs) {
      if (m.size() > maxSize || !s.Decode(core::ByteReader(m), got)) __builtin_trap();
    }
  } else {
    wire::ipfix::WriterConfig cfg;
    cfg.observationDomain = 1;
    cfg.maxMessageSize = maxSize;
    cfg.padSets = (mask & 1024) != 0;
    wire::ipfix::MessageWriter w(cfg, sink);
    w.SetExportTime(exportTime);
    if (!w.AddTemplate(wire::MakeFlowTemplate(256, o))) __builtin_trap();
    for (size_t i = 0; i < count; ++i) {
      sent.push_back(Make(in, o, exportTime));
      if (!w.AddFlowRecord(256, sent.back())) __builtin_trap();
    }
    w.Flush();
    wire::ipfix::Session s;
    for (const auto& m : msgs) {
      if (m.size() > maxSize || !s.Decode(core::ByteReader(m), got)) __builtin_trap();
    }
  }
  if (got.flows.size() != sent.size()) __builtin_trap();
  for (size_t i = 0; i < sent.size(); ++i) {
    if (got.flows[i].ToCanonicalString() != sent[i].ToCanonicalString()) __builtin_trap();
  }
  return 0;
}
