// Packet decoding for the flow meter: link layer, IP, transport; every read bounds-checked.
#include "vantage/wire/packet-decoder.h"

#include <cstring>

namespace vantage::wire {
namespace {

inline uint16_t Load16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherQinQ = 0x88a8;
constexpr uint16_t kEtherQinQOld = 0x9100;
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
  out = DecodedPacket{};
  if (wireLen < capLen) wireLen = capLen;
  size_t pos = 0;
  uint16_t etherType = 0;
  switch (link) {
    case LinkType::kRawIp: {
      if (capLen < 1) {
        m_anomalies.Count("decode.empty_packet");
        return DecodeResult::kInvalid;
      }
      return DecodeIp(data, capLen, wireLen, out);
    }
    case LinkType::kEthernet: {
      if (capLen < 14) {
        m_anomalies.Count("decode.truncated_ethernet");
        return DecodeResult::kInvalid;
      }
      std::memcpy(out.dstMac.data(), data, 6);
      std::memcpy(out.srcMac.data(), data + 6, 6);
      out.hasMacs = true;
      etherType = Load16(data + 12);
      pos = 14;
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
      if (etherType < 0x0600) {  // 802.3 length field: LLC frame, no IP we decode
        return DecodeResult::kNotIp;
      }
      break;
    }
    case LinkType::kLinuxSll: {
      // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
      if (capLen < 16) {
        m_anomalies.Count("decode.truncated_sll");
        return DecodeResult::kInvalid;
      }
      etherType = Load16(data + 14);
      pos = 16;
      break;
    }
    case LinkType::kLinuxSll2: {
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) addr(8)
      if (capLen < 20) {
        m_anomalies.Count("decode.truncated_sll2");
        return DecodeResult::kInvalid;
      }
      etherType = Load16(data);
      pos = 20;
      break;
    }
  }
  if (etherType != kEtherIpv4 && etherType != kEtherIpv6) return DecodeResult::kNotIp;
  if (capLen <= pos) {
    m_anomalies.Count("decode.truncated_ip");
    return DecodeResult::kInvalid;
  }
  DecodeResult r = DecodeIp(data + pos, capLen - pos, wireLen - pos, out);
  if (r == DecodeResult::kOk) {
    uint8_t expected = etherType == kEtherIpv4 ? 4 : 6;
    if (out.ipVersion != expected) m_anomalies.Count("decode.ethertype_version_mismatch");
  }
  return r;
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
  if (fragOffset != 0) return DecodeResult::kOk;  // non-first fragment: no transport header
  if (len < ihl) {
    m_anomalies.Count("decode.truncated_ipv4_options");
    return DecodeResult::kOk;
  }
  // Transport bytes: what is captured, but not past the datagram's end (Ethernet padding).
  size_t l4Len = len - ihl;
  if (totalLength >= ihl && totalLength - ihl < l4Len) l4Len = totalLength - ihl;
  DecodeTransport(p + ihl, l4Len, out);
  return DecodeResult::kOk;
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
  for (int i = 0;; ++i) {
    if (i > kMaxIpv6ExtHeaders) {
      m_anomalies.Count("decode.too_many_ipv6_ext_headers");
      out.protocol = next;
      return DecodeResult::kOk;
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
          return DecodeResult::kOk;
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
          return DecodeResult::kOk;
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
          return DecodeResult::kOk;
        }
        uint8_t nh = p[pos];
        uint16_t offField = Load16(p + pos + 2);
        uint16_t fragOffset = offField >> 3;
        bool more = (offField & 1) != 0;
        out.fragment = more || fragOffset != 0;
        out.firstFragment = out.fragment && fragOffset == 0;
        next = nh;
        pos += 8;
        if (fragOffset != 0) {
          out.protocol = next;  // the upper-layer protocol, ports stay 0
          return DecodeResult::kOk;
        }
        continue;
      }
      default:
        break;
    }
    break;
  }
  out.protocol = next;
  if (next == 59) return DecodeResult::kOk;  // no next header
  if (pos >= end) {
    if (pos > end)
      m_anomalies.Count("decode.truncated_ipv6_ext_header");
    else
      m_anomalies.Count("decode.truncated_l4");
    return DecodeResult::kOk;
  }
  DecodeTransport(p + pos, end - pos, out);
  return DecodeResult::kOk;
}

void PacketDecoder::DecodeTransport(const uint8_t* p, size_t len, DecodedPacket& out) {
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

}  // namespace vantage::wire
