// Synthetic pcap for the exporter benchmark: TCP connections with handshakes and FIN or RST
// endings, UDP exchanges, ICMP echo, some IPv6, spread over time with idle gaps so inactive
// and active timeouts matter. Deterministic for a seed.
//
//   vantage_bench_gen_pcap OUT.pcap [--packets 5000000] [--flows 500000] [--seconds 900]
//                          [--snaplen 96] [--seed 1]
#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

struct Flow {
  uint32_t a;  // client index
  uint32_t b;  // server index
  uint16_t sport;
  uint16_t dport;
  uint8_t proto;  // 6, 17, 1 (58 for v6 ICMP)
  bool v6;
  bool rst;
  uint16_t data;     // data packets (TCP/UDP), echo pairs (ICMP)
  uint32_t gapMs;    // mean gap between packets
  uint32_t pauseAt;  // packet index before which a long pause happens (0 = none)
  uint32_t pauseMs;
  uint64_t startNs;
};

struct Event {
  uint64_t ns;
  uint32_t flow;
  uint32_t idx;
  bool operator<(const Event& o) const {
    return ns != o.ns ? ns < o.ns : (flow != o.flow ? flow < o.flow : idx < o.idx);
  }
};

uint32_t PacketCount(const Flow& f) {
  if (f.proto == 6) return 3 + f.data + (f.rst ? 1 : 4);
  if (f.proto == 17) return f.data;
  return 2u * f.data;  // ICMP echo request + reply
}

void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// Builds packet `idx` of flow `f` into buf; returns the wire length.
size_t Build(const Flow& f, uint32_t idx, std::mt19937_64& rng, uint8_t* buf) {
  bool fromClient = true;
  uint8_t tcpFlags = 0x10;
  size_t payload = 0;
  if (f.proto == 6) {
    uint32_t n = PacketCount(f);
    if (idx == 0)
      tcpFlags = 0x02;
    else if (idx == 1) {
      tcpFlags = 0x12;
      fromClient = false;
    } else if (idx == 2)
      tcpFlags = 0x10;
    else if (idx < 3u + f.data) {
      fromClient = (idx % 2) == 1;
      tcpFlags = 0x18;
      payload = fromClient ? 40 + rng() % 400 : 200 + rng() % 1260;
    } else if (f.rst) {
      tcpFlags = 0x04;
      fromClient = (rng() & 1) != 0;
    } else {
      uint32_t k = idx - (n - 4);  // 0 FIN client, 1 ACK server, 2 FIN server, 3 ACK client
      fromClient = k == 0 || k == 3;
      tcpFlags = (k == 0 || k == 2) ? 0x11 : 0x10;
    }
  } else if (f.proto == 17) {
    fromClient = (idx % 3) != 2;
    payload = 20 + rng() % 500;
  } else {
    fromClient = (idx % 2) == 0;
    payload = 56;
  }
  uint8_t* p = buf;
  // Ethernet
  std::memset(p, 0x02, 12);
  p[5] = fromClient ? 1 : 2;
  p[11] = fromClient ? 2 : 1;
  Put16(p + 12, f.v6 ? 0x86dd : 0x0800);
  p += 14;
  uint32_t src = fromClient ? f.a : f.b;
  uint32_t dst = fromClient ? f.b : f.a;
  uint16_t sp = fromClient ? f.sport : f.dport;
  uint16_t dp = fromClient ? f.dport : f.sport;
  uint8_t proto = f.proto == 1 && f.v6 ? 58 : f.proto;
  size_t l4 = proto == 6 ? 20 : proto == 17 ? 8 : 8;
  size_t ipLen;
  if (!f.v6) {
    ipLen = 20 + l4 + payload;
    p[0] = 0x45;
    p[1] = 0;
    Put16(p + 2, static_cast<uint16_t>(ipLen));
    Put16(p + 4, static_cast<uint16_t>(idx));
    Put16(p + 6, 0x4000);
    p[8] = fromClient ? 64 : 57;
    p[9] = proto;
    Put16(p + 10, 0);
    uint32_t s = 0x0a000000u | (src & 0xffffff), d = 0xac100000u | (dst & 0xfffff);
    if (!fromClient) std::swap(s, d);
    for (int i = 0; i < 4; ++i) {
      p[12 + i] = static_cast<uint8_t>(s >> (24 - 8 * i));
      p[16 + i] = static_cast<uint8_t>(d >> (24 - 8 * i));
    }
    p += 20;
  } else {
    ipLen = 40 + l4 + payload;
    p[0] = 0x60;
    p[1] = p[2] = p[3] = 0;
    Put16(p + 4, static_cast<uint16_t>(l4 + payload));
    p[6] = proto;
    p[7] = 64;
    uint8_t* s = p + 8;
    uint8_t* d = p + 24;
    std::memset(s, 0, 32);
    s[0] = 0x20;
    s[1] = 0x01;
    s[2] = 0x0d;
    s[3] = 0xb8;
    d[0] = 0x20;
    d[1] = 0x01;
    d[2] = 0x0d;
    d[3] = 0xb8;
    d[4] = 0xff;
    uint32_t cs = fromClient ? src : dst, cd = fromClient ? dst : src;
    for (int i = 0; i < 4; ++i) {
      s[12 + i] = static_cast<uint8_t>(cs >> (24 - 8 * i));
      d[12 + i] = static_cast<uint8_t>(cd >> (24 - 8 * i));
    }
    if (!fromClient) {
      for (int i = 0; i < 16; ++i) std::swap(s[i], d[i]);
    }
    p += 40;
  }
  if (proto == 6) {
    Put16(p, sp);
    Put16(p + 2, dp);
    std::memset(p + 4, 0, 16);
    p[12] = 0x50;
    p[13] = tcpFlags;
    Put16(p + 14, 65535);
  } else if (proto == 17) {
    Put16(p, sp);
    Put16(p + 2, dp);
    Put16(p + 4, static_cast<uint16_t>(8 + payload));
    Put16(p + 6, 0);
  } else {
    p[0] = proto == 1 ? (fromClient ? 8 : 0) : (fromClient ? 128 : 129);
    p[1] = 0;
    Put16(p + 2, 0);
    Put16(p + 4, f.sport);
    Put16(p + 6, static_cast<uint16_t>(idx / 2));
  }
  p += l4;
  std::memset(p, 0xab, std::min<size_t>(payload, 1500));
  return 14 + ipLen;
}

// A whole positive decimal number (no sign, no suffix, no zero): every option is a count or a
// span that is divided by or taken modulo, so zero or garbage must stop the generator.
bool ParsePositive(const char* text, uint64_t& out, bool allowZero = false) {
  if (text == nullptr || *text < '0' || *text > '9') return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || (v == 0 && !allowZero)) {
    return false;
  }
  out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help") {
    std::fprintf(stderr,
                 "usage: %s OUT.pcap [--packets N=5000000] [--flows N=500000] [--seconds S=900] "
                 "[--snaplen N=96] [--seed N=1]\n",
                 argv[0]);
    return 2;
  }
  std::string out = argv[1];
  uint64_t packets = 5000000, flows = 500000, seconds = 900, seed = 1;
  int snaplen = 96;
  for (int i = 2; i < argc; i += 2) {
    std::string k = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s: option %s needs a value\n", argv[0], k.c_str());
      return 2;
    }
    uint64_t v = 0;
    if (!ParsePositive(argv[i + 1], v, k == "--seed")) {
      std::fprintf(stderr, "%s: %s must be a positive integer, not '%s'\n", argv[0], k.c_str(),
                   argv[i + 1]);
      return 2;
    }
    if (k == "--packets")
      packets = v;
    else if (k == "--flows")
      flows = v;
    else if (k == "--seconds")
      seconds = v;
    else if (k == "--snaplen")
      snaplen = static_cast<int>(std::min<uint64_t>(v, 1u << 20));
    else if (k == "--seed")
      seed = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (snaplen < 64 || snaplen > 65535) {
    std::fprintf(stderr, "%s: --snaplen must be between 64 and 65535\n", argv[0]);
    return 2;
  }
  if (packets > (1ull << 32) || flows > (1ull << 31) || seconds > 10ull * 365 * 86400) {
    std::fprintf(stderr, "%s: --packets, --flows or --seconds too large\n", argv[0]);
    return 2;
  }
  std::mt19937_64 rng(seed);
  std::vector<Flow> fl(flows);
  uint64_t total = 0;
  const uint64_t t0 = 1700000000ull * 1000000000ull;
  for (uint64_t i = 0; i < flows; ++i) {
    Flow& f = fl[i];
    f.a = static_cast<uint32_t>(rng() % 60000);
    f.b = static_cast<uint32_t>(rng() % 4000);
    f.sport = static_cast<uint16_t>(1024 + rng() % 60000);
    f.v6 = rng() % 10 == 0;
    uint32_t r = static_cast<uint32_t>(rng() % 100);
    f.proto = r < 60 ? 6 : r < 88 ? 17 : 1;
    f.dport = f.proto == 6    ? (rng() % 3 == 0 ? 443
                                 : rng() % 2    ? 80
                                                : 22)
              : f.proto == 17 ? (rng() % 2 ? 53 : 123)
                              : 0;
    f.rst = rng() % 5 == 0;
    f.data = static_cast<uint16_t>(f.proto == 1   ? 1 + rng() % 4
                                   : f.proto == 6 ? rng() % 6
                                                  : 1 + rng() % 8);
    f.gapMs = static_cast<uint32_t>(5 + rng() % 400);
    f.pauseAt = 0;
    f.startNs = t0 + rng() % (seconds * 1000000000ull);
    total += PacketCount(f);
  }
  // Top up data packets until the packet target is met (deterministic); ICMP flows keep their
  // echo pairs, so without a TCP or UDP flow the target stays where it is.
  bool topUp = std::any_of(fl.begin(), fl.end(), [](const Flow& f) { return f.proto != 1; });
  while (topUp && total < packets) {
    Flow& f = fl[rng() % flows];
    if (f.proto == 1) continue;
    uint16_t add = static_cast<uint16_t>(std::min<uint64_t>(packets - total, 1 + rng() % 8));
    f.data = static_cast<uint16_t>(f.data + add);
    total += add;
  }
  // Some flows pause longer than the idle timeout; a few live longer than the active one.
  for (uint64_t i = 0; i < flows; ++i) {
    Flow& f = fl[i];
    uint32_t n = PacketCount(f);
    if (n > 4 && rng() % 20 == 0) {
      f.pauseAt = 2 + static_cast<uint32_t>(rng() % (n - 3));
      f.pauseMs = 20000 + static_cast<uint32_t>(rng() % 20000);
    }
    if (n > 20 && rng() % 50 == 0) f.gapMs = 20000;  // long-lived, slow flow
  }
  std::vector<Event> ev;
  ev.reserve(total);
  for (uint64_t i = 0; i < flows; ++i) {
    const Flow& f = fl[i];
    uint64_t t = f.startNs;
    uint32_t n = PacketCount(f);
    for (uint32_t k = 0; k < n; ++k) {
      if (k > 0) t += (static_cast<uint64_t>(f.gapMs) * 1000000ull * (50 + rng() % 100)) / 100;
      if (f.pauseAt != 0 && k == f.pauseAt) t += static_cast<uint64_t>(f.pauseMs) * 1000000ull;
      ev.push_back({t, static_cast<uint32_t>(i), k});
    }
  }
  std::sort(ev.begin(), ev.end());
  pcap_t* dead = pcap_open_dead_with_tstamp_precision(1, snaplen, PCAP_TSTAMP_PRECISION_MICRO);
  pcap_dumper_t* d = pcap_dump_open(dead, out.c_str());
  if (!d) {
    std::fprintf(stderr, "%s: %s\n", out.c_str(), pcap_geterr(dead));
    return 1;
  }
  std::vector<uint8_t> buf(2048);
  for (const Event& e : ev) {
    size_t len = Build(fl[e.flow], e.idx, rng, buf.data());
    pcap_pkthdr h{};
    h.ts.tv_sec = static_cast<time_t>(e.ns / 1000000000ull);
    h.ts.tv_usec = static_cast<suseconds_t>((e.ns % 1000000000ull) / 1000);
    h.len = static_cast<bpf_u_int32>(len);
    h.caplen = static_cast<bpf_u_int32>(std::min<size_t>(len, static_cast<size_t>(snaplen)));
    pcap_dump(reinterpret_cast<u_char*>(d), &h, buf.data());
  }
  pcap_dump_close(d);
  pcap_close(dead);
  std::fprintf(stderr, "%s: %zu packets, %llu flows (connections), %llu s\n", out.c_str(),
               ev.size(), static_cast<unsigned long long>(flows),
               static_cast<unsigned long long>(seconds));
  return 0;
}
