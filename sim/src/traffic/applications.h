// The applications behind scenario traffic: TCP and UDP request/response clients, the
// servers that answer them, and ICMP echo. A request carries, in its first 8 bytes, its own
// length and the response length the client wants (both 32-bit big-endian); the rest is
// zeros. Servers reply with exactly that many bytes. All randomness is drawn by the caller
// (SessionPlan), so a session's sizes do not depend on network timing.
#pragma once

#include <ns3/event-id.h>
#include <ns3/ipv4-address.h>
#include <ns3/node.h>
#include <ns3/socket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "traffic/flow-tracker.h"

namespace vantage::sim::detail {

constexpr uint32_t kRequestHeaderBytes = 8;
constexpr uint32_t kMaxDatagramPayload = 1400;  ///< UDP/ICMP payloads stay below the MTU
constexpr uint32_t kTcpSegmentSize = 1448;      ///< 1500 MTU - IP - TCP with timestamps

/// @brief Everything a client session does, drawn before it starts.
struct SessionPlan {
  FlowInfo flow;                    ///< src, dst, protocol, dstPort, labels (srcPort is chosen)
  std::vector<uint32_t> requests;   ///< request bytes per exchange (>= 8 for TCP/UDP)
  std::vector<uint32_t> responses;  ///< response bytes per exchange
  std::vector<double> thinkS;       ///< pause after exchange i (size = exchanges - 1)
  uint32_t synRetries = 2;          ///< TCP: SYN transmissions before giving up (ConnCount)
  bool closeOnConnect = false;      ///< TCP: connect scan, close as soon as connected
  /// TCP connect scan: give up after this long without an answer, leaving the socket in
  /// SYN_SENT without retransmitting (ns-3 ignores a RST in SYN_SENT). 0 = normal connect.
  double probeTimeoutS = 0;
};

/// @brief Server-side totals, for tests and counters.
struct ServerStats {
  uint64_t connections = 0;
  uint64_t requestBytes = 0;   ///< application bytes received
  uint64_t responseBytes = 0;  ///< application bytes queued for sending
};

class ClientSession;

/// @brief Owns every server listener and client session of a run.
class ApplicationSet {
 public:
  explicit ApplicationSet(FlowTracker* tracker);
  ~ApplicationSet();
  ApplicationSet(const ApplicationSet&) = delete;
  ApplicationSet& operator=(const ApplicationSet&) = delete;

  /// @brief A listener on (node, protocol, port) if there is none yet (TCP 6, UDP 17).
  void EnsureServer(ns3::Ptr<ns3::Node> node, uint8_t protocol, uint16_t port);
  /// @brief Starts a client session now. Returns false if no local port could be bound.
  bool StartSession(SessionPlan plan);

  const ServerStats& Stats() const { return m_stats; }
  /// @brief Per (node id, protocol, port): application bytes the server received.
  std::map<std::tuple<uint32_t, uint8_t, uint16_t>, uint64_t> ReceivedByServer() const;
  uint64_t SessionsStarted() const { return m_started; }
  uint64_t SessionsFinished() const { return m_finished; }

  // Internal: used by sessions and servers.
  FlowTracker* Tracker() { return m_tracker; }
  void SessionDone(uint64_t id);
  ServerStats& MutableStats() { return m_stats; }

 private:
  struct Listener;
  struct ServerConn;
  uint16_t NextPort(uint32_t nodeId);
  void Reap(uint64_t id);
  void OnAccept(Listener* listener, ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
  void ReapServerConn(ns3::Socket* socket);
  ns3::Ptr<ns3::Socket> IcmpSocket(ns3::Ptr<ns3::Node> node);
  void DrainIcmp(ns3::Ptr<ns3::Socket> socket);

  FlowTracker* m_tracker;
  ServerStats m_stats;
  uint64_t m_started = 0, m_finished = 0, m_nextId = 0;
  std::map<std::tuple<uint32_t, uint8_t, uint16_t>, std::unique_ptr<Listener>> m_listeners;
  std::unordered_map<ns3::Socket*, std::unique_ptr<ServerConn>> m_serverConns;
  std::unordered_map<uint64_t, std::unique_ptr<ClientSession>> m_sessions;
  std::map<uint32_t, uint32_t> m_nextPort;                  // by node id
  std::map<uint32_t, ns3::Ptr<ns3::Socket>> m_icmpSockets;  // by node id
  friend class ClientSession;
};

}  // namespace vantage::sim::detail
