// GroundTruthLog::WriteCsv: ground_truth.csv as docs/run-directory.md describes it.
#include <algorithm>
#include <fstream>

#include "network-map.h"
#include "vantage/model/run-tables.h"

namespace vantage::sim {

bool GroundTruthLog::WriteCsv(const std::string& path) const {
  std::vector<model::GroundTruthFlow> rows;
  rows.reserve(m_flows.size());
  for (const auto& f : m_flows) {
    model::GroundTruthFlow& r = rows.emplace_back();
    r.id = f.id;
    r.label = f.label;
    r.behaviour = f.behaviour;
    r.srcHost = f.srcHost;
    r.dstHost = f.dstHost;
    r.srcGroup = f.srcGroup;
    r.dstGroup = f.dstGroup;
    r.srcIp = core::IpAddress::V4(f.srcIp.Get());
    r.dstIp = core::IpAddress::V4(f.dstIp.Get());
    r.srcPort = f.srcPort;
    r.dstPort = f.dstPort;
    r.protocol = f.protocol;
    if (f.nat) {
      r.natIp = core::IpAddress::V4(f.nat->first.Get());
      r.natPort = f.nat->second;
    }
    r.startNs = f.startNs;
    r.endNs = f.endNs;
    r.packetsFwd = f.packetsFwd;
    r.bytesFwd = f.bytesFwd;
    r.packetsRev = f.packetsRev;
    r.bytesRev = f.bytesRev;
    r.criticalAsset = f.criticalAsset;
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.id < b.id; });
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out << model::FormatGroundTruth(rows);
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace vantage::sim
