// The conformance pipeline: inputs, expected records, exporter run, score, baseline, reports.
#include "vantage/conformance/conformance.h"

#include <sys/stat.h>

#include <fstream>

#include "vantage/collector/collecting-process.h"
#include "vantage/conformance/profile.h"
#include "vantage/conformance/report.h"

namespace vantage::conformance {
namespace {

bool Exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

/// The pcap to use, or an error naming what is missing.
core::Result<std::string> ResolvePcap(const ConformanceRequest& r) {
  if (!r.pcap.empty() && !r.runDir.empty())
    return core::MakeError(core::ErrorCode::kInvalid,
                           "give --pcap or --run with --point, not both");
  if (!r.runDir.empty()) {
    if (r.point.empty())
      return core::MakeError(core::ErrorCode::kInvalid, "--run needs --point NAME");
    if (Exists(r.runDir + "/INCOMPLETE"))
      return core::MakeError(core::ErrorCode::kInvalid,
                             r.runDir + ": the run is incomplete (INCOMPLETE is present)");
    std::string p = r.runDir + "/points/" + r.point + ".pcap";
    if (!Exists(p))
      return core::MakeError(core::ErrorCode::kNotFound,
                             p + ": no capture for point '" + r.point +
                                 "' (only points that can host full capture have one)");
    return p;
  }
  if (r.pcap.empty()) return core::MakeError(core::ErrorCode::kInvalid, "give --pcap or --run");
  if (!Exists(r.pcap))
    return core::MakeError(core::ErrorCode::kNotFound, r.pcap + ": no such file");
  return r.pcap;
}

core::Result<Adapter> ResolveExporter(const ConformanceRequest& r) {
  Adapter a;
  if (!r.exporter.empty()) {
    auto res = ResolveAdapter(r.exporter);
    if (!res) return res.GetError();
    a = *res;
  } else if (!r.recordsPath.empty()) {
    a.name = "records";
    a.declaration = DefaultDeclaration();
  } else {
    return core::MakeError(core::ErrorCode::kInvalid, "give --exporter NAME|cmd:'TEMPLATE'");
  }
  if (!r.declarePath.empty()) {
    auto d = LoadDeclaration(r.declarePath);
    if (!d) return d.GetError();
    a.declaration = *d;
  } else if (a.name == "cmd") {
    return core::MakeError(core::ErrorCode::kInvalid,
                           "--exporter cmd:... needs --declare DECL.yaml (what it runs with)");
  }
  if (!a.executable.empty()) {
    std::string probe = "command -v " + a.executable + " >/dev/null 2>&1";
    if (std::system(probe.c_str()) != 0)
      return core::MakeError(core::ErrorCode::kNotFound,
                             a.executable + " is not installed (see scripts/setup.sh)");
  }
  return a;
}

ConformanceResult Unscoreable(const ConformanceRequest& r, const std::string& why) {
  ConformanceResult out;
  out.score.scoreable = false;
  out.score.exporter = r.exporter;
  out.score.input = r.pcap.empty() ? r.runDir : r.pcap;
  out.score.problems.push_back(why);
  out.exitCode = 2;
  out.message = "could not be scored: " + why;
  if (!r.outDir.empty()) (void)WriteReports(r.outDir, out.score, {});
  return out;
}

std::vector<core::FlowRecord> ReadRecords(const std::string& path, RunOutput& out) {
  std::vector<core::FlowRecord> records;
  collector::CollectingProcess cp(nullptr);
  cp.SetRecordCallback([&](const core::FlowRecord& rec) { records.push_back(rec); });
  if (auto st = cp.ReadIpfixFile(path); !st) out.problems.push_back(st.GetError().message);
  cp.Flush();
  out.info.malformed = cp.Stats().malformed;
  out.info.decodedRecords = records.size();
  return records;
}

void Judge(ConformanceResult& res, const RunOutput& run) {
  Score& s = res.score;
  s.run = run.info;
  for (const auto& p : run.problems) s.problems.push_back(p);
  const bool nothing = run.records.empty();
  if (nothing && (run.info.malformed > 0 || run.info.datagrams > 0))
    s.problems.push_back(
        "the exporter's output held no flow records we could decode "
        "(garbage or the wrong protocol?)");
  if (nothing || run.info.timedOut || run.info.crashed) s.scoreable = false;
  if (!s.scoreable) s.conforms = false;
  res.exitCode = !s.scoreable ? 2 : (s.conforms && res.regressions.empty()) ? 0 : 1;
}

}  // namespace

ConformanceResult RunConformance(const ConformanceRequest& r) {
  auto pcap = ResolvePcap(r);
  if (!pcap) return Unscoreable(r, pcap.GetError().message);
  auto adapter = ResolveExporter(r);
  if (!adapter) return Unscoreable(r, adapter.GetError().message);
  auto cases = LoadCases(*pcap);
  if (!cases) return Unscoreable(r, cases.GetError().message);
  if (r.progress) r.progress("computing expected records from " + *pcap);
  std::string partial;
  auto expected = ComputeExpected(*pcap, adapter->declaration, &partial);
  if (!expected) return Unscoreable(r, expected.GetError().message);
  RunOutput run;
  if (!r.recordsPath.empty()) {
    run.records = ReadRecords(r.recordsPath, run);
  } else {
    RunConfig cfg;
    cfg.pcap = *pcap;
    cfg.workDir = r.outDir + "/exporter";
    cfg.timeout = r.timeout;
    cfg.vantageBinary = r.vantageBinary;
    cfg.progress = r.progress;
    mkdir(r.outDir.c_str(), 0755);
    run = RunExporter(*adapter, cfg);
  }
  if (r.progress)
    r.progress("scoring " + std::to_string(run.records.size()) + " records against " +
               std::to_string(expected->records.size()) + " expected");
  Classifier classify;
  std::string truthNote;
  if (!r.runDir.empty()) {  // the run's ground truth names each flow's application
    uint64_t bad = 0;
    auto c = GroundTruthClassifier(r.runDir + "/ground_truth.csv", &bad);
    if (c)
      classify = *c;
    else
      truthNote = "no application classes: " + c.GetError().message;
    if (bad) truthNote = r.runDir + "/ground_truth.csv: " + std::to_string(bad) + " bad lines";
  }
  ConformanceResult res;
  res.score = ScoreRecords(*expected, run.records, adapter->declaration, &*cases, classify);
  if (!truthNote.empty()) res.score.problems.push_back(truthNote);
  if (!partial.empty()) res.score.problems.push_back("input: " + partial);
  if (!r.baselinePath.empty()) {
    std::ifstream in(r.baselinePath);
    nlohmann::json j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    if (!in || j.is_discarded() || !j.is_object())
      return Unscoreable(r, r.baselinePath + ": cannot read the baseline score (JSON)");
    Score base;
    try {  // a setup boundary: a malformed baseline becomes a message
      base = j.get<Score>();
    } catch (const nlohmann::json::exception& e) {
      return Unscoreable(r, r.baselinePath + ": not a score.json: " + e.what());
    }
    res.regressions = CompareWithBaseline(res.score, base);
  }
  Judge(res, run);
  res.message = !res.score.scoreable ? "could not be scored"
                : res.score.conforms ? "conforms"
                                     : "does not conform";
  if (!res.regressions.empty())
    res.message += "; " + std::to_string(res.regressions.size()) + " metrics regressed";
  if (!r.outDir.empty()) {
    if (auto st = WriteReports(r.outDir, res.score, res.regressions); !st) {
      res.message += "; " + st.GetError().message;
      res.exitCode = 2;
    }
  }
  return res;
}

}  // namespace vantage::conformance
