// The vantage executable: one binary, subcommands registered by the cmd-*.cc files.
#include <algorithm>
#include <iostream>
#include <memory>

#include "command.h"

namespace vantage::cli {
std::vector<Command>& Commands() {
  static std::vector<Command> commands;
  return commands;
}
}  // namespace vantage::cli

#ifndef VANTAGE_VERSION
#define VANTAGE_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using vantage::cli::Commands;
  CLI::App app{
      "Vantage: plan where to export flow records and where to keep full packet capture,\n"
      "by simulating your network in ns-3 with the real exporter and collector at every\n"
      "candidate point. The exporter and collector also work standalone on pcap files,\n"
      "live interfaces and any NetFlow v5/v9 or IPFIX peer."};
  app.set_version_flag("--version", std::string("vantage ") + VANTAGE_VERSION);
  app.require_subcommand(1);
  app.footer("Run 'vantage COMMAND --help' for the options of a command.");

  auto& commands = Commands();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) {
    return a.order < b.order || (a.order == b.order && a.name < b.name);
  });
  std::vector<std::pair<CLI::App*, vantage::cli::Runner>> runners;
  for (auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    runners.emplace_back(sub, c.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) {
      try {
        return run();
      } catch (const std::exception& e) {
        std::cerr << "vantage " << sub->get_name() << ": " << e.what() << "\n";
        return 1;
      }
    }
  }
  return 2;
}
