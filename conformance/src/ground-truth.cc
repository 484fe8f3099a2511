// Traffic classes from a run's ground truth: each flow's application label, found by its
// 5-tuple in either direction (and by its source after NAT).
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "vantage/conformance/conformance.h"

namespace vantage::conformance {
namespace {

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

bool ParsePortText(const std::string& s, uint16_t& out) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  unsigned long v = std::stoul(s);
  if (v > 65535) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

/// The key a record is looked up by: 5-tuple only, no ports for ICMP.
core::FlowKey Normal(const core::FlowKey& k) {
  core::FlowKey n;
  n.src = k.src;
  n.dst = k.dst;
  n.protocol = k.protocol;
  if (k.protocol != 1 && k.protocol != 58) {
    n.srcPort = k.srcPort;
    n.dstPort = k.dstPort;
  }
  return n;
}

}  // namespace

core::Result<Classifier> GroundTruthClassifier(const std::string& path, uint64_t* badLines) {
  std::ifstream in(path);
  if (!in) return core::MakeError(core::ErrorCode::kNotFound, path + ": cannot open");
  std::string line;
  if (!std::getline(in, line))
    return core::MakeError(core::ErrorCode::kParse, path + ": empty (no header line)");
  std::unordered_map<std::string, size_t> col;
  auto head = SplitCsv(line);
  for (size_t i = 0; i < head.size(); ++i) col[head[i]] = i;
  for (const char* need : {"label", "src_ip", "src_port", "dst_ip", "dst_port", "protocol"})
    if (!col.count(need))
      return core::MakeError(core::ErrorCode::kParse,
                             path + ":1: no column '" + need + "' in the header");
  auto labels = std::make_shared<std::unordered_map<core::FlowKey, std::string>>();
  auto add = [&](core::FlowKey k, const std::string& label) {
    labels->emplace(Normal(k), label);
    labels->emplace(Normal(k.Reversed()), label);
  };
  while (std::getline(in, line)) {
    auto f = SplitCsv(line);
    auto at = [&](const char* name) -> const std::string& {
      static const std::string empty;
      size_t i = col[name];
      return i < f.size() ? f[i] : empty;
    };
    core::FlowKey k;
    auto src = core::IpAddress::Parse(at("src_ip")), dst = core::IpAddress::Parse(at("dst_ip"));
    uint16_t proto = 0;
    if (!src || !dst || !ParsePortText(at("src_port"), k.srcPort) ||
        !ParsePortText(at("dst_port"), k.dstPort) || !ParsePortText(at("protocol"), proto) ||
        proto > 255) {
      if (badLines) ++*badLines;
      continue;
    }
    k.src = *src;
    k.dst = *dst;
    k.protocol = static_cast<uint8_t>(proto);
    add(k, at("label"));
    auto nat = core::IpAddress::Parse(at("nat_ip"));
    uint16_t natPort = 0;
    if (col.count("nat_ip") && nat && ParsePortText(at("nat_port"), natPort)) {
      k.src = *nat;
      k.srcPort = natPort;
      add(k, at("label"));
    }
  }
  return Classifier([labels](const core::FlowKey& key) {
    auto it = labels->find(Normal(key));
    return it == labels->end() ? std::string() : it->second;
  });
}

}  // namespace vantage::conformance
