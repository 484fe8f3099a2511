// Subcommand registry: each cmd-*.cc registers itself, so adding a command touches one file.
//
//   static vantage::cli::Registrar reg{"export", "Meter packets into flows and export them",
//                                      [](CLI::App& app) { ...; return [] { return 0; }; }};
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace vantage::cli {

/// Runs the parsed command; returns the process exit code.
using Runner = std::function<int()>;
/// Adds options to the subcommand's app and returns what runs when it is chosen.
using Setup = std::function<Runner(CLI::App&)>;

struct Command {
  std::string name;
  std::string description;
  Setup setup;
  int order;  ///< position in --help
};

std::vector<Command>& Commands();

struct Registrar {
  Registrar(std::string name, std::string description, Setup setup, int order = 100) {
    Commands().push_back({std::move(name), std::move(description), std::move(setup), order});
  }
};

}  // namespace vantage::cli
