// Writes the seed corpus of the wire fuzz targets: valid messages from our writers and broken
// variants of them. Deterministic (fixed seeds); run: make_wire_corpus tests/fuzz/wire/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "vantage/wire/ipfix/message-writer.h"
#include "vantage/wire/v5/codec.h"
#include "vantage/wire/v9/message-writer.h"

namespace {

using namespace vantage;
using Bytes = std::vector<uint8_t>;

std::filesystem::path g_root;

void Put(const std::string& dir, const std::string& name, const Bytes& b) {
  auto d = g_root / dir;
  std::filesystem::create_directories(d);
  std::ofstream(d / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

core::FlowRecord Flow(std::mt19937& rng, bool v6) {
  core::FlowRecord r;
  if (v6) {
    uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
    a[15] = static_cast<uint8_t>(rng());
    r.key.src = core::IpAddress::V6Bytes(a);
    a[15] = static_cast<uint8_t>(rng());
    r.key.dst = core::IpAddress::V6Bytes(a);
  } else {
    r.key.src = core::IpAddress::V4(0x0a000000 | (rng() & 0xffff));
    r.key.dst = core::IpAddress::V4(0xc0000200 | (rng() & 0xff));
  }
  r.key.protocol = (rng() % 3 == 0) ? (v6 ? 58 : 1) : 6;
  if (r.key.protocol == 6) {
    r.key.srcPort = static_cast<uint16_t>(1024 + rng() % 60000);
    r.key.dstPort = 443;
    r.tcpFlags = 0x1b;
  } else {
    r.icmpType = 8;
    r.key.dstPort = 8 * 256;
  }
  r.packets = 1 + rng() % 100;
  r.octets = r.packets * 60;
  r.start = core::Timestamp::FromMillis(1700000000000 - 5000);
  r.end = core::Timestamp::FromMillis(1700000000000 - 10);
  r.reversePackets = r.packets;
  r.reverseOctets = r.octets;
  return r;
}

Bytes Cat(const std::vector<Bytes>& parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

void V5() {
  std::mt19937 rng(5);
  wire::v5::Header h;
  h.unixSeconds = 1700000000;
  h.sysUpTimeMs = 100000;
  std::vector<core::FlowRecord> flows;
  for (int i = 0; i < 3; ++i) flows.push_back(Flow(rng, false));
  Bytes ok = *wire::v5::Encode(h, flows);
  Put("v5", "valid-3", ok);
  Bytes cut(ok.begin(), ok.end() - 20);
  Put("v5", "truncated-record", cut);
  Bytes badCount = ok;
  badCount[3] = 40;
  Put("v5", "bad-count", badCount);
  Put("v5", "header-only", Bytes(ok.begin(), ok.begin() + 24));
}

// v9 fuzz input: [u16 length][packet]...
Bytes Framed(const std::vector<Bytes>& packets) {
  Bytes out;
  for (const auto& p : packets) {
    out.push_back(static_cast<uint8_t>(p.size() >> 8));
    out.push_back(static_cast<uint8_t>(p.size()));
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

void V9() {
  std::mt19937 rng(9);
  std::vector<Bytes> pkts;
  wire::v9::MessageWriter w({1, 300}, [&](Bytes p) { pkts.push_back(std::move(p)); });
  w.SetClock(1700000000, 100000);
  wire::FlowTemplateOptions o;
  o.sysUpTime = true;
  (void)w.AddTemplate(wire::MakeFlowTemplate(256, o));
  o.ipv6 = true;
  (void)w.AddTemplate(wire::MakeFlowTemplate(257, o));
  (void)w.AddTemplate(wire::Template{258, {{1, 4}, {wire::ie::kSamplingInterval, 4}}, 1});
  std::vector<wire::OptionValue> ov(2);
  ov[1].value = 10;
  (void)w.AddOptionsRecord(258, ov);
  for (int i = 0; i < 6; ++i) {
    (void)w.AddFlowRecord(256, Flow(rng, false));
    (void)w.AddFlowRecord(257, Flow(rng, true));
  }
  w.Flush();
  Put("v9", "valid-sequence", Framed(pkts));
  Put("v9", "data-before-template", Framed({pkts.back(), pkts.front()}));
  Bytes first = pkts.front();
  first[3] = 99;  // header count
  Put("v9", "bad-count", Framed({first}));
  Put("v9", "truncated", Framed({Bytes(pkts.front().begin(), pkts.front().begin() + 30)}));
  // A template whose fields all have length 0, then data for it.
  Bytes zero = {0, 9,  0, 2, 0, 0, 0, 1, 0x65, 0x53, 0xf1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
                0, 12, 1, 0, 0, 2, 0, 1, 0,    0,    0,    2, 0, 0, 1, 0, 0, 8, 0, 0, 0, 0};
  // fix the template flowset length: 4 + 4 + 8 = 16
  zero[23] = 16;
  Put("v9", "zero-length-template", Framed({zero}));
}

Bytes IpfixMessage(uint32_t domain, const Bytes& sets) {
  Bytes out;
  core::ByteWriter w(out);
  w.WriteU16(10);
  w.WriteU16(static_cast<uint16_t>(16 + sets.size()));
  w.WriteU32(1700000000);
  w.WriteU32(0);
  w.WriteU32(domain);
  w.WriteBytes(sets.data(), sets.size());
  return out;
}

void Ipfix() {
  std::mt19937 rng(10);
  std::vector<Bytes> msgs;
  wire::ipfix::WriterConfig cfg;
  cfg.observationDomain = 1;
  cfg.maxMessageSize = 400;
  cfg.padSets = true;
  wire::ipfix::MessageWriter w(cfg, [&](Bytes m) { msgs.push_back(std::move(m)); });
  w.SetExportTime(1700000000);
  wire::FlowTemplateOptions o;
  (void)w.AddTemplate(wire::MakeFlowTemplate(256, o));
  o.ipv6 = o.biflow = o.nanoseconds = o.nat = true;
  (void)w.AddTemplate(wire::MakeFlowTemplate(257, o));
  (void)w.AddTemplate(wire::Template{258,
                                     {{wire::ie::kObservationDomainId, 4},
                                      {wire::ie::kSystemInitTimeMilliseconds, 8},
                                      {wire::ie::kPaddingOctets, wire::kVariableLength}},
                                     1});
  std::vector<wire::OptionValue> ov(3);
  ov[1].value = 1699990000000;
  ov[2].bytes = {1, 2, 3};
  (void)w.AddOptionsRecord(258, ov);
  for (int i = 0; i < 5; ++i) {
    (void)w.AddFlowRecord(256, Flow(rng, false));
    (void)w.AddFlowRecord(257, Flow(rng, true));
  }
  w.WithdrawTemplate(256);
  w.WithdrawTemplate(2);
  w.Flush();
  Put("ipfix", "valid-stream", Cat(msgs));
  Put("ipfix", "data-only", msgs.back());
  Bytes cut = Cat(msgs);
  cut.resize(cut.size() - 7);
  Put("ipfix", "truncated-tail", cut);
  // RFC 7011 Appendix A.2 template and data set.
  Put("ipfix", "rfc7011-a2",
      IpfixMessage(0, {0,   2, 0, 28,  1,   0, 0, 5, 0, 8, 0,    4,    0, 12,   0,    4,   0, 15,
                       0,   4, 0, 2,   0,   4, 0, 1, 0, 4, 1,    0,    0, 24,   192,  0,   2, 12,
                       192, 0, 2, 254, 192, 0, 2, 1, 0, 0, 0x13, 0x91, 0, 0x51, 0x8c, 0x81}));
  // Every field length 0, then a data set for it (the nfcapd endless-loop input).
  Put("ipfix", "zero-length-template",
      IpfixMessage(1, {0, 2, 0, 16, 1, 0, 0, 2, 0, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0, 8, 0, 0, 0, 0}));
  // Variable-length field whose length runs past the set.
  Put("ipfix", "varlen-overrun",
      IpfixMessage(1, {0, 2, 0, 12, 1, 4, 0, 1, 0, 210, 255, 255, 1, 4, 0, 8, 255, 0, 200, 1}));
  // Set length below 4 and a set longer than the message.
  Put("ipfix", "bad-set-length", IpfixMessage(1, {1, 0, 0, 2, 0, 0}));
  Put("ipfix", "set-too-long", IpfixMessage(1, {0, 2, 1, 0, 1, 0, 0, 1}));
  // Options template with scope count 0; template with too many fields.
  Put("ipfix", "bad-scope", IpfixMessage(1, {0, 3, 0, 14, 1, 0, 0, 1, 0, 0, 0, 149, 0, 4}));
  Bytes wide = {0, 2, 1, 8, 1, 0, 0, 65};
  for (int i = 0; i < 65; ++i) wide.insert(wide.end(), {0, 1, 0, 4});
  Put("ipfix", "too-many-fields", IpfixMessage(1, wide));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  V5();
  V9();
  Ipfix();
  return 0;
}
