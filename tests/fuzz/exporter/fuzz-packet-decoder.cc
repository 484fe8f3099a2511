// Fuzz target for packet decoding and metering: the input is a link type byte followed by
// packets, each as a 2-byte length, a 1-byte time step (seconds) and the packet bytes. Every
// packet is decoded alone (all link types) and fed to an Exporter with a tiny cache so expiry,
// eviction and IPFIX encoding run on hostile input too.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vantage/exporter/exporter.h"
#include "vantage/wire/packet-decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vantage;
  if (size < 1) return 0;
  static const exporter::LinkType kLinks[] = {
      exporter::LinkType::kEthernet, exporter::LinkType::kRawIp, exporter::LinkType::kLinuxSll,
      exporter::LinkType::kLinuxSll2};
  exporter::LinkType link = kLinks[data[0] % 4];
  exporter::ExporterConfig cfg;
  cfg.cache.capacity = 4;
  cfg.cache.inactiveTimeout = core::Duration::Seconds(2);
  cfg.cache.activeTimeout = core::Duration::Seconds(5);
  cfg.key.biflow = (data[0] & 0x10) != 0;
  cfg.key.vlan = (data[0] & 0x20) != 0;
  cfg.exportMacs = (data[0] & 0x40) != 0;
  if (data[0] & 0x80) {
    cfg.sampling.mode = exporter::SamplingConfig::Mode::kRandom;
    cfg.sampling.interval = 2;
  }
  size_t messages = 0;
  exporter::Destination d;
  d.kind = exporter::Destination::Kind::kCallback;
  d.callback = [&](const std::vector<uint8_t>& m) { messages += m.empty() ? 0 : 1; };
  cfg.destinations.push_back(d);
  exporter::Exporter exp(cfg);
  if (!exp.Start()) return 0;
  wire::PacketDecoder decoder;
  size_t pos = 1;
  int64_t t = 1700000000;
  while (pos + 3 <= size) {
    size_t len = static_cast<size_t>((data[pos] << 8) | data[pos + 1]);
    t += data[pos + 2];
    pos += 3;
    if (len > size - pos) len = size - pos;
    // Exact-size copy so ASan catches any read past the captured bytes.
    std::vector<uint8_t> pkt(data + pos, data + pos + len);
    for (auto l : kLinks) {
      wire::DecodedPacket p;
      decoder.Decode(l, pkt.data(), pkt.size(), pkt.size() + (len & 7), p);
    }
    exp.OnPacket(core::Timestamp::FromSeconds(t), link, pkt.data(), pkt.size(), pkt.size());
    pos += len;
  }
  exp.Finish();
  return 0;
}
