// Application names from protocol and ports.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>
#include <unordered_map>

#include "query-internal.h"
#include "vantage/collector/query.h"

namespace vantage::collector {

using detail::ProtocolName;

namespace {
const std::map<std::pair<int, int>, const char*>& KnownApps() {
  static const std::map<std::pair<int, int>, const char*> kApps = {
      {{6, 20}, "ftp-data"},     {{6, 21}, "ftp"},        {{6, 22}, "ssh"},
      {{6, 23}, "telnet"},       {{6, 25}, "smtp"},       {{17, 53}, "dns"},
      {{6, 53}, "dns"},          {{17, 67}, "dhcp"},      {{17, 68}, "dhcp"},
      {{6, 80}, "http"},         {{6, 110}, "pop3"},      {{17, 123}, "ntp"},
      {{6, 143}, "imap"},        {{17, 161}, "snmp"},     {{17, 162}, "snmp-trap"},
      {{6, 179}, "bgp"},         {{6, 389}, "ldap"},      {{6, 443}, "https"},
      {{17, 443}, "quic"},       {{6, 445}, "smb"},       {{17, 514}, "syslog"},
      {{6, 587}, "submission"},  {{6, 636}, "ldaps"},     {{6, 993}, "imaps"},
      {{6, 995}, "pop3s"},       {{6, 1433}, "mssql"},    {{6, 3306}, "mysql"},
      {{6, 3389}, "rdp"},        {{6, 5432}, "postgres"}, {{17, 2055}, "netflow"},
      {{17, 4739}, "ipfix"},     {{6, 4739}, "ipfix"},    {{6, 8080}, "http-alt"},
      {{6, 8443}, "https-alt"},  {{17, 5353}, "mdns"},    {{6, 6379}, "redis"},
      {{17, 51820}, "wireguard"}};
  return kApps;
}
}  // namespace

uint16_t AppPort(uint8_t protocol, uint16_t srcPort, uint16_t dstPort) {
  if (protocol != 6 && protocol != 17 && protocol != 132) return 0;
  const auto& apps = KnownApps();
  const bool a = apps.count({protocol, dstPort}) != 0;
  const bool b = apps.count({protocol, srcPort}) != 0;
  if (a && (!b || dstPort <= srcPort)) return dstPort;
  if (b) return srcPort;
  return std::min(srcPort, dstPort);
}

std::string AppName(uint8_t protocol, uint16_t srcPort, uint16_t dstPort) {
  if (protocol != 6 && protocol != 17 && protocol != 132) {
    const char* pn = ProtocolName(protocol);
    return pn ? pn : "proto-" + std::to_string(protocol);
  }
  const uint16_t port = AppPort(protocol, srcPort, dstPort);
  auto it = KnownApps().find({protocol, port});
  if (it != KnownApps().end()) return it->second;
  const char* pn = ProtocolName(protocol);
  return std::string(pn ? pn : "proto") + "/" + std::to_string(port);
}

}  // namespace vantage::collector
