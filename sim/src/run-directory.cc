// Run directory files (see run-directory.h and docs/run-directory.md).
#include "run-directory.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "observation/observation.h"

namespace vantage::sim {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;

namespace {
#ifndef VANTAGE_VERSION
#define VANTAGE_VERSION "0.0.0"
#endif

core::Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return MakeError(ErrorCode::kIo, "cannot write " + path);
  out << text;
  out.close();
  if (!out) return MakeError(ErrorCode::kIo, "write failed: " + path);
  return {};
}
// docs/run-directory.md, "Flow-log points".
model::PointFlowLog ToPointFlowLog(const FlowLogSummary& f) {
  namespace wfl = wire::flowlog;
  const wfl::Settings& st = f.settings;
  const bool aws = st.provider == wfl::Provider::kAws;
  model::PointFlowLog j;
  j.provider = wfl::ProviderName(st.provider);
  j.format = wfl::FileFormatName(wfl::FileFormatOf(st.provider));
  j.path = f.path;
  j.aggregationIntervalS = st.aggregationIntervalS;
  j.version = 1;  // Google Cloud has one record format
  if (aws) j.version = st.awsVersion;
  if (st.provider == wfl::Provider::kAzure) j.version = st.azureVersion;
  if (aws) j.fields = st.awsFields.empty() ? wfl::AwsDefaultFields(st.awsVersion) : st.awsFields;
  j.trafficType = !aws                                          ? "ALL"
                  : st.trafficType == wfl::TrafficType::kAccept ? "ACCEPT"
                  : st.trafficType == wfl::TrafficType::kReject ? "REJECT"
                                                                : "ALL";
  j.sampleRate = st.provider == wfl::Provider::kGcp ? st.sampleRate : 1.0;
  j.includeMetadata = st.includeMetadata;
  j.deliveryDelayS = st.deliveryDelayS;
  j.records = f.records;
  j.bytes = f.bytes;
  j.noDataRecords = f.noDataRecords;
  j.excludedPackets = f.excludedPackets;
  j.filteredPackets = f.filteredPackets;
  j.sampledOutRecords = f.sampledOutRecords;
  return j;
}
}  // namespace

core::Status PrepareRunDirectory(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "points", ec);
  if (ec)
    return MakeError(ErrorCode::kIo, "cannot create run directory " + dir + ": " + ec.message());
  VANTAGE_RETURN_IF_ERROR(WriteText(dir + "/INCOMPLETE", "run in progress or interrupted\n"));
  for (const char* f :
       {"manifest.json", "ground_truth.csv", "nat_events.csv", "firewall.log", "collector.sqlite",
        "collector.sqlite-journal", "collector.sqlite-wal", "collector.sqlite-shm"}) {
    fs::remove(fs::path(dir) / f, ec);
  }
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "points", ec)) {
    std::error_code ec2;
    fs::remove(e.path(), ec2);
  }
  return {};
}

model::RunManifest NewRunManifest() {
  model::RunManifest r;
  r.vantageVersion = VANTAGE_VERSION;
  r.ns3Version = "3.37";
  r.status = "incomplete";
  return r;
}

model::ManifestPoint ToManifestPoint(const PointSummary& s, const PointSetup& setup) {
  model::ManifestPoint mp;
  mp.name = s.name;
  mp.node = s.node;
  mp.interfaces = setup.interfaces;
  mp.ipfix = "points/" + s.name + ".ipfix";
  if (setup.capture) mp.pcap = "points/" + s.name + ".pcap";
  mp.samplingRate = setup.samplingRate;
  mp.flows = s.flows;
  mp.packets = s.packets;
  mp.octets = s.octets;
  mp.ipfixBytes = s.ipfixBytes;
  mp.pcapBytes = s.pcapBytes;
  mp.exportStats = {true,
                    setup.live ? "udp" : "file",
                    s.exportMessages,
                    s.exportBytes,
                    setup.live ? s.exportReceived : s.exportMessages,
                    s.exportLost};
  if (s.flowLog) mp.flowLog = ToPointFlowLog(*s.flowLog);
  return mp;
}

core::Status WriteManifest(const std::string& dir, const model::RunManifest& m) {
  const std::string tmp = dir + "/manifest.json.tmp";
  VANTAGE_RETURN_IF_ERROR(WriteText(tmp, model::FormatRunManifest(m)));
  std::error_code ec;
  fs::rename(tmp, dir + "/manifest.json", ec);
  if (ec)
    return MakeError(ErrorCode::kIo, "cannot write " + dir + "/manifest.json: " + ec.message());
  return {};
}

core::Status WriteNatEvents(const std::string& path, const std::vector<model::NatEventRow>& rows) {
  return WriteText(path, model::FormatNatEvents(rows));
}

core::Status WriteFirewallLog(const std::string& path,
                              const std::vector<model::FirewallDropRow>& rows) {
  return WriteText(path, model::FormatFirewallLog(rows));
}

core::Status MarkComplete(const std::string& dir) {
  std::error_code ec;
  fs::remove(fs::path(dir) / "INCOMPLETE", ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot remove " + dir + "/INCOMPLETE: " + ec.message());
  return {};
}

}  // namespace vantage::sim
