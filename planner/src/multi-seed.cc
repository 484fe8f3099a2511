// Combining per-seed problems into one (objective = sum of the seeds' objectives).
#include "vantage/planner/multi-seed.h"

#include <map>

namespace vantage::planner {
namespace {

// Index of `name` in `names`, appended when absent (behaviour and asset lists may differ
// between seeds when a seed's run has no flow of some behaviour).
int Intern(std::vector<std::string>& names, const std::string& name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  names.push_back(name);
  return static_cast<int>(names.size() - 1);
}

core::Status CheckSamePoints(const Problem& a, const Problem& b, size_t seed) {
  bool same = a.points.size() == b.points.size();
  for (size_t p = 0; same && p < a.points.size(); ++p) same = a.points[p].name == b.points[p].name;
  if (same) return {};
  return core::MakeError(core::ErrorCode::kInvalid,
                         "run " + std::to_string(seed) +
                             " has other candidate points than the first: runs of one "
                             "topology are needed");
}

void AddFlows(Problem& out, const Problem& in, uint32_t offset) {
  for (FlowInfo f : in.flows) {
    if (f.behaviour >= 0) f.behaviour = Intern(out.behaviours, in.behaviours[f.behaviour]);
    if (f.asset >= 0) f.asset = Intern(out.assets, in.assets[f.asset]);
    out.flows.push_back(f);
  }
  for (size_t p = 0; p < in.points.size(); ++p) {
    for (Hit h : in.points[p].hits) {
      h.flow += offset;
      out.points[p].hits.push_back(h);
    }
  }
}

}  // namespace

core::Result<Problem> CombineProblems(const std::vector<Problem>& perSeed) {
  if (perSeed.empty()) {
    return core::MakeError(core::ErrorCode::kInvalid, "no runs to combine");
  }
  Problem out;
  out.constraints = perSeed[0].constraints;
  out.weights = perSeed[0].weights;
  out.dayFactor = perSeed[0].dayFactor;
  out.points = perSeed[0].points;
  const double n = static_cast<double>(perSeed.size());
  for (auto& pt : out.points) {
    pt.hits.clear();
    pt.recordsPerDay = pt.flowBytesPerDay = pt.pcapBytesPerDay = pt.bytesPerRecord = 0;
    pt.flowLog.recordsPerDay = pt.flowLog.bytesPerDay = pt.flowLog.bytesPerRecord = 0;
  }
  for (size_t s = 0; s < perSeed.size(); ++s) {
    const Problem& in = perSeed[s];
    VANTAGE_RETURN_IF_ERROR(CheckSamePoints(perSeed[0], in, s));
    if (out.flows.size() + in.flows.size() > UINT32_MAX) {
      return core::MakeError(core::ErrorCode::kLimit, "too many flows across the runs");
    }
    AddFlows(out, in, static_cast<uint32_t>(out.flows.size()));
    for (size_t p = 0; p < in.points.size(); ++p) {
      // Expected storage: the mean of the seeds' measurements.
      out.points[p].recordsPerDay += in.points[p].recordsPerDay / n;
      out.points[p].flowBytesPerDay += in.points[p].flowBytesPerDay / n;
      out.points[p].pcapBytesPerDay += in.points[p].pcapBytesPerDay / n;
      out.points[p].bytesPerRecord += in.points[p].bytesPerRecord / n;
      FlowLogInfo& f = out.points[p].flowLog;
      f.recordsPerDay += in.points[p].flowLog.recordsPerDay / n;
      f.bytesPerDay += in.points[p].flowLog.bytesPerDay / n;
      f.bytesPerRecord += in.points[p].flowLog.bytesPerRecord / n;
    }
  }
  PriceFlowLogs(out);
  return out;
}

}  // namespace vantage::planner
