// Traffic classes from a run's ground truth: each flow's application label, found by its
// 5-tuple in either direction (and by its source after NAT).
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "vantage/conformance/conformance.h"
#include "vantage/core/csv.h"

namespace vantage::conformance {
namespace {

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

// The row's flow key; false if a field is missing or malformed (the row is skipped).
bool ReadKey(core::CsvRow& row, core::FlowKey& k) {
  for (const char* need : {"src_ip", "src_port", "dst_ip", "dst_port", "protocol"}) {
    if (row.Str(need).empty()) return false;
  }
  k.src = row.Ip("src_ip", false);
  k.dst = row.Ip("dst_ip", false);
  k.srcPort = row.Port("src_port");
  k.dstPort = row.Port("dst_port");
  k.protocol = static_cast<uint8_t>(row.Bounded("protocol", 255));
  return row.Ok();
}

}  // namespace

core::Result<Classifier> GroundTruthClassifier(const std::string& path, uint64_t* badLines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::MakeError(core::ErrorCode::kNotFound, path + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string body = text.str();
  core::CsvReader reader(body, path);
  std::vector<std::string> head, f;
  auto more = reader.Next(head);
  if (!more) return more.GetError();
  if (!*more) return core::MakeError(core::ErrorCode::kParse, path + ": empty (no header line)");
  core::CsvColumns col(head);
  for (const char* need : {"label", "src_ip", "src_port", "dst_ip", "dst_port", "protocol"})
    if (col.Find(need) < 0)
      return core::MakeError(core::ErrorCode::kParse,
                             path + ":1: no column '" + need + "' in the header");
  auto labels = std::make_shared<std::unordered_map<core::FlowKey, std::string>>();
  auto add = [&](core::FlowKey k, const std::string& label) {
    labels->emplace(Normal(k), label);
    labels->emplace(Normal(k.Reversed()), label);
  };
  while (true) {
    more = reader.Next(f);
    if (!more) {  // the rest of the file cannot be split into rows: one bad line, stop
      if (badLines) ++*badLines;
      break;
    }
    if (!*more) break;
    core::CsvRow row(f, col, reader.Where());
    core::FlowKey k;
    if (!ReadKey(row, k)) {
      if (badLines) ++*badLines;
      continue;
    }
    add(k, row.Str("label"));
    core::CsvRow natRow(f, col, reader.Where());
    const core::IpAddress nat = natRow.Ip("nat_ip", true);
    const uint16_t natPort = natRow.Port("nat_port");
    if (nat.IsSet() && !natRow.Str("nat_port").empty() && natRow.Ok()) {
      k.src = nat;
      k.srcPort = natPort;
      add(k, row.Str("label"));
    }
  }
  return Classifier([labels](const core::FlowKey& key) {
    auto it = labels->find(Normal(key));
    return it == labels->end() ? std::string() : it->second;
  });
}

}  // namespace vantage::conformance
