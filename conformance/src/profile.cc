// The edge-case traffic profile: one generator per case, each on its own address prefix,
// packets merged in time order into one pcap.
#include "vantage/conformance/profile.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include "frame-builder.h"
#include "vantage/exporter/pcap-io.h"

namespace vantage::conformance {
namespace {

using detail::FrameSpec;

struct Packet {
  int64_t ns;
  uint64_t order;
  std::vector<uint8_t> frame;
  size_t capLen;
};

/// Packets of one case, written relative to the case's start time.
class CaseWriter {
 public:
  CaseWriter(int index, int64_t baseNs, std::vector<Packet>& out)
      : m_index(index), m_base(baseNs), m_out(out) {}

  core::IpAddress V4(int host) const {
    return core::IpAddress::V4((10u << 24) | (static_cast<uint32_t>(m_index) << 16) |
                               static_cast<uint32_t>(host));
  }
  core::IpAddress V6(int host) const {
    auto a = *core::IpAddress::Parse("fd00::");
    a.bytes[5] = static_cast<uint8_t>(m_index);
    a.bytes[14] = static_cast<uint8_t>(host >> 8);
    a.bytes[15] = static_cast<uint8_t>(host);
    return a;
  }
  void Add(double atS, const FrameSpec& s, size_t capLen = 0) {
    std::vector<uint8_t> f = detail::BuildFrame(s);
    size_t cap = capLen && capLen < f.size() ? capLen : f.size();
    m_out.push_back({m_base + static_cast<int64_t>(atS * 1e9), m_out.size(), std::move(f), cap});
  }
  FrameSpec Udp(int a, int b, uint16_t sp, uint16_t dp, size_t payload = 100) const {
    FrameSpec s;
    s.src = V4(a);
    s.dst = V4(b);
    s.protocol = 17;
    s.srcPort = sp;
    s.dstPort = dp;
    s.payload = payload;
    return s;
  }
  FrameSpec Tcp(bool fwd, uint8_t flags, size_t payload = 0) const {
    FrameSpec s;
    s.src = V4(fwd ? 1 : 2);
    s.dst = V4(fwd ? 2 : 1);
    s.protocol = 6;
    s.srcPort = fwd ? 40000 : 443;
    s.dstPort = fwd ? 443 : 40000;
    s.tcpFlags = flags;
    s.payload = payload;
    return s;
  }
  /// Handshake and a few data segments; returns the time after them.
  double Open(double t) {
    Add(t, Tcp(true, 0x02));
    Add(t + 0.010, Tcp(false, 0x12));
    Add(t + 0.020, Tcp(true, 0x10));
    Add(t + 0.030, Tcp(true, 0x18, 200));
    Add(t + 0.040, Tcp(false, 0x18, 1200));
    Add(t + 0.050, Tcp(true, 0x10));
    return t + 0.060;
  }

 private:
  int m_index;
  int64_t m_base;
  std::vector<Packet>& m_out;
};

constexpr uint8_t kFin = 0x01, kRst = 0x04, kAck = 0x10;

void IdleUnder(CaseWriter& w, const Profile& p) {
  double gap = p.inactiveTimeout.ToSeconds() * 0.9;
  for (int i = 0; i < 4; ++i) w.Add(i * gap, w.Udp(1, 2, 5000, 53));
}
void IdleOver(CaseWriter& w, const Profile& p) {
  double gap = p.inactiveTimeout.ToSeconds() * 1.1;
  for (int i = 0; i < 4; ++i) w.Add(i * gap, w.Udp(1, 2, 5001, 53));
}
void ActiveLong(CaseWriter& w, const Profile& p) {
  double step = p.inactiveTimeout.ToSeconds() / 3, end = p.activeTimeout.ToSeconds() * 2.5;
  for (double t = 0; t < end; t += step) w.Add(t, w.Udp(1, 2, 5002, 5004, 1000));
}
void TcpFin(CaseWriter& w, const Profile&) {
  double t = w.Open(0);
  w.Add(t, w.Tcp(true, kFin | kAck));
  w.Add(t + 0.010, w.Tcp(false, kFin | kAck));
  w.Add(t + 0.020, w.Tcp(true, kAck));
}
void TcpRst(CaseWriter& w, const Profile&) {
  double t = w.Open(0);
  w.Add(t, w.Tcp(false, kRst | kAck));
}
void TcpHalfClosed(CaseWriter& w, const Profile&) {
  double t = w.Open(0);
  w.Add(t, w.Tcp(true, kFin | kAck));
  for (int i = 1; i <= 5; ++i) w.Add(t + i * 0.5, w.Tcp(false, 0x18, 1000));
  w.Add(t + 3, w.Tcp(true, kAck));
}
void PortReuse(CaseWriter& w, const Profile&) {
  double t = w.Open(0);
  w.Add(t, w.Tcp(true, kFin | kAck));
  w.Add(t + 0.010, w.Tcp(false, kFin | kAck));
  t = w.Open(2.0);  // the same 5-tuple, a new connection
  w.Add(t, w.Tcp(true, kRst));
}
void Icmp(CaseWriter& w, const Profile&) {
  const std::pair<uint8_t, uint8_t> types[] = {{8, 0}, {0, 0}, {3, 3}, {11, 0}, {5, 1}};
  double t = 0;
  for (auto [type, code] : types) {
    FrameSpec s = w.Udp(type == 0 ? 2 : 1, type == 0 ? 1 : 2, 0, 0, 32);
    s.protocol = 1;
    s.icmpType = type;
    s.icmpCode = code;
    w.Add(t, s);
    w.Add(t + 1, s);
    t += 0.1;
  }
}
void Icmp6(CaseWriter& w, const Profile&) {
  const std::pair<uint8_t, uint8_t> types[] = {{128, 0}, {129, 0}, {1, 4}, {135, 0}, {3, 0}};
  double t = 0;
  for (auto [type, code] : types) {
    FrameSpec s;
    s.src = w.V6(type == 129 ? 2 : 1);
    s.dst = w.V6(type == 129 ? 1 : 2);
    s.protocol = 58;
    s.icmpType = type;
    s.icmpCode = code;
    s.payload = 32;
    w.Add(t, s);
    w.Add(t + 1, s);
    t += 0.1;
  }
}
void Fragments(CaseWriter& w, const Profile&) {
  FrameSpec s = w.Udp(1, 2, 5005, 5006, 1472);
  s.moreFragments = true;
  w.Add(0, s);  // first fragment: carries the UDP header
  s.fragOffset = 185;
  s.payload = 1480;
  w.Add(0.001, s);
  s.fragOffset = 370;
  s.moreFragments = false;
  s.payload = 500;
  w.Add(0.002, s);
}
void Ipv4Options(CaseWriter& w, const Profile&) {
  FrameSpec s = w.Udp(1, 2, 5007, 5008, 64);
  s.ipv4OptionWords = 2;
  for (int i = 0; i < 3; ++i) w.Add(i * 0.1, s);
}
void Ipv6Ext(CaseWriter& w, const Profile&) {
  FrameSpec s;
  s.src = w.V6(1);
  s.dst = w.V6(2);
  s.protocol = 17;
  s.srcPort = 5009;
  s.dstPort = 5010;
  s.payload = 80;
  s.extensions = {0, 60};
  for (int i = 0; i < 3; ++i) w.Add(i * 0.1, s);
  s.srcPort = 5011;  // a fragmented datagram: first fragment has the ports
  s.extensions = {60};
  s.fragmentHeader = true;
  s.moreFragments = true;
  w.Add(0.5, s);
}
void Vlan(CaseWriter& w, const Profile&) {
  FrameSpec s = w.Udp(1, 2, 5012, 5013, 200);
  s.vlans = {100};
  for (int i = 0; i < 3; ++i) w.Add(i * 0.1, s);
}
void QinQ(CaseWriter& w, const Profile&) {
  FrameSpec s = w.Udp(1, 2, 5014, 5015, 200);
  s.vlans = {200, 300};
  for (int i = 0; i < 3; ++i) w.Add(i * 0.1, s);
}
void TinyPadded(CaseWriter& w, const Profile&) {
  FrameSpec s = w.Udp(1, 2, 5016, 5017, 2);  // 30 bytes of IP in a 60-byte frame
  s.padToMinimum = true;
  for (int i = 0; i < 5; ++i) w.Add(i * 0.1, s);
}
void ShortSnaplen(CaseWriter& w, const Profile&) {
  FrameSpec s = w.Udp(1, 2, 5018, 5019, 1400);
  for (int i = 0; i < 5; ++i) w.Add(i * 0.1, s, 64);
}
void CachePressure(CaseWriter& w, const Profile& p) {
  // Every flow opens, then every flow sends again: more flows than the cache holds at once.
  const uint64_t n = p.cachePressureFlows;
  const double step = 1e-5;
  for (int round = 0; round < 2; ++round)
    for (uint64_t i = 0; i < n; ++i) {
      FrameSpec s = w.Udp(1 + static_cast<int>(i / 50000), 2,
                          static_cast<uint16_t>(1024 + i % 50000), 7000, 20);
      w.Add(round * (n * step + 1.0) + static_cast<double>(i) * step, s);
    }
}

using Generator = std::function<void(CaseWriter&, const Profile&)>;

const std::vector<std::tuple<std::string, std::string, Generator>>& Cases() {
  static const std::vector<std::tuple<std::string, std::string, Generator>> all = {
      {"idle-under", "UDP packets 0.9 x inactive timeout apart: one record", IdleUnder},
      {"idle-over", "UDP packets 1.1 x inactive timeout apart: one record per packet", IdleOver},
      {"active-long", "UDP flow lasting 2.5 x active timeout: cut by the active timeout",
       ActiveLong},
      {"tcp-fin", "TCP connection closed by FIN from both sides", TcpFin},
      {"tcp-rst", "TCP connection reset by the server", TcpRst},
      {"tcp-half-closed", "client sends FIN, server keeps sending", TcpHalfClosed},
      {"port-reuse", "same 5-tuple reused 2 s after a FIN close", PortReuse},
      {"icmp", "ICMP echo, reply, unreachable, time exceeded, redirect", Icmp},
      {"icmpv6", "ICMPv6 echo, reply, unreachable, neighbour solicitation, time exceeded", Icmp6},
      {"ipv4-fragments", "a UDP datagram in three IPv4 fragments", Fragments},
      {"ipv4-options", "IPv4 header with 8 bytes of options", Ipv4Options},
      {"ipv6-extensions", "IPv6 hop-by-hop and destination options, fragment header", Ipv6Ext},
      {"vlan", "802.1Q tagged frames", Vlan},
      {"qinq", "802.1ad QinQ double-tagged frames", QinQ},
      {"tiny-padded", "30-byte IP packets padded to the 60-byte Ethernet minimum", TinyPadded},
      {"short-snaplen", "1428-byte IP packets captured with 64 bytes", ShortSnaplen},
      {"cache-pressure", "more concurrent flows than the cache holds, each sending twice",
       CachePressure},
  };
  return all;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& ProfileCaseNames() {
  static const std::vector<std::pair<std::string, std::string>> names = [] {
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& c : Cases()) v.emplace_back(std::get<0>(c), std::get<1>(c));
    return v;
  }();
  return names;
}

namespace {

core::Status ReadProfileNode(const YAML::Node& root, const std::string& name, Profile& p) {
  auto err = [&](const YAML::Node& n, const std::string& msg) {
    std::string where = name;
    if (n.IsDefined() && n.Mark().line >= 0)
      where += ":" + std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1);
    return core::MakeError(core::ErrorCode::kParse, where + ": " + msg);
  };
  if (!root.IsMap()) return err(root, "expected a map (start, inactive_timeout, ..., cases)");
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    try {
      if (key == "start") {
        p.startUnixS = v.as<int64_t>();
      } else if (key == "inactive_timeout" || key == "active_timeout") {
        double s = v.as<double>();
        if (!(s > 0 && s < 1e6)) return err(v, key + ": must be a positive number of seconds");
        (key == "active_timeout" ? p.activeTimeout : p.inactiveTimeout) =
            core::Duration::Seconds(s);
      } else if (key == "cache_pressure_flows") {
        int64_t n = v.as<int64_t>();
        if (n < 0 || n > 5000000) return err(v, key + ": must be between 0 and 5000000");
        p.cachePressureFlows = static_cast<uint64_t>(n);
      } else if (key == "cases") {
        for (const auto& c : v) {
          std::string cn = c.as<std::string>();
          bool known = false;
          for (const auto& kn : ProfileCaseNames()) known = known || kn.first == cn;
          if (!known) return err(c, "unknown case '" + cn + "' (see docs/conformance.md)");
          p.cases.push_back(cn);
        }
      } else {
        return err(kv.first, "unknown key '" + key +
                                 "' (known: start, inactive_timeout, active_timeout, "
                                 "cache_pressure_flows, cases)");
      }
    } catch (const YAML::Exception&) {
      return err(v, key + ": wrong type of value");
    }
  }
  if (p.inactiveTimeout > p.activeTimeout)
    return err(root, "inactive_timeout is longer than active_timeout");
  return {};
}

}  // namespace

core::Result<Profile> ParseProfile(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return core::MakeError(core::ErrorCode::kParse,
                           name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  Profile p;
  if (root.IsNull()) return p;
  VANTAGE_RETURN_IF_ERROR(ReadProfileNode(root, name, p));
  return p;
}

core::Result<Profile> LoadProfile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::MakeError(core::ErrorCode::kNotFound, path + ": cannot open profile");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseProfile(ss.str(), path);
}

core::Result<ProfileStats> WriteProfile(const Profile& p, const std::string& pcapPath) {
  std::vector<Packet> packets;
  nlohmann::json cases = nlohmann::json::array();
  const int64_t base = p.startUnixS * 1000000000;
  // Everything else has ended (and idled out) before the cache is put under pressure.
  const double pressureAt = p.activeTimeout.ToSeconds() * 2.6 + 3 * p.inactiveTimeout.ToSeconds();
  ProfileStats stats;
  int index = 0;
  for (const auto& [name, description, gen] : Cases()) {
    ++index;
    if (!p.cases.empty() && std::find(p.cases.begin(), p.cases.end(), name) == p.cases.end())
      continue;
    double offset = name == "cache-pressure" ? pressureAt : 0.25 * index;
    CaseWriter w(index, base + static_cast<int64_t>(offset * 1e9), packets);
    gen(w, p);
    cases.push_back({{"name", name},
                     {"description", description},
                     {"prefixes", {w.V4(0).ToString() + "/16", w.V6(0).ToString() + "/48"}}});
    ++stats.cases;
  }
  std::stable_sort(packets.begin(), packets.end(), [](const Packet& a, const Packet& b) {
    return a.ns != b.ns ? a.ns < b.ns : a.order < b.order;
  });
  exporter::CaptureWriter writer;
  exporter::CaptureConfig cfg;
  cfg.path = pcapPath;
  VANTAGE_RETURN_IF_ERROR(writer.Open(cfg, 1));
  for (const auto& pk : packets)
    writer.Write(core::Timestamp::FromNanos(pk.ns), pk.frame.data(), pk.capLen, pk.frame.size());
  writer.Close();
  stats.packets = writer.PacketsWritten();
  std::ofstream side(pcapPath + ".cases.json");
  side << nlohmann::json{{"format", "vantage-conformance-cases/1"}, {"cases", cases}}.dump(2)
       << "\n";
  if (!side) return core::MakeError(core::ErrorCode::kIo, pcapPath + ".cases.json: cannot write");
  return stats;
}

core::Result<std::vector<EdgeCase>> LoadCases(const std::string& pcapPath) {
  const std::string path = pcapPath + ".cases.json";
  std::ifstream in(path);
  std::vector<EdgeCase> out;
  if (!in) return out;
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("cases") || !j["cases"].is_array())
    return core::MakeError(core::ErrorCode::kParse, path + ": not a cases file (JSON with cases)");
  for (const auto& c : j["cases"]) {
    EdgeCase e;
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string())
      return core::MakeError(core::ErrorCode::kParse, path + ": a case without a name");
    e.name = c["name"].get<std::string>();
    if (c.contains("description") && c["description"].is_string())
      e.description = c["description"].get<std::string>();
    for (const auto& pfx : c.value("prefixes", nlohmann::json::array())) {
      std::string s = pfx.is_string() ? pfx.get<std::string>() : "";
      size_t slash = s.find('/');
      auto addr = core::IpAddress::Parse(s.substr(0, slash));
      int len = slash == std::string::npos ? -1 : std::atoi(s.c_str() + slash + 1);
      if (!addr || len < 0 || len > (addr->IsV4() ? 32 : 128))
        return core::MakeError(core::ErrorCode::kParse, path + ": bad prefix '" + s + "'");
      e.prefixes.emplace_back(*addr, static_cast<unsigned>(len));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace vantage::conformance
