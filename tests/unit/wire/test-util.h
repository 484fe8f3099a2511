// Helpers shared by the wire unit tests: a handler that records what a decoder reports,
// hex input, and random flow records for round trips.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "vantage/core/flow.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/message-handler.h"

namespace vantage::wire::test {

/// Records every callback; decodes flow records with DecodeFlowRecord.
class RecordingHandler : public MessageHandler {
 public:
  void OnMessage(const MessageInfo& info) override { messages.push_back(info); }
  void OnTemplate(const MessageInfo&, const Template& t) override { templates.push_back(t); }
  void OnTemplateWithdrawn(const MessageInfo&, uint16_t id) override { withdrawn.push_back(id); }
  void OnDataRecord(const MessageInfo& info, const Template& tmpl,
                    core::ByteReader record) override {
    rawRecords.emplace_back(record.Data(), record.Data() + record.Size());
    if (tmpl.IsOptions()) {
      auto v = DecodeGenericRecord(tmpl, record);
      if (v) options.push_back(*v);
      return;
    }
    TimeContext ctx;
    ctx.exportTimeSeconds = info.exportTime;
    ctx.sysUpTimeMs = info.sysUpTimeMs;
    core::FlowRecord r;
    auto st = DecodeFlowRecord(tmpl, record, ctx, r, &anomalies);
    if (st)
      flows.push_back(r);
    else
      errors.push_back(st.GetError().ToString());
  }
  void OnMissingTemplate(const MessageInfo&, uint16_t setId, core::ByteReader) override {
    missing.push_back(setId);
  }

  std::vector<MessageInfo> messages;
  std::vector<Template> templates;
  std::vector<uint16_t> withdrawn;
  std::vector<core::FlowRecord> flows;
  std::vector<std::vector<OptionValue>> options;
  std::vector<std::vector<uint8_t>> rawRecords;
  std::vector<uint16_t> missing;
  std::vector<std::string> errors;
  core::AnomalyCounters anomalies;
};

inline std::vector<uint8_t> Hex(const std::string& text) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

/// A random record whose fields a template with `o` can carry exactly.
inline core::FlowRecord RandomRecord(std::mt19937_64& rng, const FlowTemplateOptions& o) {
  auto u = [&rng](uint64_t max) { return std::uniform_int_distribution<uint64_t>(0, max)(rng); };
  core::FlowRecord r;
  auto addr = [&](bool v6) {
    core::IpAddress a;
    if (v6) {
      uint8_t b[16];
      for (auto& x : b) x = static_cast<uint8_t>(u(255));
      a = core::IpAddress::V6Bytes(b);
    } else {
      a = core::IpAddress::V4(static_cast<uint32_t>(u(0xffffffff)));
    }
    return a;
  };
  r.key.src = addr(o.ipv6);
  r.key.dst = addr(o.ipv6);
  const uint8_t protos[] = {6, 17, 1, 58, 47};
  r.key.protocol = protos[u(4)];
  if (r.key.protocol == 1 || r.key.protocol == 58) {
    r.icmpType = static_cast<uint8_t>(u(255));
    r.icmpCode = static_cast<uint8_t>(u(255));
    r.key.dstPort = static_cast<uint16_t>(r.icmpType << 8 | r.icmpCode);
  } else {
    r.key.srcPort = static_cast<uint16_t>(u(65535));
    r.key.dstPort = static_cast<uint16_t>(u(65535));
  }
  r.key.tos = static_cast<uint8_t>(u(255));
  r.key.ingressInterface = static_cast<uint32_t>(u(0xffffffff));
  r.egressInterface = static_cast<uint32_t>(u(0xffffffff));
  r.tcpFlags = r.key.protocol == 6 ? static_cast<uint8_t>(u(255)) : 0;
  r.packets = u(~0ULL);
  r.octets = u(~0ULL);
  // 2001..2035 (NTP-format times wrap in 2036), with nanoseconds when the template carries them,
  // else milliseconds.
  const int64_t base = 978307200LL * 1000000000LL;
  int64_t start = base + static_cast<int64_t>(u(1000000000ULL)) * 1000000000LL +
                  static_cast<int64_t>(u(999999999));
  if (!o.nanoseconds) start = start / 1000000 * 1000000;
  r.start = core::Timestamp::FromNanos(start);
  int64_t dur = static_cast<int64_t>(u(3600000000000ULL));
  if (!o.nanoseconds) dur = dur / 1000000 * 1000000;
  r.end = r.start + core::Duration::Nanos(dur);
  r.minTtl = static_cast<uint8_t>(u(255));
  r.maxTtl = static_cast<uint8_t>(u(255));
  r.nextHop = addr(o.ipv6);
  if (o.asNumbers) {
    r.srcAs = static_cast<uint32_t>(u(0xffffffff));
    r.dstAs = static_cast<uint32_t>(u(0xffffffff));
  }
  if (o.endReason) r.endReason = static_cast<core::FlowEndReason>(u(5));
  if (o.vlan) r.key.vlan = static_cast<uint16_t>(u(4095));
  if (o.macs) {
    for (auto& b : r.srcMac) b = static_cast<uint8_t>(u(255));
    for (auto& b : r.dstMac) b = static_cast<uint8_t>(u(255));
  }
  if (o.nat) {
    r.postNatSrc = addr(o.ipv6);
    r.postNatDst = addr(o.ipv6);
    r.postNatSrcPort = static_cast<uint16_t>(u(65535));
    r.postNatDstPort = static_cast<uint16_t>(u(65535));
    const core::NatEvent ev[] = {core::NatEvent::kNat44SessionCreate,
                                 core::NatEvent::kNat44SessionDelete, core::NatEvent::kNone};
    r.natEvent = ev[u(2)];
  }
  if (o.sampling) r.samplingInterval = static_cast<uint32_t>(u(0xffffffff));
  if (o.biflow) {
    r.reversePackets = u(~0ULL);
    r.reverseOctets = u(~0ULL);
  }
  return r;
}

/// Every combination of the template options (2^9 shapes).
inline std::vector<FlowTemplateOptions> AllTemplateShapes() {
  std::vector<FlowTemplateOptions> out;
  for (unsigned m = 0; m < 512; ++m) {
    FlowTemplateOptions o;
    o.ipv6 = m & 1;
    o.biflow = m & 2;
    o.vlan = m & 4;
    o.macs = m & 8;
    o.nat = m & 16;
    o.asNumbers = m & 32;
    o.nanoseconds = m & 64;
    o.sysUpTime = m & 128;
    o.sampling = m & 256;
    if (o.sysUpTime && o.nanoseconds) continue;  // sysUpTime wins; the shape repeats
    out.push_back(o);
  }
  return out;
}

}  // namespace vantage::wire::test
