// Building a class directory: per trainee, simulate their variant, derive their key from the
// ground truth, and write their pack through the real collector.
#include "vantage/training/class-builder.h"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "vantage/collector/collecting-process.h"
#include "vantage/collector/store.h"
#include "vantage/planner/run-directory.h"
#include "vantage/training/variant.h"

namespace vantage::training {
namespace {

namespace fs = std::filesystem;

core::Status WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return core::MakeError(core::ErrorCode::kIo, "cannot write '" + path.string() + "'");
  return {};
}

// 128 random bits as hex: unguessable, and safe in a URL or a header.
std::string NewToken() {
  std::random_device rd;
  std::string t;
  static const char* kHex = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) t += kHex[rd() & 15u];
  return t;
}

std::string QuestionsMarkdown(const Exercise& ex) {
  std::string md = "# " + ex.title + ": questions\n\n";
  int n = 0;
  for (const auto& l : ex.levels) {
    md += "## " + std::to_string(++n) + ". " + l.title + " (`" + l.id + "`)\n\n" + l.text + "\n\n";
    if (!l.question) continue;
    md += "*Answer:* " + std::string(AnswerTypeName(l.type));
    if (!l.choices.empty()) {
      md += " — one of:";
      for (const auto& c : l.choices) md += " `" + c + "`";
    }
    md += "; up to " + std::to_string(static_cast<int>(l.maxScore)) + " points.\n\n";
  }
  return md;
}

std::string BriefingHtml(const Exercise& ex) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + ex.title +
         "</title></head><body>\n" + MarkdownToHtml("# " + ex.title + "\n\n" + ex.briefing) +
         "</body></html>\n";
}

// The trainee's store: what the view's flow points exported, read by the real collector.
core::Result<uint64_t> WriteStore(const fs::path& pack, const std::string& runDir,
                                  const Exercise& ex) {
  collector::StoreConfig cfg;
  auto store = collector::Store::Open((pack / "flows.sqlite").string(), cfg);
  if (!store) return store.GetError();
  {
    collector::CollectingProcess cp(store->get());
    for (const auto& p : ex.view.flowPoints) {
      VANTAGE_RETURN_IF_ERROR(cp.ReadIpfixFile(runDir + "/points/" + p + ".ipfix"));
    }
    cp.Flush();
  }
  uint64_t rows = (*store)->RowCount();
  VANTAGE_RETURN_IF_ERROR((*store)->Close());
  return rows;
}

// The NAT event log also goes into the store as a table, so a query can join bindings to flows.
core::Status WriteNatTable(const fs::path& db, const std::vector<planner::NatEventRow>& events) {
  sqlite3* h = nullptr;
  if (sqlite3_open((db).string().c_str(), &h) != SQLITE_OK) {
    sqlite3_close(h);
    return core::MakeError(core::ErrorCode::kIo, "cannot open '" + db.string() + "'");
  }
  sqlite3_exec(h,
               "BEGIN; CREATE TABLE IF NOT EXISTS nat_events(time_ns INTEGER, node TEXT, event "
               "INTEGER, protocol INTEGER, inside_ip TEXT, inside_port INTEGER, outside_ip TEXT, "
               "outside_port INTEGER);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "INSERT INTO nat_events VALUES(?,?,?,?,?,?,?,?)", -1, &st, nullptr);
  for (const auto& e : events) {
    sqlite3_bind_int64(st, 1, e.timeNs);
    sqlite3_bind_text(st, 2, e.node.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, e.event);
    sqlite3_bind_int(st, 4, e.protocol);
    sqlite3_bind_text(st, 5, e.insideIp.ToString().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, e.insidePort);
    sqlite3_bind_text(st, 7, e.outsideIp.ToString().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 8, e.outsidePort);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  int rc = sqlite3_exec(h, "COMMIT;", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  if (rc != SQLITE_OK) return core::MakeError(core::ErrorCode::kIo, "cannot write NAT events");
  return {};
}

core::Status CopyInto(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kIo,
                           "cannot copy '" + from.string() + "': " + ec.message());
  }
  return {};
}

core::Result<uint64_t> WritePack(const Exercise& ex, const planner::RunData& run,
                                 const fs::path& pack) {
  const std::string& runDir = run.dir;
  fs::create_directories(pack);
  VANTAGE_RETURN_IF_ERROR(WriteFile(pack / "briefing.md", "# " + ex.title + "\n\n" + ex.briefing));
  VANTAGE_RETURN_IF_ERROR(WriteFile(pack / "briefing.html", BriefingHtml(ex)));
  VANTAGE_RETURN_IF_ERROR(WriteFile(pack / "questions.md", QuestionsMarkdown(ex)));
  uint64_t rows = 0;
  if (!ex.view.flowPoints.empty()) {
    auto r = WriteStore(pack, runDir, ex);
    if (!r) return r.GetError();
    rows = *r;
  }
  if (!ex.view.capturePoints.empty()) fs::create_directories(pack / "capture");
  for (const auto& p : ex.view.capturePoints) {
    VANTAGE_RETURN_IF_ERROR(
        CopyInto(runDir + "/points/" + p + ".pcap", pack / "capture" / (p + ".pcap")));
  }
  if (ex.view.natLog) {
    VANTAGE_RETURN_IF_ERROR(CopyInto(runDir + "/nat_events.csv", pack / "nat_events.csv"));
    if (!ex.view.flowPoints.empty()) {
      VANTAGE_RETURN_IF_ERROR(WriteNatTable(pack / "flows.sqlite", run.natEvents));
    }
  }
  return rows;
}

struct Inputs {
  model::Topology topology;
  model::Scenario scenario;
};

core::Result<Inputs> LoadInputs(const Exercise& ex) {
  model::Diagnostics diags;
  auto topo = model::LoadTopology(ex.topologyPath, diags);
  if (!topo) return core::MakeError(core::ErrorCode::kInvalid, diags.ToString());
  auto scen = model::LoadScenario(ex.scenarioPath, *topo, diags);
  if (!scen) return core::MakeError(core::ErrorCode::kInvalid, diags.ToString());
  // A view with the NAT log needs gateways that log their bindings, whatever the topology says.
  if (ex.view.natLog) {
    for (auto& nat : topo->nats) nat.logEvents = true;
  }
  return Inputs{std::move(*topo), std::move(*scen)};
}

core::Result<TraineeKey> BuildTrainee(const Exercise& ex, const Inputs& in, const BuildOptions& opt,
                                      const std::string& name, uint64_t& rows) {
  auto say = [&](const std::string& what) {
    if (opt.progress) opt.progress(name + ": " + what);
  };
  TraineeVariant variant = ResolveVariant(ex, name);
  model::Diagnostics diags;
  auto scenario = ApplyVariant(ex, variant, in.scenario, in.topology, diags);
  if (!scenario) return core::MakeError(core::ErrorCode::kInvalid, diags.ToString());
  std::string runDir = opt.outDir + "/instructor/runs/" + name;
  SimulationRequest req{&in.topology, &*scenario, runDir, ex.view.flowPoints,
                        !ex.view.capturePoints.empty()};
  for (const auto& p : ex.view.capturePoints) {
    if (std::find(req.points.begin(), req.points.end(), p) == req.points.end()) {
      req.points.push_back(p);
    }
  }
  say("simulating (seed " + std::to_string(variant.seed) + ")");
  VANTAGE_RETURN_IF_ERROR(opt.simulate(req));
  auto run = planner::LoadRunDirectory(runDir);
  if (!run) return run.GetError();
  auto key = DeriveKey(ex, variant, run->flows);
  if (!key) return key.GetError();
  say("writing the pack");
  auto packRows = WritePack(ex, *run, fs::path(opt.outDir) / "trainees" / name);
  if (!packRows) return packRows.GetError();
  rows = *packRows;
  return key;
}

}  // namespace

core::Result<BuildReport> BuildClass(const Exercise& ex, const BuildOptions& opt) {
  if (!opt.simulate) return core::MakeError(core::ErrorCode::kInvalid, "no simulator given");
  std::vector<std::string> trainees = opt.trainees;
  if (trainees.empty()) trainees = {"trainee"};
  for (const auto& t : trainees) {
    if (!ValidTraineeName(t)) {
      return core::MakeError(
          core::ErrorCode::kInvalid,
          "trainee name '" + t + "' (use letters, digits, '-', '_' and '.', up to 40)");
    }
  }
  fs::path root(opt.outDir);
  if (fs::exists(root / "instructor" / "state.sqlite")) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           opt.outDir +
                               " holds a class that has been served (instructor/"
                               "state.sqlite): build into a new directory");
  }
  auto inputs = LoadInputs(ex);
  if (!inputs) return inputs.GetError();
  fs::create_directories(root / "instructor");
  fs::create_directories(root / "trainees");
  BuildReport report;
  ClassKey key;
  key.exercise = ex.name;
  report.tokens.instructor = NewToken();
  for (const auto& name : trainees) {
    uint64_t rows = 0;
    auto tk = BuildTrainee(ex, *inputs, opt, name, rows);
    if (!tk) return core::MakeError(tk.GetError().code, name + ": " + tk.GetError().message);
    key.trainees.push_back(*tk);
    report.tokens.trainees[name] = NewToken();
    report.flowsPerTrainee[name] = rows;
  }
  nlohmann::json tokens = {{"instructor", report.tokens.instructor},
                           {"trainees", report.tokens.trainees}};
  VANTAGE_RETURN_IF_ERROR(WriteFile(root / "instructor" / "exercise.json", ToJson(ex).dump(2)));
  VANTAGE_RETURN_IF_ERROR(WriteFile(root / "instructor" / "key.json", ToJson(key).dump(2)));
  VANTAGE_RETURN_IF_ERROR(WriteFile(root / "instructor" / "tokens.json", tokens.dump(2)));
  fs::permissions(root / "instructor" / "tokens.json",
                  fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  return report;
}

}  // namespace vantage::training
