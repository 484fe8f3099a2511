// Per-trainee variants: each trainee's seed comes from the exercise and the trainee's name, so
// every trainee hunts a different host, interval or destination, and the same trainee always
// gets the same one.
//
//   auto v = training::ResolveVariant(exercise, "alice");
//   auto scenario = training::ApplyVariant(exercise, v, baseScenario, topology, diags);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"
#include "vantage/training/exercise.h"

namespace vantage::training {

/// @brief One trainee's resolved exercise: the seed and the injected behaviours with every
/// range drawn and every one_of chosen.
struct TraineeVariant {
  std::string trainee;
  uint64_t seed = 0;
  std::vector<model::Behaviour> behaviours;
  /// label -> parameter -> resolved text (for `LABEL.param:NAME` answers)
  std::map<std::string, std::map<std::string, std::string>> params;
};

/// @brief The trainee's seed: a hash of the exercise's name and seed and the trainee's name.
uint64_t TraineeSeed(const Exercise& exercise, const std::string& trainee);

/// @brief Draws every varying value of the exercise for one trainee (deterministic).
TraineeVariant ResolveVariant(const Exercise& exercise, const std::string& trainee);

/// @brief The scenario a trainee's run simulates: the base scenario with the trainee's seed,
/// the exercise's window and behaviours. Checks that sources, targets and view points exist in
/// the topology (diagnostics name the exercise file and line).
core::Result<model::Scenario> ApplyVariant(const Exercise& exercise, const TraineeVariant& variant,
                                           model::Scenario base, const model::Topology& topology,
                                           model::Diagnostics& diags);

/// @brief True if `name` is a valid trainee name (letters, digits, '-', '_', '.'; 1-40 chars):
/// names become directory names.
bool ValidTraineeName(const std::string& name);

}  // namespace vantage::training
