// Building the placement problem from a run's observations and the topology.
#include "vantage/planner/problem.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "problem-flow-log.h"

namespace vantage::planner {

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kNone:
      return "none";
    case Mode::kFlow:
      return "flow";
    case Mode::kFull:
      return "full";
    case Mode::kBoth:
      return "both";
    case Mode::kFlowLog:
      return "flow-log";
  }
  return "?";
}

int Problem::FindPoint(const std::string& name) const {
  for (size_t i = 0; i < points.size(); ++i) {
    if (points[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Constraints ConstraintsFromBudget(const model::Budget& budget) {
  Constraints c;
  c.storageBytes = budget.storageTb * 1e12;
  c.flowRetentionDays = budget.flowRetentionDays;
  c.fullRetentionDays = budget.fullRetentionDays;
  c.maxDevices = budget.maxDevices;
  c.maxCost = budget.maxCost;
  return c;
}

namespace {

const model::Node* NodeByName(const model::Topology& t, const std::string& name) {
  for (const auto& n : t.nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

const model::Zone* ZoneByName(const model::Topology& t, const std::string& name) {
  for (const auto& z : t.zones) {
    if (z.name == name) return &z;
  }
  return nullptr;
}

// True if the flow end is on the internet: its node (group) is in an internet zone or an
// internet node; failing that, its address is in no internal zone's prefixes.
bool OnInternet(const model::Topology& t, const std::string& group, const std::string& host,
                const core::IpAddress& ip) {
  for (const std::string* name : {&group, &host}) {
    if (name->empty()) continue;
    if (const model::Node* n = NodeByName(t, *name)) {
      if (n->kind == model::NodeKind::kInternet) return true;
      const model::Zone* z = ZoneByName(t, n->zone);
      return z != nullptr && z->kind == model::ZoneKind::kInternet;
    }
  }
  bool anyInternal = false;
  for (const auto& z : t.zones) {
    for (const auto& c : z.cidrs) {
      if (c.Contains(ip)) return z.kind == model::ZoneKind::kInternet;
      anyInternal = anyInternal || z.kind != model::ZoneKind::kInternet;
    }
  }
  // No zone claims the address: public space is the internet when the topology has zones.
  return anyInternal;
}

}  // namespace

// A point's capabilities and costs: from the topology's candidate, else what the run shows.
static void DescribePoint(const model::Topology& topology, const ManifestPoint* mp, PointInfo& pt) {
  const model::CandidatePoint* cand = nullptr;
  for (const auto& c : topology.candidates) {
    if (c.name == pt.name) cand = &c;
  }
  if (cand != nullptr) {
    pt.node = cand->node;
    pt.canFlow = cand->canExportFlows;
    pt.sampledOnly = cand->sampledOnly;
    pt.samplingRate = std::max<uint32_t>(1, cand->samplingRate);
    pt.canFull = cand->canFullCapture;
    pt.costFlow = cand->costFlow;
    pt.costFull = cand->costFullCapture;
  } else if (mp != nullptr) {
    pt.node = mp->node;
    pt.canFull = !mp->pcap.empty();
  }
}

// The ground-truth flows with their weights, assets and behaviours (indices into p.assets and
// p.behaviours, which grow as new names appear).
static void AddFlows(const RunData& run, const model::Topology& topology, Problem& p) {
  std::map<std::string, int> behaviourIndex, assetIndex;
  for (const auto& a : topology.criticalAssets) {
    assetIndex.emplace(a.name, static_cast<int>(p.assets.size()));
    p.assets.push_back(a.name);
  }
  p.flows.reserve(run.flows.size());
  for (const auto& g : run.flows) {
    FlowInfo f;
    f.weight = run.GroupScale(g.srcGroup);
    f.bytes = static_cast<double>(g.bytesFwd + g.bytesRev);
    f.northSouth = OnInternet(topology, g.srcGroup, g.srcHost, g.srcIp) ||
                   OnInternet(topology, g.dstGroup, g.dstHost, g.dstIp);
    f.natted = g.Natted();
    if (!g.criticalAsset.empty()) {
      auto it = assetIndex.find(g.criticalAsset);
      if (it == assetIndex.end()) {
        it = assetIndex.emplace(g.criticalAsset, static_cast<int>(p.assets.size())).first;
        p.assets.push_back(g.criticalAsset);
      }
      f.asset = it->second;
      f.criticality = 1.0;
      for (const auto& a : topology.criticalAssets) {
        if (a.name == g.criticalAsset) f.criticality = a.weight;
      }
    }
    if (!g.behaviour.empty()) {
      auto it = behaviourIndex.find(g.behaviour);
      if (it == behaviourIndex.end()) {
        it = behaviourIndex.emplace(g.behaviour, static_cast<int>(p.behaviours.size())).first;
        p.behaviours.push_back(g.behaviour);
      }
      f.behaviour = it->second;
    }
    p.flows.push_back(f);
  }
}

Problem BuildProblem(const RunData& run, const std::vector<PointObservation>& observations,
                     const model::Topology& topology) {
  Problem p;
  p.dayFactor = run.DayFactor();
  p.constraints = ConstraintsFromBudget(topology.budget);
  AddFlows(run, topology, p);

  double sqliteBytesPerRecord =
      run.hasSqlite && run.sqliteRecords > 0
          ? static_cast<double>(run.sqliteBytes) / static_cast<double>(run.sqliteRecords)
          : 0.0;
  for (const auto& obs : observations) {
    PointInfo pt;
    pt.name = obs.point;
    const ManifestPoint* mp = run.manifest.FindPoint(obs.point);
    DescribePoint(topology, mp, pt);
    if (const model::Node* n = NodeByName(topology, pt.node)) pt.zone = n->zone;
    double weightedRecords = static_cast<double>(obs.unmatchedRecords);
    double octets = 0, weightedOctets = 0;
    for (const auto& m : obs.matches) {
      Hit h;
      h.flow = m.flow;
      h.records = m.records;
      h.direct = m.direct;
      h.natLogged = m.natLogged;
      const auto& g = run.flows[m.flow];
      if (pt.sampledOnly && pt.samplingRate > 1 && m.samplingInterval <= 1) {
        // The run exported unsampled here: estimate the chance a 1-in-N sampler reports it.
        double packets = static_cast<double>(g.packetsFwd + g.packetsRev);
        h.detectProb =
            static_cast<float>(1.0 - std::pow(1.0 - 1.0 / pt.samplingRate, std::max(1.0, packets)));
      }
      pt.hits.push_back(h);
      double w = p.flows[m.flow].weight;
      weightedRecords += m.records * w * h.detectProb;
      double o = static_cast<double>(g.bytesFwd + g.bytesRev);
      octets += o;
      weightedOctets += o * w;
    }
    pt.recordsPerDay = weightedRecords * p.dayFactor;
    double ipfixBytesPerRecord =
        obs.records > 0 ? static_cast<double>(obs.recordFileBytes) / obs.records : 0.0;
    if (ipfixBytesPerRecord == 0 && mp != nullptr && mp->flows > 0) {
      ipfixBytesPerRecord = static_cast<double>(mp->ipfixBytes) / mp->flows;
    }
    pt.bytesPerRecord = sqliteBytesPerRecord > 0 ? sqliteBytesPerRecord : ipfixBytesPerRecord;
    pt.flowBytesPerDay = pt.recordsPerDay * pt.bytesPerRecord;
    if (mp != nullptr && pt.canFull) {
      double ratio = octets > 0 ? weightedOctets / octets : 1.0;
      pt.pcapBytesPerDay = static_cast<double>(mp->pcapBytes) * ratio * p.dayFactor;
    }
    detail::AddFlowLog(p, pt, obs, run, topology.budget);
    p.points.push_back(std::move(pt));
  }
  PriceFlowLogs(p);
  return p;
}

}  // namespace vantage::planner
