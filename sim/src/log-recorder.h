// Fills SimLogs (the run directory's firewall.log and nat_events.csv) by connecting to the
// firewall and NAT trace sources, as any ns-3 user of those models would.
#pragma once

#include <ns3/ipv4-address.h>
#include <ns3/ipv4-header.h>
#include <ns3/packet.h>
#include <ns3/ptr.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vantage::sim {

class Firewall;
class NatGateway;
struct SimLogs;

class LogRecorder {
 public:
  /// @param startUnixNs simulated time 0 as UNIX ns (the logs' time base)
  LogRecorder(SimLogs* logs, int64_t startUnixNs);
  ~LogRecorder();
  LogRecorder(const LogRecorder&) = delete;
  LogRecorder& operator=(const LogRecorder&) = delete;

  /// @brief Records the firewall's drops (firewall.log).
  void Hook(const ns3::Ptr<Firewall>& firewall);
  /// @brief Records the gateway's binding events (nat_events.csv) when `logEvents`; its
  /// counters (NatGateway::BindingsCreated, UnsolicitedDrops) hold the totals.
  void Hook(const ns3::Ptr<NatGateway>& nat, bool logEvents);

 private:
  struct Sink;
  SimLogs* m_logs;
  int64_t m_startUnixNs;
  std::vector<std::unique_ptr<Sink>> m_sinks;  ///< the callbacks point into these
};

}  // namespace vantage::sim
