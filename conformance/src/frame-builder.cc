// Frame construction for traffic profiles (header layouts per RFC 791, 8200, 793, 768, 792,
// 4443 and IEEE 802.1Q/802.1ad). Checksums are left zero: meters do not verify them.
#include "frame-builder.h"

namespace vantage::conformance::detail {
namespace {

void Put16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

std::vector<uint8_t> Transport(const FrameSpec& s) {
  std::vector<uint8_t> l4;
  if (s.fragOffset != 0) {  // a non-first fragment carries payload only
    l4.assign(s.payload, 0x5a);
    return l4;
  }
  if (s.protocol == 6) {
    Put16(l4, s.srcPort);
    Put16(l4, s.dstPort);
    for (int i = 0; i < 8; ++i) l4.push_back(0);
    l4.push_back(0x50);
    l4.push_back(s.tcpFlags);
    Put16(l4, 65535);
    Put16(l4, 0);
    Put16(l4, 0);
  } else if (s.protocol == 17) {
    Put16(l4, s.srcPort);
    Put16(l4, s.dstPort);
    Put16(l4, static_cast<uint16_t>(8 + s.payload));
    Put16(l4, 0);
  } else if (s.protocol == 1 || s.protocol == 58) {
    l4.push_back(s.icmpType);
    l4.push_back(s.icmpCode);
    Put16(l4, 0);
    Put16(l4, 0x0101);
    Put16(l4, 1);
  }
  for (size_t i = 0; i < s.payload; ++i) l4.push_back(static_cast<uint8_t>(i));
  return l4;
}

std::vector<uint8_t> Ipv4(const FrameSpec& s, const std::vector<uint8_t>& l4) {
  std::vector<uint8_t> ip;
  size_t ihl = 20 + 4 * s.ipv4OptionWords;
  ip.push_back(static_cast<uint8_t>(0x40 | (ihl / 4)));
  ip.push_back(s.tos);
  Put16(ip, static_cast<uint16_t>(ihl + l4.size()));
  Put16(ip, 0x4242);
  Put16(ip, static_cast<uint16_t>((s.moreFragments ? 0x2000 : 0) | (s.fragOffset & 0x1fff)));
  ip.push_back(s.ttl);
  ip.push_back(s.protocol);
  Put16(ip, 0);
  ip.insert(ip.end(), s.src.bytes.begin(), s.src.bytes.begin() + 4);
  ip.insert(ip.end(), s.dst.bytes.begin(), s.dst.bytes.begin() + 4);
  for (size_t i = 0; i < 4 * s.ipv4OptionWords; ++i) ip.push_back(1);  // NOP
  ip.insert(ip.end(), l4.begin(), l4.end());
  return ip;
}

std::vector<uint8_t> Ipv6(const FrameSpec& s, const std::vector<uint8_t>& l4) {
  std::vector<uint8_t> chain = s.extensions;
  if (s.fragmentHeader) chain.push_back(44);
  chain.push_back(s.protocol);
  std::vector<uint8_t> ext;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    ext.push_back(chain[i + 1]);
    if (chain[i] == 44) {
      ext.push_back(0);
      Put16(ext, static_cast<uint16_t>((s.fragOffset << 3) | (s.moreFragments ? 1 : 0)));
      Put16(ext, 0);
      Put16(ext, 0x4242);
    } else {
      ext.push_back(0);  // 8 bytes: next header, length 0, six bytes of PadN/zeros
      for (int k = 0; k < 6; ++k) ext.push_back(0);
    }
  }
  std::vector<uint8_t> ip;
  ip.push_back(static_cast<uint8_t>(0x60 | (s.tos >> 4)));
  ip.push_back(static_cast<uint8_t>(s.tos << 4));
  Put16(ip, 0);
  Put16(ip, static_cast<uint16_t>(ext.size() + l4.size()));
  ip.push_back(chain.front());
  ip.push_back(s.ttl);
  ip.insert(ip.end(), s.src.bytes.begin(), s.src.bytes.end());
  ip.insert(ip.end(), s.dst.bytes.begin(), s.dst.bytes.end());
  ip.insert(ip.end(), ext.begin(), ext.end());
  ip.insert(ip.end(), l4.begin(), l4.end());
  return ip;
}

}  // namespace

std::vector<uint8_t> BuildFrame(const FrameSpec& s) {
  std::vector<uint8_t> l4 = Transport(s);
  std::vector<uint8_t> ip = s.src.IsV6() ? Ipv6(s, l4) : Ipv4(s, l4);
  std::vector<uint8_t> f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
  for (size_t i = 0; i < s.vlans.size(); ++i) {
    Put16(f, (i == 0 && s.vlans.size() > 1) ? 0x88a8 : 0x8100);
    Put16(f, s.vlans[i]);
  }
  Put16(f, s.src.IsV6() ? 0x86dd : 0x0800);
  f.insert(f.end(), ip.begin(), ip.end());
  if (s.padToMinimum && f.size() < 60) f.resize(60, 0);
  return f;
}

}  // namespace vantage::conformance::detail
