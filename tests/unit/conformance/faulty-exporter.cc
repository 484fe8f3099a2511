// Test-only exporter with deliberate faults: meters a pcap with Vantage's exporter, then
// mis-counts, drops, splits or delays records (or writes garbage, nothing, or hangs) and
// writes the result as an IPFIX file.
//   faulty-exporter none|miscount|drop|split|delay|garbage|empty|hang|crash PCAP OUT.ipfix
//   faulty-exporter wrong-protocol PCAP HOST:PORT   (sFlow-like datagrams over UDP)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "vantage/exporter/exporter.h"
#include "vantage/exporter/pcap-io.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-writer.h"

using namespace vantage;

namespace {

std::vector<core::FlowRecord> Meter(const std::string& pcap) {
  exporter::ExporterConfig cfg;
  cfg.destinations.push_back(
      {exporter::Destination::Kind::kCallback, "", 0, "", [](const std::vector<uint8_t>&) {}});
  exporter::Exporter exp(cfg);
  std::vector<core::FlowRecord> out;
  exp.SetRecordObserver([&](const core::FlowRecord& r) { out.push_back(r); });
  if (!exp.Start()) return out;
  exporter::PcapSource src;
  if (!src.OpenFile(pcap)) return out;
  exporter::PcapPacket p;
  while (src.Next(p) == exporter::PcapSource::NextResult::kPacket)
    exp.OnPacket(p.ts, src.Link(), p.data, p.capLen, p.wireLen);
  exp.Finish();
  return out;
}

std::vector<core::FlowRecord> Inject(const std::string& fault, std::vector<core::FlowRecord> in) {
  std::vector<core::FlowRecord> out;
  for (size_t i = 0; i < in.size(); ++i) {
    core::FlowRecord r = in[i];
    const bool victim = i % 10 == 3;
    if (fault == "drop" && victim) continue;
    if (fault == "miscount" && victim) r.packets += 1;
    if (fault == "delay") {
      r.start.ns += 250000000;
      r.end.ns += 250000000;
    }
    if (fault == "split" && victim && r.packets >= 2 && r.end.ns - r.start.ns > 20000000) {
      core::FlowRecord second = r;
      r.packets /= 2;
      r.octets /= 2;
      r.end = r.start;
      second.packets -= r.packets;
      second.octets -= r.octets;
      second.start = second.end;
      out.push_back(r);
      out.push_back(second);
      continue;
    }
    out.push_back(r);
  }
  return out;
}

int Write(const std::vector<core::FlowRecord>& records, const std::string& path) {
  wire::ipfix::FileWriter file;
  if (!file.Open(path)) return 3;
  wire::ipfix::MessageWriter w({1, 65000, false},
                               [&](std::vector<uint8_t> m) { (void)file.Write(m); });
  wire::FlowTemplateOptions v4, v6;
  v6.ipv6 = true;
  (void)w.AddTemplate(wire::MakeFlowTemplate(256, v4));
  (void)w.AddTemplate(wire::MakeFlowTemplate(257, v6));
  for (const auto& r : records) (void)w.AddFlowRecord(r.key.src.IsV6() ? 257 : 256, r);
  w.Flush();
  return file.Close() ? 0 : 3;
}

/// Datagrams that start like sFlow v5 (version 5 in 32 bits): not NetFlow or IPFIX.
int SendWrongProtocol(const std::string& target) {
  size_t colon = target.rfind(':');
  if (colon == std::string::npos) return 2;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(std::atoi(target.c_str() + colon + 1)));
  if (inet_pton(AF_INET, target.substr(0, colon).c_str(), &to.sin_addr) != 1) return 2;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  uint8_t msg[64] = {0, 0, 0, 5, 0, 0, 0, 1, 127, 0, 0, 1};
  for (int i = 0; i < 10; ++i)
    sendto(fd, msg, sizeof(msg), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  close(fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: faulty-exporter FAULT PCAP OUT.ipfix\n");
    return 2;
  }
  const std::string fault = argv[1];
  if (fault == "hang") {
    for (;;) pause();
  }
  if (fault == "crash") std::raise(SIGSEGV);
  if (fault == "wrong-protocol") return SendWrongProtocol(argv[3]);
  if (fault == "empty") return std::fclose(std::fopen(argv[3], "wb")) == 0 ? 0 : 3;
  if (fault == "garbage") {
    std::FILE* f = std::fopen(argv[3], "wb");
    const char junk[] = "this is not an IPFIX message, it is text from a confused exporter\n";
    for (int i = 0; i < 100; ++i) std::fwrite(junk, 1, sizeof(junk) - 1, f);
    return std::fclose(f) == 0 ? 0 : 3;
  }
  return Write(Inject(fault, Meter(argv[2])), argv[3]);
}
