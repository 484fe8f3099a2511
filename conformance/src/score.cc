// Score: JSON form (score.json), the flat metric list and the comparison with a baseline.
#include "vantage/conformance/score.h"

#include <cmath>

namespace vantage::conformance {
namespace {

double RelError(uint64_t expected, uint64_t actual) {
  if (expected == 0) return actual == 0 ? 0.0 : 1.0;
  return (static_cast<double>(actual) - static_cast<double>(expected)) /
         static_cast<double>(expected);
}

}  // namespace

double Totals::FlowError() const {
  return RelError(expectedFlows, actualFlows);
}
double Totals::PacketError() const {
  return RelError(expectedPackets, actualPackets);
}
double Totals::OctetError() const {
  return RelError(expectedOctets, actualOctets);
}

void to_json(nlohmann::json& j, const Totals& t) {
  j = {{"expected_flows", t.expectedFlows},     {"actual_flows", t.actualFlows},
       {"expected_packets", t.expectedPackets}, {"actual_packets", t.actualPackets},
       {"expected_octets", t.expectedOctets},   {"actual_octets", t.actualOctets},
       {"flow_error", t.FlowError()},           {"packet_error", t.PacketError()},
       {"octet_error", t.OctetError()}};
}
void from_json(const nlohmann::json& j, Totals& t) {
  t.expectedFlows = j.value("expected_flows", 0ull);
  t.actualFlows = j.value("actual_flows", 0ull);
  t.expectedPackets = j.value("expected_packets", 0ull);
  t.actualPackets = j.value("actual_packets", 0ull);
  t.expectedOctets = j.value("expected_octets", 0ull);
  t.actualOctets = j.value("actual_octets", 0ull);
}

void to_json(nlohmann::json& j, const FieldCheck& f) {
  j = {{"checked", f.checked}, {"failed", f.failed}};
}
void from_json(const nlohmann::json& j, FieldCheck& f) {
  f.checked = j.value("checked", 0ull);
  f.failed = j.value("failed", 0ull);
}

void to_json(nlohmann::json& j, const ErrorDistribution& d) {
  j = {{"count", d.count},
       {"p50_ms", d.p50},
       {"p90_ms", d.p90},
       {"p99_ms", d.p99},
       {"max_ms", d.max},
       {"mean_ms", d.mean},
       {"out_of_tolerance", d.outOfTolerance},
       {"tolerance_ms", d.toleranceMs}};
}
void from_json(const nlohmann::json& j, ErrorDistribution& d) {
  d.count = j.value("count", 0ull);
  d.p50 = j.value("p50_ms", 0.0);
  d.p90 = j.value("p90_ms", 0.0);
  d.p99 = j.value("p99_ms", 0.0);
  d.max = j.value("max_ms", 0.0);
  d.mean = j.value("mean_ms", 0.0);
  d.outOfTolerance = j.value("out_of_tolerance", 0ull);
  d.toleranceMs = j.value("tolerance_ms", 0.0);
}

void to_json(nlohmann::json& j, const InferredTimeout& t) {
  j = {{"declared_s", t.declaredS},
       {"lower_s", t.lowerS},
       {"upper_s", t.upperS},
       {"consistent", t.consistent},
       {"note", t.note}};
}
void from_json(const nlohmann::json& j, InferredTimeout& t) {
  t.declaredS = j.value("declared_s", 0.0);
  t.lowerS = j.value("lower_s", 0.0);
  t.upperS = j.value("upper_s", -1.0);
  t.consistent = j.value("consistent", true);
  t.note = j.value("note", "");
}

void to_json(nlohmann::json& j, const CaseVerdict& c) {
  j = {{"name", c.name},
       {"description", c.description},
       {"expected", c.expected},
       {"matched", c.matched},
       {"missing", c.missing},
       {"unexpected", c.unexpected},
       {"split", c.split},
       {"merged", c.merged},
       {"counter_errors", c.counterErrors},
       {"field_errors", c.fieldErrors},
       {"timestamp_errors", c.timestampErrors},
       {"pass", c.pass},
       {"reason", c.reason}};
}
void from_json(const nlohmann::json& j, CaseVerdict& c) {
  c.name = j.value("name", "");
  c.description = j.value("description", "");
  c.expected = j.value("expected", 0ull);
  c.matched = j.value("matched", 0ull);
  c.missing = j.value("missing", 0ull);
  c.unexpected = j.value("unexpected", 0ull);
  c.split = j.value("split", 0ull);
  c.merged = j.value("merged", 0ull);
  c.counterErrors = j.value("counter_errors", 0ull);
  c.fieldErrors = j.value("field_errors", 0ull);
  c.timestampErrors = j.value("timestamp_errors", 0ull);
  c.pass = j.value("pass", false);
  c.reason = j.value("reason", "");
}

void to_json(nlohmann::json& j, const RunInfo& r) {
  j = {{"command", r.command},
       {"exit_status", r.exitStatus},
       {"timed_out", r.timedOut},
       {"crashed", r.crashed},
       {"wall_s", r.wallS},
       {"datagrams", r.datagrams},
       {"malformed", r.malformed},
       {"decoded_records", r.decodedRecords},
       {"sequence_lost", r.sequenceLost},
       {"stderr_tail", r.stderrTail}};
}
void from_json(const nlohmann::json& j, RunInfo& r) {
  r.command = j.value("command", "");
  r.exitStatus = j.value("exit_status", 0);
  r.timedOut = j.value("timed_out", false);
  r.crashed = j.value("crashed", false);
  r.wallS = j.value("wall_s", 0.0);
  r.datagrams = j.value("datagrams", 0ull);
  r.malformed = j.value("malformed", 0ull);
  r.decodedRecords = j.value("decoded_records", 0ull);
  r.sequenceLost = j.value("sequence_lost", 0ull);
  r.stderrTail = j.value("stderr_tail", "");
}

void to_json(nlohmann::json& j, const Score& s) {
  j = nlohmann::json{{"format", "vantage-conformance-score/1"},
                     {"exporter", s.exporter},
                     {"input", s.input},
                     {"declaration", s.declaration},
                     {"scoreable", s.scoreable},
                     {"problems", s.problems},
                     {"conforms", s.conforms},
                     {"failures", s.failures},
                     {"totals", s.totals},
                     {"classes", s.classes},
                     {"records",
                      {{"matched", s.matched},
                       {"missing", s.missing},
                       {"unexpected", s.unexpected},
                       {"split", s.split},
                       {"merged", s.merged},
                       {"counter_errors", s.counterErrors},
                       {"allowed_missing", s.allowedMissing},
                       {"packet_bound", s.packetBound}}},
                     {"fields", s.fields},
                     {"timestamps", {{"start", s.startError}, {"end", s.endError}}},
                     {"timeouts", {{"inactive", s.inactive}, {"active", s.active}}},
                     {"cases", s.cases},
                     {"examples", s.examples},
                     {"run", s.run},
                     {"metrics", s.Metrics()}};
}

void from_json(const nlohmann::json& j, Score& s) {
  s.exporter = j.value("exporter", "");
  s.input = j.value("input", "");
  s.declaration = j.value("declaration", "");
  s.scoreable = j.value("scoreable", true);
  s.problems = j.value("problems", std::vector<std::string>{});
  s.conforms = j.value("conforms", false);
  s.failures = j.value("failures", std::vector<std::string>{});
  if (j.contains("totals")) s.totals = j.at("totals").get<Totals>();
  if (j.contains("classes")) s.classes = j.at("classes").get<std::map<std::string, Totals>>();
  const auto& r = j.contains("records") ? j.at("records") : nlohmann::json::object();
  s.matched = r.value("matched", 0ull);
  s.missing = r.value("missing", 0ull);
  s.unexpected = r.value("unexpected", 0ull);
  s.split = r.value("split", 0ull);
  s.merged = r.value("merged", 0ull);
  s.counterErrors = r.value("counter_errors", 0ull);
  s.allowedMissing = r.value("allowed_missing", 0.0);
  s.packetBound = r.value("packet_bound", 0.0);
  if (j.contains("fields")) s.fields = j.at("fields").get<std::map<std::string, FieldCheck>>();
  if (j.contains("timestamps")) {
    s.startError = j.at("timestamps").value("start", ErrorDistribution{});
    s.endError = j.at("timestamps").value("end", ErrorDistribution{});
  }
  if (j.contains("timeouts")) {
    s.inactive = j.at("timeouts").value("inactive", InferredTimeout{});
    s.active = j.at("timeouts").value("active", InferredTimeout{});
  }
  if (j.contains("cases")) s.cases = j.at("cases").get<std::vector<CaseVerdict>>();
  s.examples = j.value("examples", std::vector<std::string>{});
  if (j.contains("run")) s.run = j.at("run").get<RunInfo>();
}

std::map<std::string, double> Score::Metrics() const {
  std::map<std::string, double> m;
  m["unscoreable"] = scoreable ? 0 : 1;
  m["nonconforming"] = conforms ? 0 : 1;
  m["flows.abs_error"] = std::fabs(totals.FlowError());
  m["packets.abs_error"] = std::fabs(totals.PacketError());
  m["octets.abs_error"] = std::fabs(totals.OctetError());
  m["records.missing"] = static_cast<double>(missing);
  m["records.unexpected"] = static_cast<double>(unexpected);
  m["records.split"] = static_cast<double>(split);
  m["records.merged"] = static_cast<double>(merged);
  m["records.counter_errors"] = static_cast<double>(counterErrors);
  for (const auto& [name, f] : fields)
    m["fields." + name + ".failed"] = static_cast<double>(f.failed);
  m["timestamps.start.p99_ms"] = startError.p99;
  m["timestamps.end.p99_ms"] = endError.p99;
  m["timestamps.out_of_tolerance"] =
      static_cast<double>(startError.outOfTolerance + endError.outOfTolerance);
  double failedCases = 0;
  for (const auto& c : cases) {
    m["case." + c.name + ".failed"] = c.pass ? 0 : 1;
    failedCases += c.pass ? 0 : 1;
  }
  m["cases.failed"] = failedCases;
  m["timeouts.inconsistent"] = (inactive.consistent ? 0 : 1) + (active.consistent ? 0 : 1);
  return m;
}

std::vector<Regression> CompareWithBaseline(const Score& current, const Score& baseline) {
  std::vector<Regression> out;
  const auto now = current.Metrics();
  const auto before = baseline.Metrics();
  const double tsTol = std::max(current.startError.toleranceMs, 0.001);
  for (const auto& [name, base] : before) {
    auto it = now.find(name);
    // A metric the baseline had but the current score lacks (a case or field gone) counts as
    // worse only for case verdicts: a vanished case cannot have passed.
    double cur = it == now.end() ? (name.rfind("case.", 0) == 0 ? 1.0 : base) : it->second;
    double tol = 0;
    if (name.find("abs_error") != std::string::npos) tol = 1e-9 + 0.001 * std::fabs(base);
    if (name.find("_ms") != std::string::npos) tol = tsTol;
    if (current.allowedMissing > 0 && name.rfind("records.", 0) == 0) tol = 0.05 * base + 2;
    if (cur > base + tol) out.push_back({name, base, cur, tol});
  }
  return out;
}

}  // namespace vantage::conformance
