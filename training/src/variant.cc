// Drawing each trainee's variant of an exercise from a seed derived from their name.
#include "vantage/training/variant.h"

#include <cmath>
#include <random>
#include <set>

#include "vantage/model/yaml-reader.h"

namespace vantage::training {
namespace {

// FNV-1a, then SplitMix64's finaliser: stable across platforms and standard libraries (unlike
// std::hash), so a trainee's variant never changes between builds.
uint64_t Mix(uint64_t h, const std::string& text) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= 0xff;  // separator, so ("ab","c") and ("a","bc") differ
  h *= 0x100000001b3ULL;
  return h;
}

uint64_t Finalise(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string FormatNumber(double v, int decimals) {
  if (decimals <= 0) return std::to_string(static_cast<long long>(std::llround(v)));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// Draws in a fixed order (the order of the exercise file), so adding a trainee never changes
// another trainee's variant.
std::string Draw(const Varying& v, std::mt19937_64& rng) {
  switch (v.kind) {
    case Varying::Kind::kConstant:
      return v.constant;
    case Varying::Kind::kUniform: {
      std::uniform_real_distribution<double> d(v.lo, v.hi);
      return FormatNumber(d(rng), v.decimals);
    }
    case Varying::Kind::kOneOf: {
      std::uniform_int_distribution<size_t> d(0, v.options.size() - 1);
      return v.options[d(rng)];
    }
  }
  return v.constant;
}

double ToNumber(const std::string& s, double fallback) {
  if (s.empty()) return fallback;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  return end == s.c_str() ? fallback : v;
}

bool KnownPlace(const model::Topology& topo, const std::string& name) {
  return topo.FindNode(name) != nullptr;
}

}  // namespace

uint64_t TraineeSeed(const Exercise& exercise, const std::string& trainee) {
  uint64_t h = 0xcbf29ce484222325ULL;
  h = Mix(h, exercise.name);
  h = Mix(h, std::to_string(exercise.seed));
  h = Mix(h, trainee);
  // ns-3's RngSeedManager wants a seed in [1, 2^32).
  return (Finalise(h) % 0xfffffffeULL) + 1;
}

TraineeVariant ResolveVariant(const Exercise& exercise, const std::string& trainee) {
  TraineeVariant v;
  v.trainee = trainee;
  v.seed = TraineeSeed(exercise, trainee);
  std::mt19937_64 rng(v.seed);
  for (const auto& inj : exercise.inject) {
    model::Behaviour b;
    b.kind = inj.kind;
    b.label = inj.label;
    b.line = inj.line;
    b.source = Draw(inj.source, rng);
    b.target = Draw(inj.target, rng);
    b.startS = ToNumber(Draw(inj.startS, rng), 0);
    b.durationS = ToNumber(Draw(inj.durationS, rng), 60);
    b.port = static_cast<uint16_t>(ToNumber(Draw(inj.port, rng), 0));
    b.protocol = model::detail::ParseProtocol(inj.protocol).value_or(6);
    for (const auto& [key, val] : inj.params) {
      b.params[key] = Draw(val, rng);
      v.params[inj.label][key] = b.params[key];
    }
    v.params[inj.label]["source"] = b.source;
    v.params[inj.label]["target"] = b.target;
    v.params[inj.label]["port"] = std::to_string(b.port);
    v.behaviours.push_back(std::move(b));
  }
  return v;
}

core::Result<model::Scenario> ApplyVariant(const Exercise& exercise, const TraineeVariant& variant,
                                           model::Scenario base, const model::Topology& topology,
                                           model::Diagnostics& diags) {
  size_t before = diags.ErrorCount();
  const std::string& file = exercise.sourcePath;
  for (const auto& b : variant.behaviours) {
    if (!KnownPlace(topology, b.source)) {
      diags.Error(file, b.line, 1, "inject." + b.label + ".source",
                  "no node or host group '" + b.source + "' in the topology");
    }
    if (!b.target.empty() && !KnownPlace(topology, b.target)) {
      diags.Error(file, b.line, 1, "inject." + b.label + ".target",
                  "no node '" + b.target + "' in the topology");
    }
  }
  std::set<std::string> points;
  for (const auto& p : topology.candidates) points.insert(p.name);
  for (const auto* list : {&exercise.view.flowPoints, &exercise.view.capturePoints}) {
    for (const auto& p : *list) {
      if (!points.count(p)) diags.Error(file, 0, 0, "view", "no candidate point '" + p + "'");
    }
  }
  if (diags.ErrorCount() > before) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           file + ": exercise does not fit its topology");
  }
  base.seed = variant.seed;
  if (exercise.durationS) base.durationS = *exercise.durationS;
  if (!exercise.keepScenarioBehaviours) base.behaviours.clear();
  for (const auto& b : variant.behaviours) base.behaviours.push_back(b);
  return base;
}

bool ValidTraineeName(const std::string& name) {
  if (name.empty() || name.size() > 40 || name[0] == '.') return false;
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace vantage::training
