// Reading a point's flow-log file and the manifest's description of it.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "vantage/planner/flow-log-observations.h"
#include "vantage/planner/observations.h"

namespace vantage::planner {

core::Result<std::vector<wire::flowlog::FlowLogRecord>> ReadFlowLogFile(
    const RunData& run, const ManifestPoint& point, core::AnomalyCounters* anomalies,
    uint64_t* fileBytes, uint64_t* badLines) {
  namespace fs = std::filesystem;
  if (!point.flowLog) {
    return core::MakeError(core::ErrorCode::kInvalid, "point " + point.name + " has no flow log");
  }
  const ManifestFlowLog& s = *point.flowLog;
  std::string rel = s.path.empty() ? "points/" + point.name + ".flowlog" : s.path;
  std::string path = (fs::path(run.dir) / rel).string();
  auto format = wire::flowlog::FileFormatFromName(s.format);
  if (!format) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           "run directory " + run.dir + ": point " + point.name +
                               " has a flow log of unknown format '" + s.format + "'");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::MakeError(core::ErrorCode::kNotFound, "run directory " + run.dir + " is missing " +
                                                           rel + " (flow log of point " +
                                                           point.name + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string bytes = text.str();
  wire::flowlog::ReadResult rr = wire::flowlog::ParseFile(*format, bytes);
  if (!rr.fatal.empty()) return core::MakeError(core::ErrorCode::kParse, path + ": " + rr.fatal);
  if (anomalies && !rr.errors.empty()) {
    anomalies->Count("planner.flow_log_bad_line", rr.errors.size());
  }
  if (fileBytes) *fileBytes = bytes.size();
  if (badLines) *badLines = rr.errors.size();
  return std::move(rr.records);
}

FlowLogObservation MatchFlowLogRecords(const RunData& run, const MatchIndex& index,
                                       const ManifestPoint& point, const PointRecords& records) {
  ManifestFlowLog settings = *point.flowLog;
  if (settings.path.empty()) settings.path = "points/" + point.name + ".flowlog";
  FlowLogObservation out = MatchFlowLog(run, index, settings, records.flowLog);
  out.badLines = records.flowLogBadLines;
  out.fileBytes = records.flowLogFileBytes;
  return out;
}

core::Status ObserveFlowLog(const RunData& run, const MatchIndex& index, const ManifestPoint& point,
                            FlowLogObservation& out, core::AnomalyCounters* anomalies) {
  out = FlowLogObservation{};
  if (!point.flowLog) return {};
  PointRecords records;
  auto log =
      ReadFlowLogFile(run, point, anomalies, &records.flowLogFileBytes, &records.flowLogBadLines);
  if (!log) return log.GetError();
  records.flowLog = std::move(*log);
  out = MatchFlowLogRecords(run, index, point, records);
  return {};
}

}  // namespace vantage::planner
