// Right answers from ground truth: each question's truth expression "LABEL.FIELD" is evaluated
// over the ground-truth flows carrying that label in the trainee's own run.
#include <algorithm>
#include <set>

#include "vantage/training/grading.h"

namespace vantage::training {
namespace {

using planner::GroundTruthFlow;

std::string Addr(const core::IpAddress& a) {
  return a.IsSet() ? a.ToString() : std::string();
}

FlowTuple Tuple(const core::IpAddress& s, uint16_t sp, const core::IpAddress& d, uint16_t dp,
                uint8_t proto) {
  return FlowTuple{Addr(s), Addr(d), sp, dp, proto};
}

// A labelled flow is identified by its tuple in either direction, before and after NAT.
std::vector<FlowTuple> Identities(const GroundTruthFlow& f) {
  std::vector<FlowTuple> ids = {Tuple(f.srcIp, f.srcPort, f.dstIp, f.dstPort, f.protocol),
                                Tuple(f.dstIp, f.dstPort, f.srcIp, f.srcPort, f.protocol)};
  if (f.Natted()) {
    ids.push_back(Tuple(f.natIp, f.natPort, f.dstIp, f.dstPort, f.protocol));
    ids.push_back(Tuple(f.dstIp, f.dstPort, f.natIp, f.natPort, f.protocol));
  }
  return ids;
}

template <typename F>
std::vector<std::string> Distinct(const std::vector<const GroundTruthFlow*>& flows, F get) {
  std::vector<std::string> out;
  for (const auto* f : flows) {
    std::string v = get(*f);
    if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

double MedianInterval(std::vector<const GroundTruthFlow*> flows) {
  std::sort(flows.begin(), flows.end(),
            [](const auto* a, const auto* b) { return a->startNs < b->startNs; });
  std::vector<double> gaps;
  for (size_t i = 1; i < flows.size(); ++i) {
    gaps.push_back(static_cast<double>(flows[i]->startNs - flows[i - 1]->startNs) / 1e9);
  }
  if (gaps.empty()) return 0;
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  return gaps[gaps.size() / 2];
}

// Host fields accept the host's name or its address; each distinct value is acceptable.
void HostKey(const std::vector<const GroundTruthFlow*>& flows, bool source, LevelKey& key) {
  auto names = Distinct(flows, [&](const auto& f) { return source ? f.srcHost : f.dstHost; });
  auto ips = Distinct(flows, [&](const auto& f) { return Addr(source ? f.srcIp : f.dstIp); });
  key.accepted = names;
  key.accepted.insert(key.accepted.end(), ips.begin(), ips.end());
  key.display = Join(names) + " (" + Join(ips) + ")";
}

void NumberKey(double v, const std::string& display, LevelKey& key) {
  key.number = v;
  key.display = display;
}

bool FillKey(const std::string& field, const std::vector<const GroundTruthFlow*>& flows,
             LevelKey& key) {
  auto sumOf = [&](auto get) {
    uint64_t s = 0;
    for (const auto* f : flows) s += get(*f);
    return static_cast<double>(s);
  };
  int64_t start = INT64_MAX, end = INT64_MIN;
  for (const auto* f : flows) {
    start = std::min(start, f->startNs);
    end = std::max(end, f->endNs);
  }
  if (field == "src_host") {
    HostKey(flows, true, key);
  } else if (field == "dst_host") {
    HostKey(flows, false, key);
  } else if (field == "src_ip" || field == "dst_ip" || field == "nat_ip" || field == "src_group") {
    key.accepted = Distinct(flows, [&](const auto& f) {
      if (field == "src_group") return f.srcGroup;
      return Addr(field == "src_ip" ? f.srcIp : field == "dst_ip" ? f.dstIp : f.natIp);
    });
    key.display = Join(key.accepted);
  } else if (field == "dst_port" || field == "protocol") {
    key.accepted = Distinct(flows, [&](const auto& f) {
      return std::to_string(field == "dst_port" ? f.dstPort : f.protocol);
    });
    key.display = Join(key.accepted);
    key.number = key.accepted.empty() ? 0 : std::stod(key.accepted.front());
  } else if (field == "start" || field == "end") {
    double t = static_cast<double>(field == "start" ? start : end) / 1e9;
    NumberKey(t, std::to_string(static_cast<long long>(t)) + " (UNIX s)", key);
  } else if (field == "duration_s") {
    NumberKey(static_cast<double>(end - start) / 1e9, "", key);
  } else if (field == "flows") {
    NumberKey(static_cast<double>(flows.size()), "", key);
  } else if (field == "bytes_out") {
    NumberKey(sumOf([](const auto& f) { return f.bytesFwd; }), "", key);
  } else if (field == "bytes_in") {
    NumberKey(sumOf([](const auto& f) { return f.bytesRev; }), "", key);
  } else if (field == "interval_s") {
    NumberKey(MedianInterval(flows), "", key);
  } else if (field == "flow_set") {
    for (const auto* f : flows) key.flows.push_back(Identities(*f));
    key.display = std::to_string(flows.size()) + " labelled flows";
  } else {
    return false;
  }
  if (key.display.empty()) key.display = std::to_string(key.number);
  return true;
}

}  // namespace

core::Result<TraineeKey> DeriveKey(const Exercise& exercise, const TraineeVariant& variant,
                                   const std::vector<GroundTruthFlow>& truth) {
  TraineeKey out;
  out.trainee = variant.trainee;
  out.seed = variant.seed;
  for (const auto& level : exercise.levels) {
    if (!level.question) continue;
    LevelKey key;
    key.type = level.type;
    if (!level.value.empty()) {
      key.accepted = {level.value};
      key.display = level.value;
      key.number = std::strtod(level.value.c_str(), nullptr);
      out.levels[level.id] = key;
      continue;
    }
    auto dot = level.truth.rfind('.');
    std::string label = level.truth.substr(0, dot), field = level.truth.substr(dot + 1);
    if (field.rfind("param:", 0) == 0) {
      auto lp = variant.params.find(label);
      std::string name = field.substr(6);
      if (lp == variant.params.end() || !lp->second.count(name)) {
        return core::MakeError(
            core::ErrorCode::kInvalid,
            "level '" + level.id + "': no parameter '" + name + "' on '" + label + "'");
      }
      key.display = lp->second.at(name);
      key.accepted = {key.display};
      key.number = std::strtod(key.display.c_str(), nullptr);
      out.levels[level.id] = key;
      continue;
    }
    std::vector<const GroundTruthFlow*> flows;
    for (const auto& f : truth) {
      if (f.label == label) flows.push_back(&f);
    }
    if (flows.empty()) {
      return core::MakeError(core::ErrorCode::kInvalid,
                             "level '" + level.id + "': the ground truth of " + variant.trainee +
                                 " has no flow labelled '" + label + "'");
    }
    if (!FillKey(field, flows, key)) {
      return core::MakeError(core::ErrorCode::kInvalid,
                             "level '" + level.id + "': unknown truth field '" + field + "'");
    }
    out.levels[level.id] = key;
  }
  return out;
}

}  // namespace vantage::training
