// Internet checksums of captured packets (see ip-checksums.h).
#include "observation/ip-checksums.h"

namespace vantage::sim {
namespace {

constexpr uint8_t kTcp = 6, kUdp = 17, kIcmp = 1;

void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// The header checksum of an IPv4 header of `ihl` bytes at `h`.
void FillHeaderChecksum(uint8_t* h, size_t ihl) {
  Put16(h + 10, 0);
  Put16(h + 10, FinishChecksum(OnesComplementSum(h, ihl)));
}

bool IsIcmpError(uint8_t type) {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

}  // namespace

uint32_t OnesComplementSum(const uint8_t* p, size_t n, uint32_t sum) {
  uint64_t s = sum;
  size_t i = 0;
  for (; i + 1 < n; i += 2) s += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (i < n) s += static_cast<uint32_t>(p[i] << 8);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint32_t>(s);
}

uint16_t FinishChecksum(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

void FillIpv4Checksums(uint8_t* p, size_t n) {
  if (n < 20 || (p[0] >> 4) != 4) return;
  const size_t ihl = static_cast<size_t>(p[0] & 0x0f) * 4;
  const size_t total = static_cast<size_t>(p[2] << 8 | p[3]);
  if (ihl < 20 || total < ihl || total > n) return;
  FillHeaderChecksum(p, ihl);
  const bool fragment = (p[6] & 0x20) != 0 || ((p[6] & 0x1f) << 8 | p[7]) != 0;
  if (fragment) return;  // the transport checksum covers the reassembled datagram
  uint8_t* l4 = p + ihl;
  const size_t len = total - ihl;
  if (p[9] == kTcp || p[9] == kUdp) {
    const size_t at = p[9] == kTcp ? 16 : 6;
    if (len < at + 2) return;
    Put16(l4 + at, 0);
    uint32_t pseudo = OnesComplementSum(p + 12, 8);  // source and destination addresses
    pseudo += p[9];
    pseudo += static_cast<uint32_t>(len);
    Put16(l4 + at, FinishChecksum(OnesComplementSum(l4, len, pseudo)));
  } else if (p[9] == kIcmp) {
    if (len < 8) return;
    // An ICMP error quotes the offending IPv4 header, written with its checksum too.
    if (IsIcmpError(l4[0]) && len >= 8 + 20 && (l4[8] >> 4) == 4) {
      const size_t qihl = static_cast<size_t>(l4[8] & 0x0f) * 4;
      if (qihl >= 20 && 8 + qihl <= len) FillHeaderChecksum(l4 + 8, qihl);
    }
    Put16(l4 + 2, 0);
    Put16(l4 + 2, FinishChecksum(OnesComplementSum(l4, len)));
  }
}

}  // namespace vantage::sim
