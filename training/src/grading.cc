// Grading one answer against its key, and the score a level earns from what the trainee did.
#include "vantage/training/grading.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "vantage/collector/query.h"
#include "vantage/core/ip-address.h"
#include "vantage/model/yaml-reader.h"

namespace vantage::training {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Canonical address text ("010.0.0.1" is not an address; "::0001" becomes "::1").
std::string CanonicalAddress(const std::string& text) {
  auto a = core::IpAddress::Parse(Trim(text));
  return a ? a->ToString() : std::string();
}

bool ParseNumber(const std::string& text, double& out) {
  std::string t = Trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  out = std::strtod(t.c_str(), &end);
  return end && *end == '\0' && std::isfinite(out);
}

Grade Invalid(const std::string& why) {
  Grade g;
  g.valid = false;
  g.feedback = why;
  return g;
}

Grade Verdict(bool correct, const std::string& wrongWhy = "not the right answer") {
  Grade g;
  g.correct = correct;
  g.feedback = correct ? "correct" : wrongWhy;
  return g;
}

bool AnyEqual(const std::vector<std::string>& accepted, const std::string& v, bool caseless) {
  for (const auto& a : accepted) {
    if (caseless ? Lower(a) == Lower(v) : a == v) return true;
  }
  return false;
}

Grade GradeNumber(const Level& level, double right, double given, const std::string& unit) {
  double tol = std::max(level.tolerance, std::fabs(right) * level.tolerancePct / 100.0);
  bool ok = std::fabs(given - right) <= tol + 1e-9;
  std::ostringstream why;
  why << "off by more than the tolerance (" << tol << unit << ")";
  return Verdict(ok, why.str());
}

// "a.b.c.d:p", "[v6]:p", or "v4" alone (port 0).
bool ParseEndpoint(const std::string& text, std::string& addr, uint16_t& port) {
  std::string t = Trim(text), host = t, portText;
  if (!t.empty() && t[0] == '[') {
    size_t close = t.find(']');
    if (close == std::string::npos) return false;
    host = t.substr(1, close - 1);
    if (close + 1 < t.size() && t[close + 1] == ':') portText = t.substr(close + 2);
  } else if (std::count(t.begin(), t.end(), ':') == 1) {
    host = t.substr(0, t.find(':'));
    portText = t.substr(t.find(':') + 1);
  }
  addr = CanonicalAddress(host);
  if (addr.empty()) return false;
  double p = 0;
  if (!portText.empty() && (!ParseNumber(portText, p) || p < 0 || p > 65535)) return false;
  port = static_cast<uint16_t>(p);
  return true;
}

bool ParseProtocolText(const std::string& text, uint8_t& proto) {
  auto p = model::detail::ParseProtocol(Lower(Trim(text)));
  if (!p) return false;
  proto = *p;
  return true;
}

bool ParseFlowLine(const std::string& line, FlowTuple& out) {
  std::vector<std::string> parts;
  if (line.find(',') != std::string::npos) {
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) parts.push_back(Trim(cell));
    if (parts.size() != 5) return false;
    double sp = 0, dp = 0;
    out.src = CanonicalAddress(parts[0]);
    out.dst = CanonicalAddress(parts[2]);
    if (out.src.empty() || out.dst.empty() || !ParseNumber(parts[1], sp) ||
        !ParseNumber(parts[3], dp) || sp < 0 || sp > 65535 || dp < 0 || dp > 65535) {
      return false;
    }
    out.srcPort = static_cast<uint16_t>(sp);
    out.dstPort = static_cast<uint16_t>(dp);
    return ParseProtocolText(parts[4], out.protocol);
  }
  size_t arrow = line.find("->");
  if (arrow == std::string::npos) return false;
  std::stringstream rest(line.substr(arrow + 2));
  std::string dstText, protoText = "tcp";
  rest >> dstText >> protoText;
  return ParseEndpoint(line.substr(0, arrow), out.src, out.srcPort) &&
         ParseEndpoint(dstText, out.dst, out.dstPort) && ParseProtocolText(protoText, out.protocol);
}

}  // namespace

bool FlowTuple::operator<(const FlowTuple& o) const {
  return std::tie(src, dst, srcPort, dstPort, protocol) <
         std::tie(o.src, o.dst, o.srcPort, o.dstPort, o.protocol);
}
bool FlowTuple::operator==(const FlowTuple& o) const {
  return src == o.src && dst == o.dst && srcPort == o.srcPort && dstPort == o.dstPort &&
         protocol == o.protocol;
}
std::string FlowTuple::ToString() const {
  auto ep = [](const std::string& a, uint16_t p) {
    return (a.find(':') != std::string::npos ? "[" + a + "]" : a) + ":" + std::to_string(p);
  };
  return ep(src, srcPort) + " -> " + ep(dst, dstPort) + " " + std::to_string(protocol);
}

core::Result<std::vector<FlowTuple>> ParseFlowList(const std::string& text) {
  std::vector<FlowTuple> out;
  std::stringstream ss(text);
  int lineNo = 0;
  for (std::string line; std::getline(ss, line);) {
    ++lineNo;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    FlowTuple t;
    if (!ParseFlowLine(line, t)) {
      return core::MakeError(core::ErrorCode::kParse,
                             "line " + std::to_string(lineNo) +
                                 ": expected 'SRC:PORT -> DST:PORT PROTO' or "
                                 "'SRC,PORT,DST,PORT,PROTO', got '" +
                                 line + "'");
    }
    out.push_back(t);
  }
  return out;
}

Grade GradeFlows(const Level& level, const LevelKey& key, const std::vector<FlowTuple>& flows) {
  if (flows.empty()) return Invalid("no flows given");
  std::set<FlowTuple> submitted(flows.begin(), flows.end());
  std::map<FlowTuple, size_t> owner;  // tuple -> labelled flow it identifies
  for (size_t i = 0; i < key.flows.size(); ++i) {
    for (const auto& t : key.flows[i]) owner.emplace(t, i);
  }
  size_t hits = 0;
  std::set<size_t> found;
  for (const auto& t : submitted) {
    auto it = owner.find(t);
    if (it == owner.end()) continue;
    ++hits;
    found.insert(it->second);
  }
  Grade g;
  g.precision = static_cast<double>(hits) / static_cast<double>(submitted.size());
  g.recall = key.flows.empty()
                 ? 0
                 : static_cast<double>(found.size()) / static_cast<double>(key.flows.size());
  g.f1 = g.precision + g.recall > 0 ? 2 * g.precision * g.recall / (g.precision + g.recall) : 0;
  g.correct = g.f1 + 1e-9 >= level.passF1;
  std::ostringstream fb;
  fb.precision(3);
  fb << "precision " << g.precision << ", recall " << g.recall << ", F1 " << g.f1
     << (g.correct ? " (pass)" : " (pass mark " + std::to_string(level.passF1).substr(0, 4) + ")");
  g.feedback = fb.str();
  return g;
}

Grade GradeAnswer(const Level& level, const LevelKey& key, const std::string& answer) {
  std::string a = Trim(answer);
  if (a.empty()) return Invalid("empty answer");
  double n = 0;
  switch (level.type) {
    case AnswerType::kHost: {
      std::string addr = CanonicalAddress(a);
      return Verdict(AnyEqual(key.accepted, addr.empty() ? a : addr, addr.empty()));
    }
    case AnswerType::kAddress: {
      std::string addr = CanonicalAddress(a);
      if (addr.empty()) return Invalid("'" + a + "' is not an IPv4 or IPv6 address");
      return Verdict(AnyEqual(key.accepted, addr, false));
    }
    case AnswerType::kPort:
      if (!ParseNumber(a, n) || n < 0 || n > 65535 || n != std::floor(n)) {
        return Invalid("a port is a whole number from 0 to 65535");
      }
      return Verdict(AnyEqual(key.accepted, std::to_string(static_cast<int>(n)), false));
    case AnswerType::kNumber:
      if (!ParseNumber(a, n)) return Invalid("'" + a + "' is not a number");
      return GradeNumber(level, key.number, n, "");
    case AnswerType::kTime: {
      auto t = collector::ParseTimeNs(a);
      if (!t) return Invalid("'" + a + "' is not a time (2026-01-05T09:01:30Z or UNIX seconds)");
      return GradeNumber(level, key.number, static_cast<double>(*t) / 1e9, " s");
    }
    case AnswerType::kChoice:
      if (std::find(level.choices.begin(), level.choices.end(), a) == level.choices.end()) {
        return Invalid("'" + a + "' is not one of the choices");
      }
      return Verdict(AnyEqual(key.accepted, a, false));
    case AnswerType::kFlows: {
      auto flows = ParseFlowList(a);
      if (!flows) return Invalid(flows.GetError().message);
      return GradeFlows(level, key, *flows);
    }
  }
  return Invalid("unknown answer type");
}

double LevelScore(const Level& level, const LevelProgress& p) {
  if (!level.question || !p.solved) return 0;
  double penalty = 0;
  for (int i = 0; i < p.hintsTaken && i < static_cast<int>(level.hints.size()); ++i) {
    penalty += level.hints[static_cast<size_t>(i)].penalty;
  }
  if (p.solutionShown) penalty += level.solutionPenalty;
  return std::max(0.0, level.maxScore - penalty);
}

void ApplyGrade(const Level& level, const Grade& grade, LevelProgress& p) {
  if (p.Done() || !grade.valid) return;
  if (grade.correct) {
    p.solved = true;
    return;
  }
  ++p.wrong;
  if (level.maxWrong > 0 && p.wrong >= level.maxWrong) p.lost = true;
}

}  // namespace vantage::training
