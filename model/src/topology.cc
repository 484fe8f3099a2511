// Topology lookups, kind names and diagnostics formatting.
#include "vantage/model/topology.h"

#include "vantage/model/diagnostics.h"

namespace vantage::model {

std::string Diagnostic::ToString() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  s += ": ";
  if (warning) s += "warning: ";
  if (!keyPath.empty()) s += keyPath + ": ";
  s += message;
  return s;
}

std::string Diagnostics::ToString() const {
  std::string s;
  for (const auto& d : items) s += d.ToString() + "\n";
  return s;
}

const Zone* Topology::FindZone(const std::string& n) const {
  for (const auto& z : zones) {
    if (z.name == n) return &z;
  }
  return nullptr;
}

const Node* Topology::FindNode(const std::string& n) const {
  for (const auto& x : nodes) {
    if (x.name == n) return &x;
  }
  return nullptr;
}

const Link* Topology::FindLink(const std::string& n) const {
  for (const auto& l : links) {
    if (l.name == n) return &l;
  }
  return nullptr;
}

const Nat* Topology::FindNat(const std::string& n) const {
  for (const auto& x : nats) {
    if (x.node == n) return &x;
  }
  return nullptr;
}

std::vector<const Link*> Topology::LinksOf(const std::string& n) const {
  std::vector<const Link*> out;
  for (const auto& l : links) {
    for (const auto& e : l.endpoints) {
      if (e == n) {
        out.push_back(&l);
        break;
      }
    }
  }
  return out;
}

const CriticalAsset* Topology::AssetOn(const std::string& n) const {
  for (const auto& a : criticalAssets) {
    if (a.node == n) return &a;
  }
  return nullptr;
}

const char* ZoneKindName(ZoneKind k) {
  switch (k) {
    case ZoneKind::kInternet:
      return "internet";
    case ZoneKind::kEdge:
      return "edge";
    case ZoneKind::kDmz:
      return "dmz";
    case ZoneKind::kCore:
      return "core";
    case ZoneKind::kDistribution:
      return "distribution";
    case ZoneKind::kAccess:
      return "access";
    case ZoneKind::kDataCentre:
      return "data_centre";
    case ZoneKind::kManagement:
      return "management";
    case ZoneKind::kCloud:
      return "cloud";
  }
  return "?";
}

const char* NodeKindName(NodeKind k) {
  switch (k) {
    case NodeKind::kHostGroup:
      return "host_group";
    case NodeKind::kServer:
      return "server";
    case NodeKind::kRouter:
      return "router";
    case NodeKind::kL3Switch:
      return "l3_switch";
    case NodeKind::kSwitch:
      return "switch";
    case NodeKind::kFirewall:
      return "firewall";
    case NodeKind::kNatGateway:
      return "nat_gateway";
    case NodeKind::kInternet:
      return "internet";
    case NodeKind::kCloudVpc:
      return "cloud_vpc";
  }
  return "?";
}

const char* AssetKindName(AssetKind k) {
  switch (k) {
    case AssetKind::kSourceCode:
      return "source_code";
    case AssetKind::kAccounting:
      return "accounting";
    case AssetKind::kAdminWorkstations:
      return "admin_workstations";
    case AssetKind::kInternalWebApp:
      return "internal_web_app";
    case AssetKind::kDirectory:
      return "directory";
    case AssetKind::kFileServer:
      return "file_server";
    case AssetKind::kOther:
      return "other";
  }
  return "?";
}

}  // namespace vantage::model
