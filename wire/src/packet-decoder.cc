// Packet decoding for the flow meter: link layer, IP, transport; every read bounds-checked.
#include "vantage/wire/packet-decoder.h"

#include <cstring>

namespace vantage::wire {
namespace {

inline uint16_t Load16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

inline uint32_t Load32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

inline size_t Remaining(size_t total, size_t used) {
  return total > used ? total - used : 0;
}

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherQinQ = 0x88a8;
constexpr uint16_t kEtherQinQOld = 0x9100;
constexpr uint16_t kEtherMpls = 0x8847;
constexpr uint16_t kEtherMplsMulticast = 0x8848;
constexpr uint16_t kEtherTransparentBridging = 0x6558;  // Ethernet in GRE (NVGRE, RFC 7637)
constexpr uint16_t kUdpPortVxlan = 4789;                // RFC 7348
constexpr uint16_t kUdpPortGtpu = 2152;                 // 3GPP TS 29.281
constexpr int kMaxGtpuExtHeaders = 8;
constexpr int kMaxVlanTags = 4;
constexpr int kMaxIpv6ExtHeaders = 16;

}  // namespace

core::Result<LinkType> LinkTypeFromDlt(int dlt) {
  switch (dlt) {
    case 1:
      return LinkType::kEthernet;  // DLT_EN10MB
    case 12:                       // DLT_RAW (most platforms)
    case 14:                       // DLT_RAW (OpenBSD)
    case 101:
      return LinkType::kRawIp;  // LINKTYPE_RAW
    case 113:
      return LinkType::kLinuxSll;  // DLT_LINUX_SLL
    case 276:
      return LinkType::kLinuxSll2;  // DLT_LINUX_SLL2
    default:
      return core::MakeError(core::ErrorCode::kUnsupported,
                             "unsupported link type " + std::to_string(dlt) +
                                 " (supported: 1 ethernet, 12/101 raw IP, 113 SLL, 276 SLL2)");
  }
}

int LinkTypeToDlt(LinkType link) {
  switch (link) {
    case LinkType::kEthernet:
      return 1;
    case LinkType::kRawIp:
      return 12;  // DLT_RAW (LINKTYPE_RAW 101 in files)
    case LinkType::kLinuxSll:
      return 113;
    case LinkType::kLinuxSll2:
      return 276;
  }
  return 1;
}

const char* LinkTypeName(LinkType link) {
  switch (link) {
    case LinkType::kEthernet:
      return "ethernet";
    case LinkType::kRawIp:
      return "raw";
    case LinkType::kLinuxSll:
      return "sll";
    case LinkType::kLinuxSll2:
      return "sll2";
  }
  return "?";
}

DecodeResult PacketDecoder::Decode(LinkType link, const uint8_t* data, size_t capLen,
                                   size_t wireLen, DecodedPacket& out) {
  // Plain packets leave `encap` zero: clearing it only after an encapsulated one keeps the
  // common path as cheap as before encapsulations were decoded.
  static_cast<PacketFields&>(out) = PacketFields{};
  if (out.encap.Any()) out.encap = core::Encapsulation{};
  m_pseudowireDepth = 0;
  if (wireLen < capLen) wireLen = capLen;
  size_t pos = 0;
  uint16_t etherType = 0;
  switch (link) {
    case LinkType::kRawIp:
      if (capLen < 1) {
        m_anomalies.Count("decode.empty_packet");
        return DecodeResult::kInvalid;
      }
      break;
    case LinkType::kEthernet:
      if (capLen < 14) {
        m_anomalies.Count("decode.truncated_ethernet");
        return DecodeResult::kInvalid;
      }
      std::memcpy(out.dstMac.data(), data, 6);
      std::memcpy(out.srcMac.data(), data + 6, 6);
      out.hasMacs = true;
      etherType = Load16(data + 12);
      pos = 14;
      break;
    case LinkType::kLinuxSll:
      // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
      if (capLen < 16) {
        m_anomalies.Count("decode.truncated_sll");
        return DecodeResult::kInvalid;
      }
      etherType = Load16(data + 14);
      pos = 16;
      break;
    case LinkType::kLinuxSll2:
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) addr(8)
      if (capLen < 20) {
        m_anomalies.Count("decode.truncated_sll2");
        return DecodeResult::kInvalid;
      }
      etherType = Load16(data);
      pos = 20;
      break;
  }
  DecodeResult r;
  if (link == LinkType::kRawIp) {
    r = DecodeIp(data, capLen, wireLen, out);
  } else if ((etherType == kEtherIpv4 || etherType == kEtherIpv6) && capLen > pos) {
    r = DecodeIp(data + pos, capLen - pos, wireLen - pos, out);  // untagged IP: the usual case
    uint8_t expected = etherType == kEtherIpv4 ? 4 : 6;
    if (r == DecodeResult::kOk && out.ipVersion != expected) {
      m_anomalies.Count("decode.ethertype_version_mismatch");
    }
  } else {
    r = DecodeEther(etherType, data, pos, capLen, wireLen, out);
  }
  if (m_tunnels == TunnelMode::kInner) {
    if (r == DecodeResult::kOk) OpenTunnels(out);
    m_payload = Payload{};
  }
  return r;
}

// What follows a link header's protocol field: 802.1Q / 802.1ad tags (the first one is the
// flow's VLAN), then an MPLS label stack or IP. SLL and SLL2 carry tags the same way when the
// capture kept them (protocol 0x8100 followed by the tag).
DecodeResult PacketDecoder::DecodeEther(uint16_t etherType, const uint8_t* data, size_t pos,
                                        size_t capLen, size_t wireLen, DecodedPacket& out) {
  int tags = 0;
  while (etherType == kEtherVlan || etherType == kEtherQinQ || etherType == kEtherQinQOld) {
    if (++tags > kMaxVlanTags) {
      m_anomalies.Count("decode.too_many_vlan_tags");
      return DecodeResult::kInvalid;
    }
    if (capLen < pos + 4) {
      m_anomalies.Count("decode.truncated_vlan");
      return DecodeResult::kInvalid;
    }
    if (tags == 1) out.vlan = Load16(data + pos) & 0x0fff;
    etherType = Load16(data + pos + 2);
    pos += 4;
  }
  if (etherType == kEtherMpls || etherType == kEtherMplsMulticast) {
    return DecodeMpls(data + pos, capLen - pos, Remaining(wireLen, pos), out);
  }
  if (etherType != kEtherIpv4 && etherType != kEtherIpv6) return DecodeResult::kNotIp;
  if (capLen <= pos) {
    m_anomalies.Count("decode.truncated_ip");
    return DecodeResult::kInvalid;
  }
  DecodeResult r = DecodeIp(data + pos, capLen - pos, Remaining(wireLen, pos), out);
  if (r == DecodeResult::kOk) {
    uint8_t expected = etherType == kEtherIpv4 ? 4 : 6;
    if (out.ipVersion != expected) m_anomalies.Count("decode.ethertype_version_mismatch");
  }
  return r;
}

// RFC 3032 label stack: 4-byte entries up to the one with the bottom-of-stack bit. The payload
// has no type field; IP is recognised by its version nibble. A first nibble 0000 is the RFC 4385
// pseudowire control word, followed here by the customer's Ethernet frame (RFC 4448 Ethernet
// over MPLS, the pseudowire type that carries IP); 0001 is the associated channel (OAM, no IP).
DecodeResult PacketDecoder::DecodeMpls(const uint8_t* p, size_t len, size_t wireLen,
                                       DecodedPacket& out) {
  size_t pos = 0;
  for (int n = 0;; ++n) {
    if (n == core::Encapsulation::kMaxMplsLabels) {
      m_anomalies.Count("decode.mpls_stack_too_deep");
      return DecodeResult::kInvalid;
    }
    if (len < pos + 4) {
      m_anomalies.Count("decode.truncated_mpls");
      return DecodeResult::kInvalid;
    }
    uint32_t entry = Load32(p + pos);
    pos += 4;
    if (out.encap.mplsLabelCount == n) {  // the first stack seen is the one exported
      out.encap.mplsLabels[static_cast<size_t>(n)] = entry >> 8;
      out.encap.mplsLabelCount = static_cast<uint8_t>(n + 1);
    }
    if (entry & 0x100) break;
  }
  if (len <= pos) {
    m_anomalies.Count("decode.truncated_ip");
    return DecodeResult::kInvalid;
  }
  uint8_t version = p[pos] >> 4;
  if (version == 0) return DecodePseudowire(p + pos, len - pos, Remaining(wireLen, pos), out);
  if (version != 4 && version != 6) return DecodeResult::kNotIp;
  return DecodeIp(p + pos, len - pos, Remaining(wireLen, pos), out);
}

// RFC 4448 section 4.4: the 4-byte control word, then the Ethernet frame without its FCS.
DecodeResult PacketDecoder::DecodePseudowire(const uint8_t* p, size_t len, size_t wireLen,
                                             DecodedPacket& out) {
  if (++m_pseudowireDepth > kMaxPseudowireDepth) {
    m_anomalies.Count("decode.pseudowire_too_deep");
    return DecodeResult::kInvalid;
  }
  constexpr size_t kControlWord = 4;
  if (len < kControlWord + 14) {
    m_anomalies.Count("decode.truncated_pseudowire");
    return DecodeResult::kInvalid;
  }
  const uint8_t* frame = p + kControlWord;
  return DecodeEther(Load16(frame + 12), frame, 14, len - kControlWord,
                     Remaining(wireLen, kControlWord), out);
}

DecodeResult PacketDecoder::DecodeIp(const uint8_t* p, size_t len, size_t wireIpLen,
                                     DecodedPacket& out) {
  uint8_t version = p[0] >> 4;
  if (version == 4) return DecodeIpv4(p, len, wireIpLen, out);
  if (version == 6) return DecodeIpv6(p, len, wireIpLen, out);
  m_anomalies.Count("decode.bad_ip_version");
  return DecodeResult::kInvalid;
}

DecodeResult PacketDecoder::DecodeIpv4(const uint8_t* p, size_t len, size_t wireIpLen,
                                       DecodedPacket& out) {
  if (len < 20) {
    m_anomalies.Count("decode.truncated_ipv4_header");
    return DecodeResult::kInvalid;
  }
  size_t ihl = static_cast<size_t>(p[0] & 0x0f) * 4;
  if (ihl < 20) {
    m_anomalies.Count("decode.bad_ipv4_header_length");
    return DecodeResult::kInvalid;
  }
  out.ipVersion = 4;
  out.tos = p[1];
  uint16_t totalLength = Load16(p + 2);
  uint16_t fragField = Load16(p + 6);
  out.ttl = p[8];
  out.protocol = p[9];
  out.src = core::IpAddress::V4Bytes(p + 12);
  out.dst = core::IpAddress::V4Bytes(p + 16);
  if (totalLength >= ihl) {
    out.ipOctets = totalLength;
    if (totalLength > wireIpLen) m_anomalies.Count("decode.ipv4_length_exceeds_frame");
  } else {
    // 0 with TCP segmentation offload, or bogus: the frame tells the length.
    if (totalLength != 0) m_anomalies.Count("decode.bad_ipv4_total_length");
    out.ipOctets = static_cast<uint32_t>(wireIpLen);
  }
  uint16_t fragOffset = fragField & 0x1fff;
  bool moreFragments = (fragField & 0x2000) != 0;
  out.fragment = moreFragments || fragOffset != 0;
  out.firstFragment = out.fragment && fragOffset == 0;
  if (out.fragment) {
    out.moreFragments = moreFragments;
    out.fragmentId = Load16(p + 4);
    NoteFragment(fragOffset, out.ipOctets > ihl ? out.ipOctets - static_cast<uint32_t>(ihl) : 0,
                 out);
  }
  if (fragOffset != 0) return DecodeResult::kOk;  // non-first fragment: no transport header
  if (len < ihl) {
    m_anomalies.Count("decode.truncated_ipv4_options");
    return DecodeResult::kOk;
  }
  // Transport bytes: what is captured, but not past the datagram's end (Ethernet padding).
  size_t l4Len = len - ihl;
  if (totalLength >= ihl && totalLength - ihl < l4Len) l4Len = totalLength - ihl;
  DecodeTransport(p + ihl, l4Len, Remaining(out.ipOctets, ihl), out);
  return DecodeResult::kOk;
}

// Walks IPv6 extension headers from `pos`, leaving `next` at the upper-layer protocol and
// `pos` at its header. False when no transport header follows (too many or truncated extension
// headers, a non-first fragment); out.protocol is then already set.
bool PacketDecoder::WalkIpv6Extensions(const uint8_t* p, size_t end, size_t& pos, uint8_t& next,
                                       DecodedPacket& out) {
  for (int i = 0;; ++i) {
    if (i > kMaxIpv6ExtHeaders) {
      m_anomalies.Count("decode.too_many_ipv6_ext_headers");
      out.protocol = next;
      return false;
    }
    switch (next) {
      case 0:      // hop-by-hop options
      case 43:     // routing
      case 60:     // destination options
      case 135:    // mobility
      case 139:    // HIP
      case 140: {  // shim6
        if (end < pos + 2) {
          m_anomalies.Count("decode.truncated_ipv6_ext_header");
          out.protocol = next;
          return false;
        }
        uint8_t nh = p[pos];
        size_t extLen = (static_cast<size_t>(p[pos + 1]) + 1) * 8;
        next = nh;
        pos += extLen;
        continue;
      }
      case 51: {  // authentication header: length in 4-octet units minus 2
        if (end < pos + 2) {
          m_anomalies.Count("decode.truncated_ipv6_ext_header");
          out.protocol = next;
          return false;
        }
        uint8_t nh = p[pos];
        size_t extLen = (static_cast<size_t>(p[pos + 1]) + 2) * 4;
        next = nh;
        pos += extLen;
        continue;
      }
      case 44: {  // fragment
        if (end < pos + 8) {
          m_anomalies.Count("decode.truncated_ipv6_ext_header");
          out.protocol = next;
          return false;
        }
        uint8_t nh = p[pos];
        uint16_t offField = Load16(p + pos + 2);
        uint16_t fragOffset = offField >> 3;
        bool more = (offField & 1) != 0;
        out.fragment = more || fragOffset != 0;
        out.firstFragment = out.fragment && fragOffset == 0;
        out.moreFragments = more;
        out.fragmentId = Load32(p + pos + 4);
        next = nh;
        pos += 8;
        if (out.fragment) {
          NoteFragment(fragOffset, static_cast<uint32_t>(Remaining(out.ipOctets, pos)), out);
        }
        if (fragOffset != 0) {
          out.protocol = next;  // the upper-layer protocol, ports stay 0
          return false;
        }
        continue;
      }
      default:
        break;
    }
    break;
  }
  return true;
}

DecodeResult PacketDecoder::DecodeIpv6(const uint8_t* p, size_t len, size_t wireIpLen,
                                       DecodedPacket& out) {
  if (len < 40) {
    m_anomalies.Count("decode.truncated_ipv6_header");
    return DecodeResult::kInvalid;
  }
  out.ipVersion = 6;
  out.tos = static_cast<uint8_t>(((p[0] & 0x0f) << 4) | (p[1] >> 4));
  uint16_t payloadLength = Load16(p + 4);
  uint8_t next = p[6];
  out.ttl = p[7];
  out.src = core::IpAddress::V6Bytes(p + 8);
  out.dst = core::IpAddress::V6Bytes(p + 24);
  if (payloadLength != 0) {
    out.ipOctets = 40u + payloadLength;
    if (out.ipOctets > wireIpLen) m_anomalies.Count("decode.ipv6_length_exceeds_frame");
  } else {
    out.ipOctets = static_cast<uint32_t>(wireIpLen);  // jumbogram or offload
  }
  size_t pos = 40;
  size_t end = len;
  if (payloadLength != 0 && 40u + payloadLength < end) end = 40u + payloadLength;
  if (!WalkIpv6Extensions(p, end, pos, next, out)) return DecodeResult::kOk;
  out.protocol = next;
  if (next == 59) return DecodeResult::kOk;  // no next header
  if (pos >= end) {
    if (pos > end)
      m_anomalies.Count("decode.truncated_ipv6_ext_header");
    else
      m_anomalies.Count("decode.truncated_l4");
    return DecodeResult::kOk;
  }
  DecodeTransport(p + pos, end - pos, Remaining(out.ipOctets, pos), out);
  return DecodeResult::kOk;
}

void PacketDecoder::NoteFragment(uint16_t offsetUnits, uint32_t length, DecodedPacket& out) {
  out.fragmentOffset = static_cast<uint32_t>(offsetUnits) * 8;
  out.fragmentLength = length;
  if (out.fragmentOffset + length > 65535) m_anomalies.Count("decode.fragment_beyond_64k");
}

void PacketDecoder::DecodeTransport(const uint8_t* p, size_t len, size_t wireLen,
                                    DecodedPacket& out) {
  if (m_tunnels == TunnelMode::kInner && !out.fragment) {
    m_payload = Payload{p, len, wireLen};  // a whole datagram: may be a tunnel
  }
  switch (out.protocol) {
    case 6:  // TCP: ports, then flags at offset 13
      if (len < 4) break;
      out.srcPort = Load16(p);
      out.dstPort = Load16(p + 2);
      if (len < 14) break;
      out.tcpFlags = p[13];
      out.l4Present = true;
      return;
    case 17:   // UDP
    case 132:  // SCTP
    case 136:  // UDP-Lite
    case 33:   // DCCP
      if (len < 4) break;
      out.srcPort = Load16(p);
      out.dstPort = Load16(p + 2);
      out.l4Present = true;
      return;
    case 1:   // ICMP
    case 58:  // ICMPv6
      if ((out.protocol == 1) != (out.ipVersion == 4)) {
        return;  // ICMP over IPv6 or ICMPv6 over IPv4: other protocol, no ports
      }
      if (len < 2) break;
      out.icmpType = p[0];
      out.icmpCode = p[1];
      out.hasIcmp = true;
      out.dstPort = static_cast<uint16_t>(p[0] * 256 + p[1]);
      out.l4Present = true;
      return;
    default:
      return;  // other protocols: no ports
  }
  m_anomalies.Count("decode.truncated_l4");
}

namespace {

bool IsTunnel(const DecodedPacket& p) {
  switch (p.protocol) {
    case 4:   // IP-in-IP (RFC 2003)
    case 41:  // IPv6 in IP (RFC 4213)
    case 47:  // GRE (RFC 2784, 2890)
      return true;
    case 17:
      return p.l4Present && (p.dstPort == kUdpPortVxlan || p.dstPort == kUdpPortGtpu);
    default:
      return false;
  }
}

// The inner packet keeps what only the outer layers know: link addresses, the outer VLAN, the
// first MPLS stack and VXLAN segment seen, and the outermost tunnel endpoints.
void KeepOuterFields(const DecodedPacket& outer, DecodedPacket& inner) {
  inner.vlan = outer.vlan;
  inner.hasMacs = outer.hasMacs;
  inner.srcMac = outer.srcMac;
  inner.dstMac = outer.dstMac;
  if (outer.encap.mplsLabelCount != 0) {
    inner.encap.mplsLabelCount = outer.encap.mplsLabelCount;
    inner.encap.mplsLabels = outer.encap.mplsLabels;
  }
  if (outer.encap.layer2SegmentId != 0) inner.encap.layer2SegmentId = outer.encap.layer2SegmentId;
  inner.encap.tunnelSrc = outer.encap.tunnelSrc.IsSet() ? outer.encap.tunnelSrc : outer.src;
  inner.encap.tunnelDst = outer.encap.tunnelSrc.IsSet() ? outer.encap.tunnelDst : outer.dst;
  inner.tunnelDepth = static_cast<uint8_t>(outer.tunnelDepth + 1);
}

}  // namespace

// Opens tunnels one level at a time. When a level cannot be opened (malformed, cut, not IP
// inside, deeper than kMaxTunnelDepth) the packet of the level above is the one metered.
void PacketDecoder::OpenTunnels(DecodedPacket& out) {
  while (m_payload.data != nullptr && IsTunnel(out)) {
    if (out.tunnelDepth >= kMaxTunnelDepth) {
      m_anomalies.Count("decode.tunnel_too_deep");
      return;
    }
    DecodedPacket inner;
    DecodeResult r = OpenTunnel(out, inner);
    if (r != DecodeResult::kOk) {
      if (r == DecodeResult::kInvalid) m_anomalies.Count("decode.tunnel_inner_invalid");
      return;
    }
    KeepOuterFields(out, inner);
    out = inner;
  }
}

DecodeResult PacketDecoder::OpenTunnel(const DecodedPacket& outer, DecodedPacket& inner) {
  const Payload pl = m_payload;
  m_payload = Payload{};  // set again if the inner packet is a whole datagram
  switch (outer.protocol) {
    case 4:
      return OpenIpInIp(pl, 4, inner);
    case 41:
      return OpenIpInIp(pl, 6, inner);
    case 47:
      return OpenGre(pl, inner);
    default:
      return outer.dstPort == kUdpPortVxlan ? OpenVxlan(pl, inner) : OpenGtpu(pl, inner);
  }
}

DecodeResult PacketDecoder::OpenIpInIp(const Payload& ip, uint8_t version, DecodedPacket& inner) {
  if (ip.capLen < 1) {
    m_anomalies.Count("decode.truncated_ip_in_ip");
    return DecodeResult::kInvalid;
  }
  if ((ip.data[0] >> 4) != version) {
    m_anomalies.Count("decode.ip_in_ip_version_mismatch");
    return DecodeResult::kInvalid;
  }
  return DecodeIp(ip.data, ip.capLen, ip.wireLen, inner);
}

// RFC 2784 with the RFC 2890 key and sequence number. Version 1 (PPTP) and the RFC 1701
// routing / strict source route / recursion bits are not opened.
DecodeResult PacketDecoder::OpenGre(const Payload& g, DecodedPacket& inner) {
  if (g.capLen < 4) {
    m_anomalies.Count("decode.truncated_gre");
    return DecodeResult::kInvalid;
  }
  const uint16_t flags = Load16(g.data);
  const uint16_t protocol = Load16(g.data + 2);
  if ((flags & 0x0007) != 0) {
    m_anomalies.Count("decode.gre_unsupported_version");
    return DecodeResult::kInvalid;
  }
  if ((flags & 0x4ff8) != 0) {
    m_anomalies.Count("decode.gre_unknown_flags");
    return DecodeResult::kInvalid;
  }
  size_t pos = 4;
  if (flags & 0x8000) pos += 4;  // checksum + reserved1
  if (flags & 0x2000) pos += 4;  // key
  if (flags & 0x1000) pos += 4;  // sequence number
  if (g.capLen < pos) {
    m_anomalies.Count("decode.truncated_gre");
    return DecodeResult::kInvalid;
  }
  if (protocol != kEtherTransparentBridging) {
    return DecodeEther(protocol, g.data, pos, g.capLen, g.wireLen, inner);
  }
  if (g.capLen < pos + 14) {
    m_anomalies.Count("decode.truncated_gre");
    return DecodeResult::kInvalid;
  }
  return DecodeEther(Load16(g.data + pos + 12), g.data, pos + 14, g.capLen, g.wireLen, inner);
}

// RFC 7348: UDP header, 8-byte VXLAN header (I flag, 24-bit VNI), inner Ethernet frame.
DecodeResult PacketDecoder::OpenVxlan(const Payload& u, DecodedPacket& inner) {
  if (u.capLen < 16) {
    m_anomalies.Count("decode.truncated_vxlan");
    return DecodeResult::kInvalid;
  }
  const uint8_t* v = u.data + 8;
  if ((v[0] & 0x08) == 0) {
    m_anomalies.Count("decode.vxlan_bad_flags");
    return DecodeResult::kInvalid;
  }
  if (u.capLen < 16 + 14) {
    m_anomalies.Count("decode.vxlan_short_inner_frame");
    return DecodeResult::kInvalid;
  }
  const uint32_t vni = Load32(v + 4) >> 8;
  inner.encap.layer2SegmentId = (uint64_t{1} << 56) | vni;  // IE 351 segment type 1: VXLAN
  return DecodeEther(Load16(v + 8 + 12), u.data, 16 + 14, u.capLen, u.wireLen, inner);
}

// 3GPP TS 29.281: GTPv1-U header (8 bytes; 12 when E, S or PN is set), extension headers
// chained by their last byte, then the user's IP packet in a G-PDU (message type 255).
DecodeResult PacketDecoder::OpenGtpu(const Payload& u, DecodedPacket& inner) {
  if (u.capLen < 16) {
    m_anomalies.Count("decode.truncated_gtpu");
    return DecodeResult::kInvalid;
  }
  const uint8_t* g = u.data + 8;
  const size_t len = u.capLen - 8;
  const uint8_t flags = g[0];
  if ((flags >> 5) != 1 || (flags & 0x10) == 0) {
    m_anomalies.Count("decode.gtpu_bad_version");
    return DecodeResult::kInvalid;
  }
  if (g[1] != 0xff) return DecodeResult::kNotIp;  // echo, error indication, end marker
  size_t pos = 8;
  if (flags & 0x07) {
    if (len < 12) {
      m_anomalies.Count("decode.truncated_gtpu");
      return DecodeResult::kInvalid;
    }
    uint8_t next = g[11];
    pos = 12;
    for (int n = 0; (flags & 0x04) && next != 0; ++n) {
      if (n == kMaxGtpuExtHeaders) {
        m_anomalies.Count("decode.gtpu_too_many_ext_headers");
        return DecodeResult::kInvalid;
      }
      size_t extLen = len > pos ? static_cast<size_t>(g[pos]) * 4 : 0;
      if (extLen == 0 || len < pos + extLen) {
        m_anomalies.Count("decode.truncated_gtpu");
        return DecodeResult::kInvalid;
      }
      next = g[pos + extLen - 1];
      pos += extLen;
    }
  }
  if (len <= pos) {
    m_anomalies.Count("decode.truncated_gtpu");
    return DecodeResult::kInvalid;
  }
  const uint8_t version = g[pos] >> 4;
  if (version != 4 && version != 6) return DecodeResult::kNotIp;
  return DecodeIp(g + pos, len - pos, Remaining(u.wireLen, 8 + pos), inner);
}

}  // namespace vantage::wire
