// Reading back exporters that write their own file formats, through their own readers' text
// output (nfdump, ra). Every field is parsed with checks; a bad line is counted and skipped.
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "vantage/conformance/runner.h"

namespace vantage::conformance {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = line.find(sep, start);
    out.push_back(
        Trim(line.substr(start, p == std::string_view::npos ? line.size() - start : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

bool ParseU64(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  std::string t(s);
  char* end = nullptr;
  int base = t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') ? 16 : 10;
  errno = 0;
  unsigned long long v = std::strtoull(t.c_str(), &end, base);
  if (errno != 0 || !end || *end != '\0' || t[0] == '-') return false;
  out = v;
  return true;
}

/// "1767600000.123456" seconds since the epoch, to nanoseconds (no floating point).
bool ParseEpoch(std::string_view s, core::Timestamp& out) {
  size_t dot = s.find('.');
  uint64_t sec = 0, frac = 0;
  if (!ParseU64(s.substr(0, dot), sec) || sec > 4000000000ull) return false;
  int64_t ns = 0;
  if (dot != std::string_view::npos) {
    std::string_view f = s.substr(dot + 1);
    if (f.size() > 9 || (!f.empty() && !ParseU64(f, frac))) return false;
    ns = static_cast<int64_t>(frac);
    for (size_t i = f.size(); i < 9; ++i) ns *= 10;
  }
  out = core::Timestamp::FromNanos(static_cast<int64_t>(sec) * 1000000000 + ns);
  return true;
}

bool ParseProto(std::string_view s, uint8_t& out) {
  static const std::pair<const char*, uint8_t> names[] = {
      {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmp6", 58}, {"ipv6-icmp", 58}, {"ipv6icmp", 58}};
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [n, v] : names)
    if (lower == n) {
      out = v;
      return true;
    }
  uint64_t v = 0;
  if (!ParseU64(s, v) || v > 255) return false;
  out = static_cast<uint8_t>(v);
  return true;
}

/// A port, or an ICMP "type.code" as type * 256 + code.
bool ParsePort(std::string_view s, uint16_t& out) {
  uint64_t v = 0, c = 0;
  size_t dot = s.find('.');
  if (dot != std::string_view::npos) {
    if (!ParseU64(s.substr(0, dot), v) || !ParseU64(s.substr(dot + 1), c) || v > 255 || c > 255)
      return false;
    out = static_cast<uint16_t>(v << 8 | c);
    return true;
  }
  if (s.empty()) {
    out = 0;
    return true;
  }
  if (!ParseU64(s, v) || v > 65535) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

/// nfdump's flags column: "...AP.SF" letters (or a hex number).
uint8_t ParseTcpFlags(std::string_view s) {
  uint64_t v = 0;
  if (ParseU64(s, v)) return static_cast<uint8_t>(v);
  uint8_t f = 0;
  for (char c : s) {
    switch (c) {
      case 'F':
        f |= 0x01;
        break;
      case 'S':
        f |= 0x02;
        break;
      case 'R':
        f |= 0x04;
        break;
      case 'P':
        f |= 0x08;
        break;
      case 'A':
        f |= 0x10;
        break;
      case 'U':
        f |= 0x20;
        break;
      case 'E':
        f |= 0x40;
        break;
      case 'C':
        f |= 0x80;
        break;
      default:
        break;
    }
  }
  return f;
}

bool ParseAddress(std::string_view s, core::IpAddress& out) {
  auto a = core::IpAddress::Parse(s);
  if (!a) return false;
  out = *a;
  return true;
}

template <typename LineFn>
void ForEachLine(const std::string& text, LineFn fn) {
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + start, nl - start);
    if (!Trim(line).empty()) fn(Trim(line));
    start = nl + 1;
  }
}

}  // namespace

std::vector<core::FlowRecord> ParseNfdumpLines(const std::string& text, uint64_t* badLines) {
  std::vector<core::FlowRecord> out;
  ForEachLine(text, [&](std::string_view line) {
    auto f = Split(line, '|');
    core::FlowRecord r;
    uint64_t tos = 0;
    core::Timestamp duration;
    bool ok = f.size() >= 11 && ParseEpoch(f[0], r.start) && ParseEpoch(f[1], duration) &&
              ParseProto(f[2], r.key.protocol) && ParseAddress(f[3], r.key.src) &&
              ParsePort(f[4], r.key.srcPort) && ParseAddress(f[5], r.key.dst) &&
              ParsePort(f[6], r.key.dstPort) && ParseU64(f[7], r.packets) &&
              ParseU64(f[8], r.octets) && ParseU64(f[10], tos) && tos < 256;
    if (!ok) {
      if (badLines && line.rfind("Summary", 0) != 0) ++*badLines;
      return;
    }
    r.end = core::Timestamp::FromNanos(r.start.ns + duration.ns);  // %td: seconds.millis
    r.tcpFlags = ParseTcpFlags(f[9]);
    r.key.tos = static_cast<uint8_t>(tos);
    if (r.key.protocol == 1 || r.key.protocol == 58) {
      r.icmpType = static_cast<uint8_t>(r.key.dstPort >> 8);
      r.icmpCode = static_cast<uint8_t>(r.key.dstPort & 0xff);
    }
    out.push_back(r);
  });
  return out;
}

std::vector<core::FlowRecord> ParseArgusCsv(const std::string& text, uint64_t* badLines) {
  std::vector<core::FlowRecord> out;
  ForEachLine(text, [&](std::string_view line) {
    if (line.rfind("StartTime", 0) == 0) return;  // header
    auto f = Split(line, ',');
    if (f.size() > 6 && f[6] == "man") return;  // argus management (status) records
    core::FlowRecord r;
    bool ok = f.size() >= 11 && ParseEpoch(f[0], r.start) && ParseEpoch(f[1], r.end) &&
              ParseAddress(f[2], r.key.src) && ParsePort(f[3], r.key.srcPort) &&
              ParseAddress(f[4], r.key.dst) && ParsePort(f[5], r.key.dstPort) &&
              ParseProto(f[6], r.key.protocol) && ParseU64(f[7], r.packets) &&
              ParseU64(f[8], r.reversePackets) && ParseU64(f[9], r.octets) &&
              ParseU64(f[10], r.reverseOctets);
    if (!ok) {
      if (badLines) ++*badLines;
      return;
    }
    if (r.key.protocol == 1 || r.key.protocol == 58) {
      // ra prints the ICMP type in sport and the code in dport.
      r.icmpType = static_cast<uint8_t>(r.key.srcPort);
      r.icmpCode = static_cast<uint8_t>(r.key.dstPort);
      r.key.dstPort = static_cast<uint16_t>(r.icmpType << 8 | r.icmpCode);
      r.key.srcPort = 0;
    }
    out.push_back(r);
  });
  return out;
}

}  // namespace vantage::conformance
