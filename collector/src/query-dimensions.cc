// The dimension table of Top-N queries and the protocol names.
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

namespace vantage::collector::detail {

int ProtocolNumber(const std::string& s) {
  static const std::map<std::string, int> kNames = {
      {"icmp", 1}, {"igmp", 2}, {"tcp", 6},    {"udp", 17},       {"gre", 47},
      {"esp", 50}, {"ah", 51},  {"icmp6", 58}, {"ipv6-icmp", 58}, {"sctp", 132}};
  auto it = kNames.find(Lower(s));
  if (it != kNames.end()) return it->second;
  uint64_t v = 0;
  if (ParseUint(s, v) && v <= 255) return static_cast<int>(v);
  return -1;
}

const char* ProtocolName(int p) {
  switch (p) {
    case 1:
      return "icmp";
    case 2:
      return "igmp";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 47:
      return "gre";
    case 50:
      return "esp";
    case 51:
      return "ah";
    case 58:
      return "icmp6";
    case 132:
      return "sctp";
    default:
      return nullptr;
  }
}

namespace {

// Every Top-N dimension; the runners dispatch on `key` and `label`, never on the name.
const std::vector<Dimension>& Dimensions() {
  static const std::vector<Dimension> kDims = {
      {"srcip", {"src"}, {"srcip"}, KeyKind::kColumns, LabelKind::kAddress},
      {"dstip", {"dst"}, {"dstip"}, KeyKind::kColumns, LabelKind::kAddress},
      {"srcport", {"src_port"}, {"srcport"}},
      {"dstport", {"dst_port"}, {"dstport"}},
      {"proto", {"protocol"}, {"proto"}, KeyKind::kColumns, LabelKind::kProtocol},
      {"app", {"protocol", "src_port", "dst_port"}, {"app"}, KeyKind::kApp},
      {"srcas", {"src_as", "src"}, {"srcas"}, KeyKind::kAs},
      {"dstas", {"dst_as", "dst"}, {"dstas"}, KeyKind::kAs},
      {"srccountry", {"src_country", "src"}, {"srccountry"}, KeyKind::kCountry},
      {"dstcountry", {"dst_country", "dst"}, {"dstcountry"}, KeyKind::kCountry},
      {"conversation",
       {"src", "dst"},
       {"host_a", "host_b"},
       KeyKind::kConversation,
       LabelKind::kConversation},
      {"exporter",
       {"exporter", "obs_domain"},
       {"exporter", "domain"},
       KeyKind::kColumns,
       LabelKind::kExporter},
      {"tos", {"tos"}, {"tos"}},
      {"ingress", {"in_if"}, {"ingress"}},
      {"egress", {"out_if"}, {"egress"}},
  };
  return kDims;
}

// Other spellings users type.
const std::map<std::string, std::string>& Aliases() {
  static const std::map<std::string, std::string> kAliases = {{"protocol", "proto"},
                                                              {"application", "app"},
                                                              {"conv", "conversation"},
                                                              {"conversations", "conversation"}};
  return kAliases;
}

}  // namespace

const Dimension* FindDimension(const std::string& name) {
  std::string n = Lower(name);
  auto alias = Aliases().find(n);
  if (alias != Aliases().end()) n = alias->second;
  for (const auto& d : Dimensions()) {
    if (n == d.name) return &d;
  }
  return nullptr;
}

}  // namespace vantage::collector::detail
