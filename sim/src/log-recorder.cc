// Trace sinks that turn firewall and NAT trace sources into SimLogs (see log-recorder.h).
#include "log-recorder.h"

#include <ns3/callback.h>
#include <ns3/simulator.h>

#include "firewall/firewall.h"
#include "nat/nat-gateway.h"
#include "network-builder.h"
#include "packet-tuple.h"

namespace vantage::sim {

/// One node's sinks: its name for the log lines, and where to write.
struct LogRecorder::Sink {
  SimLogs* logs = nullptr;
  int64_t startUnixNs = 0;
  std::string node;

  int64_t Now() const { return startUnixNs + ns3::Simulator::Now().GetNanoSeconds(); }

  void OnFirewallDrop(const ns3::Ipv4Header& header, ns3::Ptr<const ns3::Packet> p,
                      const std::string& rule) {
    const L4Info l4 = ParseL4(*p, header);
    logs->firewallDrops.push_back(
        {Now(), node, rule, l4.protocol, core::IpAddress::V4(header.GetSource().Get()),
         core::IpAddress::V4(header.GetDestination().Get()), l4.srcPort, l4.dstPort});
  }

  void OnNatBinding(int event, uint8_t protocol, ns3::Ipv4Address insideIp, uint16_t insidePort,
                    ns3::Ipv4Address outsideIp, uint16_t outsidePort) {
    logs->natEvents.push_back({Now(), node, event, protocol, core::IpAddress::V4(insideIp.Get()),
                               core::IpAddress::V4(outsideIp.Get()), insidePort, outsidePort});
  }
};

LogRecorder::LogRecorder(SimLogs* logs, int64_t startUnixNs)
    : m_logs(logs), m_startUnixNs(startUnixNs) {}

LogRecorder::~LogRecorder() = default;

void LogRecorder::Hook(const ns3::Ptr<Firewall>& firewall) {
  m_sinks.push_back(std::make_unique<Sink>(Sink{m_logs, m_startUnixNs, firewall->NodeName()}));
  firewall->TraceConnectWithoutContext(
      "Drop", ns3::MakeCallback(&Sink::OnFirewallDrop, m_sinks.back().get()));
}

void LogRecorder::Hook(const ns3::Ptr<NatGateway>& nat, bool logEvents) {
  if (!logEvents) return;
  m_sinks.push_back(std::make_unique<Sink>(Sink{m_logs, m_startUnixNs, nat->NodeName()}));
  nat->TraceConnectWithoutContext("Binding",
                                  ns3::MakeCallback(&Sink::OnNatBinding, m_sinks.back().get()));
}

}  // namespace vantage::sim
