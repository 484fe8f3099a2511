// Observation at candidate points: taps on a node (Ipv4L3Protocol Rx/Tx on routers, firewalls
// and NAT gateways; per-port protocol handlers on L2 switches) feed every packet the point
// forwards on its interfaces to the real exporter (packet clock = simulator clock + window
// start), an optional pcap writer, and, for live points, send the export as UDP datagrams
// across the simulated network to the collector node (the real collecting process + store).
#pragma once

#include <ns3/ipv4.h>
#include <ns3/net-device.h>
#include <ns3/packet.h>
#include <ns3/socket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "network-builder.h"
#include "observation/flow-log-tap.h"
#include "vantage/core/result.h"
#include "vantage/sim/simulation.h"

namespace vantage::exporter {
class Exporter;
}
namespace vantage::collector {
class CollectingProcess;
class Store;
}  // namespace vantage::collector

namespace vantage::sim {

/// @brief One candidate point under observation.
struct PointSetup {
  std::string name;
  std::string node;
  std::vector<std::string> interfaces;  ///< link names (empty = all)
  bool capture = false;                 ///< write points/NAME.pcap
  bool live = false;                    ///< export across the simulated network
  uint32_t samplingRate = 1;            ///< 1-in-N packet sampling (devices that only sample)
  std::optional<FlowLogSetup> flowLog;  ///< the provider's flow log too (points/NAME.flowlog)
};

class ObservationPoint;
class NodeTap;

/// @brief The collector node's application: receives export datagrams and hands them to the
/// real collecting process and its SQLite store.
class CollectorSink {
 public:
  CollectorSink();
  ~CollectorSink();
  core::Status Open(const std::string& dbPath, const SimNode& node, uint16_t port,
                    int64_t startUnixNs);
  void Close();
  uint64_t ReceivedFromPort(uint16_t port) const;
  ns3::Ipv4Address Address() const { return m_address; }
  uint16_t Port() const { return m_port; }

 private:
  void Receive(ns3::Ptr<ns3::Socket> socket);
  std::unique_ptr<collector::Store> m_store;
  std::unique_ptr<collector::CollectingProcess> m_process;
  ns3::Ptr<ns3::Socket> m_socket;
  ns3::Ipv4Address m_address;
  uint16_t m_port = 4739;
  int64_t m_start = 0;
  std::map<uint16_t, uint64_t> m_received;
};

/// @brief Every observation point and tap of a run.
class Observation {
 public:
  Observation();
  ~Observation();
  Observation(const Observation&) = delete;
  Observation& operator=(const Observation&) = delete;

  /// @brief Creates exporters (points/NAME.ipfix), pcaps, taps and, if any point is live,
  /// the collector sink (DIR/collector.sqlite). Errors name the point or file.
  core::Status Setup(SimNetwork& net, const std::vector<PointSetup>& points,
                     const std::string& outDir, uint32_t snapLength, int64_t startUnixNs);
  /// @brief Expires idle flows of every exporter by the simulator clock (call periodically).
  void Advance();
  /// @brief Finishes live points' exporters now (inside the simulation, so the last export
  /// crosses the network); later packets at those points are ignored.
  void FinishLive();
  /// @brief After the run: finishes every exporter, writes the flow-log files, closes pcaps
  /// and the collector store. Fails on the first flow-log file that could not be written.
  core::Status Close();
  /// @brief After a failure: closes pcaps, sockets and the collector store without finishing
  /// exporters or writing flow logs (the run directory stays incomplete).
  void Abandon();
  std::vector<PointSummary> Summaries() const;
  /// @brief The flow-log tap of a point, or nullptr (tests read its records).
  const FlowLogTap* FlowLogOf(const std::string& point) const;

 private:
  std::vector<std::unique_ptr<ObservationPoint>> m_points;
  std::vector<std::unique_ptr<NodeTap>> m_taps;
  std::unique_ptr<CollectorSink> m_collector;
  int64_t m_start = 0;
  std::string m_outDir;
};

}  // namespace vantage::sim
