// GroundTruthLog::WriteCsv: ground_truth.csv as docs/run-directory.md describes it.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "network-map.h"

namespace vantage::sim {

namespace {

/// RFC 4180 quoting, only where a field needs it.
std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string Ip(const ns3::Ipv4Address& a) {
  uint32_t v = a.Get();
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xff) + "." +
         std::to_string((v >> 8) & 0xff) + "." + std::to_string(v & 0xff);
}

}  // namespace

bool GroundTruthLog::WriteCsv(const std::string& path) const {
  std::vector<const GroundTruthFlow*> rows;
  rows.reserve(m_flows.size());
  for (const auto& f : m_flows) rows.push_back(&f);
  std::stable_sort(
      rows.begin(), rows.end(),
      [](const GroundTruthFlow* a, const GroundTruthFlow* b) { return a->id < b->id; });
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out << "id,label,behaviour,src_host,dst_host,src_group,dst_group,src_ip,src_port,dst_ip,"
         "dst_port,protocol,nat_ip,nat_port,start_ns,end_ns,packets_fwd,bytes_fwd,packets_rev,"
         "bytes_rev,critical_asset\n";
  std::string line;
  for (const GroundTruthFlow* f : rows) {
    line.clear();
    line += std::to_string(f->id) + ',' + Csv(f->label) + ',' + Csv(f->behaviour) + ',' +
            Csv(f->srcHost) + ',' + Csv(f->dstHost) + ',' + Csv(f->srcGroup) + ',' +
            Csv(f->dstGroup) + ',' + Ip(f->srcIp) + ',' + std::to_string(f->srcPort) + ',' +
            Ip(f->dstIp) + ',' + std::to_string(f->dstPort) + ',' + std::to_string(f->protocol) +
            ',';
    if (f->nat) {
      line += Ip(f->nat->first) + ',' + std::to_string(f->nat->second) + ',';
    } else {
      line += ",,";
    }
    line += std::to_string(f->startNs) + ',' + std::to_string(f->endNs) + ',' +
            std::to_string(f->packetsFwd) + ',' + std::to_string(f->bytesFwd) + ',' +
            std::to_string(f->packetsRev) + ',' + std::to_string(f->bytesRev) + ',' +
            Csv(f->criticalAsset) + '\n';
    out << line;
  }
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace vantage::sim
