// Network listeners for the collecting process: UDP (IPv4/IPv6; NetFlow v5, v9 and IPFIX,
// version per datagram) and TCP (IPFIX, messages framed by their length field), several at
// once, served by one poll() loop. Bad input never stops a listener.
//
//   Server server(&process);
//   server.AddListener("udp://127.0.0.1:4739");
//   server.AddListener("tcp://[::1]:4739");
//   std::atomic<bool> stop{false};
//   server.Run(stop, Duration::Seconds(1), [&] { PrintStatus(); });
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "vantage/collector/collecting-process.h"
#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"
#include "vantage/core/time.h"

namespace vantage::collector {

/// @brief A parsed listen address "udp://HOST:PORT" or "tcp://[V6]:PORT".
struct ListenSpec {
  bool tcp = false;
  core::IpAddress address;
  uint16_t port = 0;
  std::string ToString() const;
};
/// @brief Parses a listen URL; errors say what is wrong.
core::Result<ListenSpec> ParseListenSpec(const std::string& url);

/// @brief Serves UDP and TCP listeners into a CollectingProcess.
class Server {
 public:
  explicit Server(CollectingProcess* process) : m_process(process) {}
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// @brief Binds a listener (port 0 picks a free port; see BoundPort()).
  core::Status AddListener(const std::string& url, int receiveBuffer = 16 << 20);
  /// @brief The port listener `index` is bound to.
  uint16_t BoundPort(size_t index) const;
  /// @brief Serves until `stop` becomes true; calls `onTick` about every `tick`. With
  /// `receiveThread`, a thread of its own drains the UDP sockets into memory so a slow
  /// decoder or disk never makes the kernel drop datagrams (up to `maxQueuedBytes`).
  void Run(const std::atomic<bool>& stop, core::Duration tick, const std::function<void()>& onTick,
           bool receiveThread = true);
  /// @brief One poll round of at most `timeoutMs` (tests drive the server with this).
  void PollOnce(int timeoutMs, bool udp = true);

  uint64_t Datagrams() const { return m_datagrams; }
  uint64_t Connections() const { return m_connections; }
  /// @brief Datagrams dropped because the receive queue was full.
  uint64_t QueueDrops() const { return m_queueDrops; }
  size_t maxQueuedBytes = size_t{1} << 30;

 private:
  struct Listener {
    int fd = -1;
    ListenSpec spec;
    uint16_t boundPort = 0;
  };
  struct Connection {
    int fd = -1;
    uint64_t id = 0;
    core::IpAddress peer;
    uint16_t peerPort = 0;
    std::vector<uint8_t> buffer;
  };
  struct Datagram {
    core::IpAddress peer;
    uint16_t port = 0;
    core::Timestamp at;
    std::vector<uint8_t> bytes;
  };
  /// Reads what is waiting on a UDP socket; each datagram goes to `sink`.
  /// Reads what the socket holds (bounded per call); returns the datagrams read.
  size_t ReadUdp(Listener& l, const std::function<void(Datagram&&)>& sink);
  void ReceiveLoop(const std::atomic<bool>& stop);
  void Accept(Listener& l);
  bool ReadTcp(Connection& c);  ///< false when the connection must close

  CollectingProcess* m_process;
  std::vector<Listener> m_listeners;
  std::map<int, Connection> m_conns;
  uint64_t m_nextConn = 1;
  uint64_t m_datagrams = 0;
  uint64_t m_connections = 0;
  std::vector<uint8_t> m_buf;
  // Receive thread -> decoder.
  std::mutex m_qmu;
  std::condition_variable m_qcv;
  std::vector<Datagram> m_queue;
  size_t m_queuedBytes = 0;
  std::atomic<uint64_t> m_queueDrops{0};
};

/// @brief Wall-clock now (the collector is the one place that reads it: receive time).
core::Timestamp WallClockNow();

}  // namespace vantage::collector
