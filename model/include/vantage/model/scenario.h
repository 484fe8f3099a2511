// The scenario model: the simulated window, the seed, benign application mixes per host
// group, server roles, and injected behaviours with ground-truth labels, as read from
// scenarios/*.yaml.
//
//   Diagnostics diags;
//   auto sc = LoadScenario("scenarios/enterprise-baseline.yaml", topology, diags);
//   for (const auto& mix : sc->traffic) ...
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/diagnostics.h"
#include "vantage/model/topology.h"

namespace vantage::model {

/// @brief A random quantity: constant, uniform(a,b), exponential(mean a), lognormal(mu a,
/// sigma b of the underlying normal), pareto(scale a, shape b). YAML: `1200`,
/// `{uniform: [100, 2000]}`, `{exponential: 30}`, `{lognormal: [8, 1.2]}`, `{pareto: [1000, 1.5]}`.
struct Distribution {
  enum class Kind { kConstant, kUniform, kExponential, kLogNormal, kPareto };
  Kind kind = Kind::kConstant;
  double a = 0;
  double b = 0;

  static Distribution Constant(double v) { return {Kind::kConstant, v, 0}; }
  double Sample(std::mt19937_64& rng) const;
  double Mean() const;
};

/// @brief Known application kinds of a benign mix.
/// web (HTTP/HTTPS request/response), dns (UDP query/response), smb, ssh, db, mail, backup
/// (bulk upload), updates (bulk download), streaming (long download), ldap.
struct Application {
  std::string app;       ///< application kind (label in ground truth)
  std::string server;    ///< node name of the server (or an internet node)
  uint8_t protocol = 6;  ///< 6 TCP, 17 UDP, 1 ICMP
  uint16_t port = 443;
  double sessionsPerHostHour = 10;  ///< rate per simulated host, before the diurnal profile
  Distribution requestBytes = Distribution::Constant(400);
  Distribution responseBytes = Distribution::Constant(20000);
  Distribution requestsPerSession = Distribution::Constant(1);  ///< exchanges per connection
  Distribution thinkTimeS = Distribution::Constant(0.5);        ///< pause between exchanges
  int line = 0;
};

/// @brief The applications a host group (or a server acting as a client) runs.
struct TrafficMix {
  std::string group;  ///< host group or server node name
  std::vector<Application> apps;
  int line = 0;
};

/// @brief An injected behaviour with ground truth. Kinds are open: known kinds are
/// c2_beacon, exfiltration, port_scan, brute_force, long_ssh, long_http, dmz_odd_port, spike;
/// unknown kinds are kept with a warning so newer scenario files still load.
struct Behaviour {
  std::string kind;
  std::string label;   ///< ground-truth label; defaults to kind
  std::string source;  ///< host group or node that starts it
  std::string target;  ///< node (or internet node) it talks to
  double startS = 0;   ///< offset into the simulated window
  double durationS = 60;
  uint8_t protocol = 6;
  uint16_t port = 0;                          ///< 0: the kind's default
  std::map<std::string, std::string> params;  ///< kind-specific (interval_s, bytes, ...)
  int line = 0;
};

/// @brief A whole scenario file.
struct Scenario {
  std::string name;
  std::string description;
  std::string sourcePath;
  std::string topology;  ///< name of the topology it is written for (checked if set)
  uint64_t seed = 1;
  double durationS = 600;           ///< simulated window
  int64_t startUnixS = 1767600000;  ///< wall-clock time simulated time 0 stands for
  double representsS = 86400;       ///< real time the window stands for (for scaling to a day)
  /// Relative activity per hour of day (24 values, mean ~1); the window's start hour picks
  /// the factor. Empty = flat.
  std::vector<double> diurnal;
  std::vector<TrafficMix> traffic;
  std::vector<Behaviour> behaviours;
  /// Role overrides per server node (YAML `server_roles: {node: role}`); otherwise the
  /// topology node's `role` applies. Used to pick a default server for an application.
  std::map<std::string, std::string> serverRoles;

  /// @brief The diurnal factor of the hour the window starts in (1.0 if no profile).
  double DiurnalFactor() const;
};

/// @brief Defaults of a known application kind: protocol, port, and server roles that serve it.
struct ApplicationDefaults {
  uint8_t protocol = 6;
  uint16_t port = 0;
  std::vector<std::string> roles;
};
ApplicationDefaults DefaultsFor(const std::string& app);
/// @brief Application kinds the loader knows (web, dns, smb, ssh, db, mail, backup, updates,
/// streaming, ldap).
const std::vector<std::string>& KnownApplications();
/// @brief Behaviour kinds known to this version (others load with a warning).
const std::vector<std::string>& KnownBehaviours();
/// @brief The `params` a known behaviour kind uses (others load with a warning); empty for
/// unknown kinds.
std::vector<std::string> KnownBehaviourParams(const std::string& kind);
/// @brief A named diurnal profile ("office", "flat"/"24x7"): 24 hourly factors; empty if unknown.
std::vector<double> DiurnalProfile(const std::string& name);

/// @brief Expected number of benign sessions (flows) in the window: sum over mixes of
/// simulated hosts x sessions per host-hour x diurnal factor x window hours.
double ExpectedSessions(const Scenario& scenario, const Topology& topology);

/// @brief Loads and validates a scenario against its topology (references must exist).
core::Result<Scenario> LoadScenario(const std::string& path, const Topology& topology,
                                    Diagnostics& diags);
core::Result<Scenario> ParseScenario(const std::string& yamlText, const std::string& name,
                                     const Topology& topology, Diagnostics& diags);

}  // namespace vantage::model
