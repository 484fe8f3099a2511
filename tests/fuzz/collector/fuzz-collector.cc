// Fuzz target for the collector's decode path: one input is a sequence of datagrams (and TCP
// stream messages) from a few exporters, so template state carries across them.
//
// Input format, repeated: flags (1 byte: bit 0 = TCP stream message, bits 1-2 = exporter
// port selector), length (2 bytes, big-endian), then that many bytes.
#include <cstddef>
#include <cstdint>

#include "vantage/collector/collecting-process.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vantage;
  collector::CollectorConfig cfg;
  cfg.pendingMaxBytes = 64 * 1024;
  collector::CollectingProcess cp(nullptr, cfg);
  uint64_t records = 0;
  cp.SetRecordCallback([&](const core::FlowRecord& r) { records += r.packets > 0 ? 1 : 0; });
  const auto exporter = core::IpAddress::V4(0x7f000001);
  core::Timestamp now = core::Timestamp::FromSeconds(1700000000);
  size_t pos = 0;
  while (pos + 3 <= size) {
    uint8_t flags = data[pos];
    size_t len = static_cast<size_t>((data[pos + 1] << 8) | data[pos + 2]);
    pos += 3;
    if (len > size - pos) len = size - pos;
    uint16_t port = static_cast<uint16_t>(1000 + ((flags >> 1) & 3));
    if (flags & 1) {
      cp.OnStreamMessage(1, exporter, port, data + pos, len, now);
    } else {
      cp.OnDatagram(exporter, port, data + pos, len, now);
    }
    if (flags & 0x80) cp.OnStreamClosed(1);
    pos += len;
    now = now + core::Duration::Seconds(flags & 0x40 ? 700 : 1);
    cp.Tick(now);
  }
  cp.Flush();
  (void)cp.Loss();
  (void)cp.Stats();
  (void)records;
  return 0;
}
