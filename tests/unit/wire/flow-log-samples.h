// Flow-log records for tests: one of each kind a provider writes (accepted and rejected TCP,
// UDP, ICMP, IPv6, NAT-translated, NODATA and SKIPDATA windows), built field by field.
#pragma once

#include <string>
#include <vector>

#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::wire::flowlog::testing {

inline core::IpAddress Ip(const std::string& s) {
  return *core::IpAddress::Parse(s);
}

inline core::Timestamp Sec(int64_t s, int64_t ms = 0) {
  return core::Timestamp::FromMillis(s * 1000 + ms);
}

inline FlowLogRecord Flow(Provider p, const std::string& src, uint16_t sport,
                          const std::string& dst, uint16_t dport, uint8_t proto, uint64_t pkts,
                          uint64_t bytes) {
  FlowLogRecord r;
  r.provider = p;
  r.src = Ip(src);
  r.dst = Ip(dst);
  r.srcPort = sport;
  r.dstPort = dport;
  r.protocol = proto;
  r.packets = pkts;
  r.octets = bytes;
  r.start = Sec(1700000000);
  r.end = Sec(1700000042);
  r.action = Action::kAccept;
  r.direction = Direction::kIngress;
  r.interfaceId = "eni-0a1b2c3d4e5f60718";
  r.instanceId = "i-0123456789abcdef0";
  r.subnetId = "subnet-0a11b22c33d44e55f";
  r.zone = "use1-az1";
  return r;
}

/// @brief AWS records (whole seconds), every kind a VPC flow log holds.
inline std::vector<FlowLogRecord> AwsSamples() {
  std::vector<FlowLogRecord> v;
  auto ssh = Flow(Provider::kAws, "172.31.16.139", 20641, "172.31.16.21", 22, 6, 20, 4249);
  ssh.tcpFlags = 19;  // SYN | FIN | ... as ORed over the window (SYN-ACK 18 | FIN 1)
  ssh.trafficPath = 1;
  v.push_back(ssh);
  auto rdp = Flow(Provider::kAws, "172.31.9.69", 49761, "172.31.9.12", 3389, 6, 1, 40);
  rdp.action = Action::kReject;
  rdp.tcpFlags = 2;
  v.push_back(rdp);
  // Egress through a NAT gateway: the interface sees the gateway's address, the packet keeps
  // the instance's.
  auto nat = Flow(Provider::kAws, "10.40.2.236", 36006, "203.0.113.5", 443, 6, 9, 1260);
  nat.direction = Direction::kEgress;
  nat.pktSrc = Ip("10.40.1.175");
  nat.tcpFlags = 3;
  nat.trafficPath = 8;
  nat.pktDstAwsService = "S3";
  v.push_back(nat);
  auto dns = Flow(Provider::kAws, "10.40.1.175", 53012, "10.40.0.2", 53, 17, 2, 150);
  dns.direction = Direction::kEgress;
  v.push_back(dns);
  auto ping = Flow(Provider::kAws, "10.40.1.175", 0, "10.40.2.9", 0, 1, 4, 336);
  v.push_back(ping);
  auto v6 =
      Flow(Provider::kAws, "2001:db8:1234:a100::1", 52311, "2001:db8:1234:a102::5", 80, 6, 7, 980);
  v6.tcpFlags = 18;
  v6.trafficPath = 1;
  v.push_back(v6);
  FlowLogRecord nodata;
  nodata.provider = Provider::kAws;
  nodata.interfaceId = "eni-0a1b2c3d4e5f60718";
  nodata.instanceId = "i-0123456789abcdef0";
  nodata.subnetId = "subnet-0a11b22c33d44e55f";
  nodata.zone = "use1-az1";
  nodata.start = Sec(1700000600);
  nodata.end = Sec(1700001200);
  nodata.logStatus = LogStatus::kNoData;
  v.push_back(nodata);
  FlowLogRecord skip = nodata;
  skip.logStatus = LogStatus::kSkipData;
  skip.start = Sec(1700001200);
  skip.end = Sec(1700001800);
  v.push_back(skip);
  return v;
}

inline Settings AwsSettings(int version) {
  Settings s = Settings::Defaults(Provider::kAws);
  s.awsVersion = version;
  s.account = "123456789010";
  s.region = "us-east-1";
  s.network = "vpc-0f00ba11c0ffee123";
  return s;
}

/// @brief Google Cloud records (nanosecond times; each side of a flow may report it).
inline std::vector<FlowLogRecord> GcpSamples() {
  std::vector<FlowLogRecord> v;
  auto web = Flow(Provider::kGcp, "10.128.0.7", 34512, "10.128.0.9", 443, 6, 12, 5120);
  web.start = core::Timestamp::FromNanos(1700000000123456789LL);
  web.end = core::Timestamp::FromNanos(1700000004987654321LL);
  web.reporter = "SRC";
  web.direction = Direction::kEgress;
  web.interfaceId = "web-1";
  web.instanceId = "web-1";
  web.subnetId = "default";
  web.zone = "us-central1-a";
  web.delivered = core::Timestamp::FromNanos(1700000011000000000LL);
  v.push_back(web);
  auto back = web;
  back.reporter = "DEST";
  back.direction = Direction::kIngress;
  back.interfaceId = "db-1";
  back.instanceId = "db-1";
  back.zone = "us-central1-b";
  v.push_back(back);
  auto dns = Flow(Provider::kGcp, "10.128.0.7", 40001, "8.8.8.8", 53, 17, 1, 74);
  dns.start = core::Timestamp::FromNanos(1700000005000000000LL);
  dns.end = dns.start;
  dns.reporter = "SRC";
  dns.direction = Direction::kEgress;
  dns.interfaceId = "web-1";
  dns.instanceId = "web-1";
  dns.subnetId = "default";
  dns.zone = "us-central1-a";
  v.push_back(dns);
  return v;
}

inline Settings GcpSettings(bool metadata) {
  Settings s = Settings::Defaults(Provider::kGcp);
  s.includeMetadata = metadata;
  s.account = "vantage-lab";
  s.region = "us-central1";
  s.network = "default";
  return s;
}

/// @brief Azure tuples: two NICs, allow and deny rules, begin / continuing / end states.
inline std::vector<FlowLogRecord> AzureSamples() {
  std::vector<FlowLogRecord> v;
  auto begin = Flow(Provider::kAzure, "10.0.0.6", 23956, "192.0.2.4", 443, 6, 0, 0);
  begin.start = begin.end = Sec(1700000003, 599);
  begin.direction = Direction::kEgress;
  begin.azureState = 'B';
  begin.interfaceId = "00224871C205";
  begin.aclId = "9a6bf2a8-6f62-4b1b-a2b2-23a0f1e5c6d7";
  begin.rule = "DefaultRule_AllowInternetOutBound";
  v.push_back(begin);
  auto cont = begin;
  cont.start = cont.end = Sec(1700000033, 12);
  cont.azureState = 'C';
  cont.packets = 30;
  cont.octets = 16978;
  cont.reversePackets = 24;
  cont.reverseOctets = 14008;
  v.push_back(cont);
  auto end = cont;
  end.start = end.end = Sec(1700000054, 250);
  end.azureState = 'E';
  end.packets = 5;
  end.octets = 400;
  end.reversePackets = 4;
  end.reverseOctets = 320;
  v.push_back(end);
  auto deny = Flow(Provider::kAzure, "198.51.100.77", 61002, "10.0.0.6", 22, 6, 1, 60);
  deny.start = deny.end = Sec(1700000040, 1);
  deny.direction = Direction::kIngress;
  deny.action = Action::kReject;
  deny.azureState = 'D';
  deny.interfaceId = "00224871C205";
  deny.aclId = "9a6bf2a8-6f62-4b1b-a2b2-23a0f1e5c6d7";
  deny.rule = "DefaultRule_DenyAllInBound";
  v.push_back(deny);
  auto other = Flow(Provider::kAzure, "10.0.1.4", 50123, "10.0.0.6", 1433, 6, 11, 2200);
  other.start = other.end = Sec(1700000041, 500);
  other.direction = Direction::kEgress;
  other.azureState = 'C';
  other.reversePackets = 9;
  other.reverseOctets = 5400;
  other.interfaceId = "0022487D9A1B";
  other.aclId = "00000000-0000-0000-0000-000000000000";
  other.rule = "DefaultRule_AllowVnetOutBound";
  v.push_back(other);
  return v;
}

inline Settings AzureSettings() {
  Settings s = Settings::Defaults(Provider::kAzure);
  s.account = "00000000-1111-2222-3333-444444444444";
  s.region = "eastus";
  s.network =
      "/SUBSCRIPTIONS/00000000-1111-2222-3333-444444444444/RESOURCEGROUPS/LAB/PROVIDERS/"
      "MICROSOFT.NETWORK/VIRTUALNETWORKS/LAB-VNET";
  return s;
}

}  // namespace vantage::wire::flowlog::testing
