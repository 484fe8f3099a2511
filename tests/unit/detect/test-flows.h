// Builders for synthetic flow records: one connection = a request and a response uniflow.
#pragma once

#include <string>
#include <vector>

#include "vantage/core/flow.h"
#include "vantage/detect/context.h"
#include "vantage/detect/detectors.h"

namespace vantage::detect::test {

inline constexpr int64_t kT0 = 1767600000LL * 1000000000LL;

inline core::IpAddress Ip(const std::string& s) {
  return *core::IpAddress::Parse(s);
}

struct ConnSpec {
  std::string client, server;
  uint16_t clientPort = 50000, serverPort = 443;
  uint8_t protocol = 6;
  double startS = 0, durationS = 1;
  uint64_t packetsOut = 10, bytesOut = 1000, packetsIn = 10, bytesIn = 5000;
  uint8_t flagsOut = 0x1b, flagsIn = 0x1b;  // SYN ACK FIN PSH
  uint32_t sampling = 0;
};

inline void AddConn(std::vector<core::FlowRecord>& out, const ConnSpec& c) {
  core::FlowRecord req;
  req.key.src = Ip(c.client);
  req.key.dst = Ip(c.server);
  req.key.srcPort = c.clientPort;
  req.key.dstPort = c.serverPort;
  req.key.protocol = c.protocol;
  req.start.ns = kT0 + static_cast<int64_t>(c.startS * 1e9);
  req.end.ns = req.start.ns + static_cast<int64_t>(c.durationS * 1e9);
  req.packets = c.packetsOut;
  req.octets = c.bytesOut;
  req.tcpFlags = c.flagsOut;
  req.samplingInterval = c.sampling;
  if (c.packetsOut > 0) out.push_back(req);
  if (c.packetsIn == 0) return;
  core::FlowRecord resp = req;
  resp.key = req.key.Reversed();
  resp.packets = c.packetsIn;
  resp.octets = c.bytesIn;
  resp.tcpFlags = c.flagsIn;
  out.push_back(resp);
}

/// @brief A TCP probe answered by a reset (a failed connection).
inline ConnSpec Probe(const std::string& client, const std::string& server, uint16_t port,
                      double at, uint16_t clientPort = 40000) {
  ConnSpec c;
  c.client = client;
  c.server = server;
  c.clientPort = clientPort;
  c.serverPort = port;
  c.startS = at;
  c.durationS = 0.001;
  c.packetsOut = 1;
  c.bytesOut = 60;
  c.flagsOut = 0x02;
  c.packetsIn = 1;
  c.bytesIn = 40;
  c.flagsIn = 0x14;
  return c;
}

inline FlowSet SetOf(const std::vector<core::FlowRecord>& records) {
  FlowSet s;
  s.Add(records, "test");
  return s;
}

/// @brief 10.0.0.0/8 internal, 198.51.100.0/24 internet, 203.0.113.64/26 DMZ.
inline NetworkContext TestContext() {
  NetworkContext ctx;
  ctx.AddZonePrefix(*core::IpPrefix::Parse("10.0.0.0/8"), model::ZoneKind::kAccess);
  ctx.AddZonePrefix(*core::IpPrefix::Parse("198.51.100.0/24"), model::ZoneKind::kInternet);
  ctx.AddZonePrefix(*core::IpPrefix::Parse("203.0.113.64/26"), model::ZoneKind::kDmz);
  HostInfo web;
  web.name = "dmz-web";
  web.node = "dmz-web";
  web.zone = "dmz";
  web.zoneKind = model::ZoneKind::kDmz;
  web.role = "web";
  ctx.AddHost(Ip("203.0.113.70"), web);
  HostInfo mail = web;
  mail.name = mail.node = "dmz-mail";
  mail.role = "mail";
  ctx.AddHost(Ip("203.0.113.71"), mail);
  return ctx;
}

/// @brief Runs one detector on records.
inline std::vector<Finding> Detect(std::vector<Finding> (*fn)(const DetectInput&),
                                   const std::vector<core::FlowRecord>& records,
                                   const Rules& rules = {}) {
  static NetworkContext ctx = TestContext();
  FlowSet set = SetOf(records);
  std::vector<Connection> conns = BuildConnections(set);
  ClassifyConnections(conns, ctx);
  DetectInput in{&set, &conns, &ctx, &rules};
  return fn(in);
}

}  // namespace vantage::detect::test
