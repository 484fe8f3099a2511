// Test helper: IPFIX and NetFlow v9 datagrams written byte by byte (not with the wire writers,
// so they are an independent check of the readers), with sampled packet headers (PSAMP,
// RFC 5477 IEs 312-315, 408-410) and sampler options, plus frames for the sections: Ethernet
// with 802.1Q, MPLS with and without the pseudowire control word, IPv6 with an SRv6 header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frame-builder.h"
#include "vantage/core/ip-address.h"

namespace vantage::wire::testing {

using Bytes = std::vector<uint8_t>;

/// @brief A field specifier: element id, length (65535 variable), enterprise number.
struct Spec {
  uint16_t id;
  uint16_t length;
  uint32_t pen = 0;
};

inline void Put8(Bytes& b, uint64_t v) {
  b.push_back(static_cast<uint8_t>(v));
}
inline void Put32(Bytes& b, uint32_t v) {
  Put16(b, static_cast<uint16_t>(v >> 16));
  Put16(b, static_cast<uint16_t>(v));
}
inline void PutN(Bytes& b, size_t n, uint64_t v) {
  for (size_t i = n; i-- > 0;) b.push_back(static_cast<uint8_t>(i < 8 ? v >> (8 * i) : 0));
}
inline void Append(Bytes& b, const Bytes& more) {
  b.insert(b.end(), more.begin(), more.end());
}
/// @brief An IPFIX variable-length value (RFC 7011 section 7).
inline void PutVar(Bytes& b, const Bytes& v) {
  if (v.size() < 255) {
    Put8(b, v.size());
  } else {
    Put8(b, 255);
    Put16(b, static_cast<uint16_t>(v.size()));
  }
  Append(b, v);
}

/// @brief One IPFIX (options) template record; `scope` > 0 makes it an options template.
inline Bytes IpfixTemplate(uint16_t id, const std::vector<Spec>& fields, uint16_t scope = 0) {
  Bytes b;
  Put16(b, id);
  Put16(b, static_cast<uint16_t>(fields.size()));
  if (scope > 0) Put16(b, scope);
  for (const auto& f : fields) {
    Put16(b, static_cast<uint16_t>(f.pen != 0 ? f.id | 0x8000 : f.id));
    Put16(b, f.length);
    if (f.pen != 0) Put32(b, f.pen);
  }
  return b;
}

/// @brief A set (or v9 FlowSet): header and body.
inline Bytes Set(uint16_t setId, const Bytes& body) {
  Bytes b;
  Put16(b, setId);
  Put16(b, static_cast<uint16_t>(body.size() + 4));
  Append(b, body);
  return b;
}

inline Bytes IpfixMessage(uint32_t domain, uint32_t sequence, const std::vector<Bytes>& sets,
                          uint32_t exportTime = 1700000000) {
  Bytes body;
  for (const auto& s : sets) Append(body, s);
  Bytes b;
  Put16(b, 10);
  Put16(b, static_cast<uint16_t>(16 + body.size()));
  Put32(b, exportTime);
  Put32(b, sequence);
  Put32(b, domain);
  Append(b, body);
  return b;
}

/// @brief A v9 template record (RFC 3954 section 5.2).
inline Bytes V9Template(uint16_t id, const std::vector<Spec>& fields) {
  Bytes b;
  Put16(b, id);
  Put16(b, static_cast<uint16_t>(fields.size()));
  for (const auto& f : fields) {
    Put16(b, f.id);
    Put16(b, f.length);
  }
  return b;
}

/// @brief A v9 options template record (RFC 3954 section 6.1): lengths in bytes.
inline Bytes V9OptionsTemplate(uint16_t id, const std::vector<Spec>& scope,
                               const std::vector<Spec>& options) {
  Bytes b;
  Put16(b, id);
  Put16(b, static_cast<uint16_t>(4 * scope.size()));
  Put16(b, static_cast<uint16_t>(4 * options.size()));
  for (const auto* list : {&scope, &options}) {
    for (const auto& f : *list) {
      Put16(b, f.id);
      Put16(b, f.length);
    }
  }
  return b;
}

inline Bytes V9Packet(uint32_t sourceId, uint32_t sequence, uint16_t count,
                      const std::vector<Bytes>& sets, uint32_t sysUpTimeMs = 100000,
                      uint32_t unixSeconds = 1700000000) {
  Bytes b;
  Put16(b, 9);
  Put16(b, count);
  Put32(b, sysUpTimeMs);
  Put32(b, unixSeconds);
  Put32(b, sequence);
  Put32(b, sourceId);
  for (const auto& s : sets) Append(b, s);
  return b;
}

// --- Frames for sampled packet headers ---

inline Bytes EthernetHeader(const std::vector<uint16_t>& vlans, uint16_t etherType) {
  Bytes f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
  for (size_t i = 0; i < vlans.size(); ++i) {
    Put16(f, (i == 0 && vlans.size() > 1) ? 0x88a8 : 0x8100);
    Put16(f, vlans[i]);
  }
  Put16(f, etherType);
  return f;
}

/// @brief Ethernet, then an MPLS label stack (RFC 3032), then the pseudowire control word
/// (RFC 4385: four zero-led bytes) if asked, then `payload` (an IP packet or an Ethernet frame).
inline Bytes MplsFrame(const std::vector<uint32_t>& labels, bool controlWord,
                       const Bytes& payload) {
  Bytes f = EthernetHeader({}, 0x8847);
  for (size_t i = 0; i < labels.size(); ++i) {
    const bool bottom = i + 1 == labels.size();
    Put32(f, labels[i] << 12 | (bottom ? 0x100u : 0u) | 64u);  // TC 0, TTL 64
  }
  if (controlWord) Put32(f, 0x00000007);  // sequence number 7
  Append(f, payload);
  return f;
}

/// @brief An IPv6 packet with a segment routing header (RFC 8754, routing type 4) holding
/// `segments`, then TCP from 40000 to 443.
inline Bytes Srv6Packet(const std::string& src, const std::vector<std::string>& segments) {
  Bytes tcp;
  Put16(tcp, 40000);
  Put16(tcp, 443);
  for (int i = 0; i < 8; ++i) tcp.push_back(0);
  tcp.push_back(0x50);
  tcp.push_back(0x02);  // SYN
  Put16(tcp, 65535);
  Put32(tcp, 0);
  Bytes srh;
  srh.push_back(6);                                                 // next header: TCP
  srh.push_back(static_cast<uint8_t>(2 * segments.size()));         // 8-octet units after the first
  srh.push_back(4);                                                 // routing type: SRH
  srh.push_back(static_cast<uint8_t>(segments.size() - 1));         // segments left
  srh.push_back(static_cast<uint8_t>(segments.size() - 1));         // last entry
  srh.push_back(0);                                                 // flags
  Put16(srh, 0);                                                    // tag
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {  // segment list, last first
    auto a = core::IpAddress::Parse(*it);
    srh.insert(srh.end(), a->bytes.begin(), a->bytes.end());
  }
  Bytes ip = {0x60, 0, 0, 0};
  Put16(ip, static_cast<uint16_t>(srh.size() + tcp.size()));
  ip.push_back(43);  // routing header
  ip.push_back(63);
  auto s = core::IpAddress::Parse(src);
  auto d = core::IpAddress::Parse(segments.front());  // the active segment
  ip.insert(ip.end(), s->bytes.begin(), s->bytes.end());
  ip.insert(ip.end(), d->bytes.begin(), d->bytes.end());
  Append(ip, srh);
  Append(ip, tcp);
  return ip;
}

/// @brief The Ethernet frame of a TCP/UDP packet from `spec` (frame-builder.h).
inline Bytes Frame(const PacketSpec& spec) {
  return BuildFrame(spec);
}

}  // namespace vantage::wire::testing
