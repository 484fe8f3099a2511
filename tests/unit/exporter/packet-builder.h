// Test helper: the frame builder of tests/unit/wire/frame-builder.h (Ethernet with VLAN tags, raw
// IP, SLL, SLL2 holding IPv4/IPv6 packets) plus a pcap file writer (libpcap).
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <string>
#include <vector>

#include "../wire/frame-builder.h"
#include "vantage/core/ip-address.h"
#include "vantage/core/time.h"
#include "vantage/exporter/exporter.h"

namespace vantage::exporter::testing {

using wire::testing::BuildFrame;
using wire::testing::BuildIp;
using wire::testing::PacketSpec;
using wire::testing::Put16;

/// @brief Writes a pcap file with libpcap.
class PcapFileWriter {
 public:
  PcapFileWriter(const std::string& path, LinkType link, int snaplen = 262144) {
    m_dead = pcap_open_dead(LinkTypeToDlt(link), snaplen);
    m_dumper = pcap_dump_open(m_dead, path.c_str());
  }
  ~PcapFileWriter() { Close(); }
  bool Ok() const { return m_dumper != nullptr; }
  void Add(core::Timestamp ts, const std::vector<uint8_t>& frame, size_t capLen = SIZE_MAX) {
    pcap_pkthdr h{};
    h.ts.tv_sec = static_cast<time_t>(ts.ns / 1000000000);
    h.ts.tv_usec = static_cast<suseconds_t>((ts.ns % 1000000000) / 1000);
    h.len = static_cast<bpf_u_int32>(frame.size());
    h.caplen = static_cast<bpf_u_int32>(capLen < frame.size() ? capLen : frame.size());
    pcap_dump(reinterpret_cast<u_char*>(m_dumper), &h, frame.data());
  }
  void Close() {
    if (m_dumper) pcap_dump_close(m_dumper);
    if (m_dead) pcap_close(m_dead);
    m_dumper = nullptr;
    m_dead = nullptr;
  }

 private:
  pcap_t* m_dead = nullptr;
  pcap_dumper_t* m_dumper = nullptr;
};

}  // namespace vantage::exporter::testing
