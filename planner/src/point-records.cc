// Reading a point's IPFIX file with the wire library.
#include <filesystem>

#include "vantage/planner/observations.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-reader.h"

namespace vantage::planner {
namespace {

class Collect : public wire::MessageHandler {
 public:
  Collect(std::vector<core::FlowRecord>& out, core::AnomalyCounters* anomalies)
      : m_out(out), m_anomalies(anomalies) {}
  void OnDataRecord(const wire::MessageInfo& info, const wire::Template& tmpl,
                    core::ByteReader record) override {
    if (tmpl.IsOptions()) return;
    wire::TimeContext ctx;
    ctx.exportTimeSeconds = info.exportTime;
    core::FlowRecord r;
    auto st = wire::DecodeFlowRecord(tmpl, record, ctx, r, m_anomalies);
    if (!st) {
      if (m_anomalies) m_anomalies->Count("planner.bad_record");
      return;
    }
    m_out.push_back(r);
  }

 private:
  std::vector<core::FlowRecord>& m_out;
  core::AnomalyCounters* m_anomalies;
};

}  // namespace

core::Result<std::vector<core::FlowRecord>> ReadIpfixRecords(const std::string& path,
                                                             core::AnomalyCounters* anomalies) {
  wire::ipfix::FileReader reader;
  VANTAGE_RETURN_IF_ERROR(reader.Open(path));
  wire::ipfix::Session session;
  std::vector<core::FlowRecord> records;
  Collect handler(records, anomalies);
  while (auto msg = reader.Next()) {
    if (!*msg) {
      if (anomalies) anomalies->Count("planner.truncated_ipfix_file");
      break;
    }
    auto st = session.Decode(**msg, handler);
    if (!st && anomalies) anomalies->Count("planner.bad_ipfix_message");
  }
  if (anomalies) anomalies->Merge(session.Anomalies());
  return records;
}

core::Result<std::vector<PointRecords>> ReadRunRecords(const RunData& run,
                                                       core::AnomalyCounters* anomalies) {
  namespace fs = std::filesystem;
  std::vector<PointRecords> out;
  for (const auto& p : run.manifest.points) {
    std::string rel = p.ipfix.empty() ? "points/" + p.name + ".ipfix" : p.ipfix;
    std::string path = (fs::path(run.dir) / rel).string();
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      return core::MakeError(
          core::ErrorCode::kNotFound,
          "run directory " + run.dir + " is missing " + rel + " (point " + p.name + ")");
    }
    PointRecords pr;
    auto records = ReadIpfixRecords(path, anomalies);
    if (!records) return records.GetError();
    pr.ipfix = std::move(*records);
    auto size = fs::file_size(path, ec);
    pr.ipfixFileBytes = ec ? p.ipfixBytes : size;
    if (p.flowLog) {
      auto log = ReadFlowLogFile(run, p, anomalies, &pr.flowLogFileBytes, &pr.flowLogBadLines);
      if (!log) return log.GetError();
      pr.flowLog = std::move(*log);
    }
    out.push_back(std::move(pr));
  }
  return out;
}

std::vector<PointObservation> ObserveRun(const RunData& run,
                                         const std::vector<PointRecords>& records) {
  MatchIndex index(run);
  std::vector<PointObservation> out;
  for (size_t i = 0; i < run.manifest.points.size() && i < records.size(); ++i) {
    const ManifestPoint& p = run.manifest.points[i];
    PointObservation obs = MatchPoint(run, index, p.name, records[i].ipfix);
    obs.recordFileBytes = records[i].ipfixFileBytes;
    if (p.flowLog) obs.flowLog = MatchFlowLogRecords(run, index, p, records[i]);
    out.push_back(std::move(obs));
  }
  return out;
}

core::Result<std::vector<PointObservation>> ObserveRun(const RunData& run,
                                                       core::AnomalyCounters* anomalies) {
  auto records = ReadRunRecords(run, anomalies);
  if (!records) return records.GetError();
  return ObserveRun(run, *records);
}

}  // namespace vantage::planner
