// poll()-based UDP and TCP listeners (see server.h).
#include "vantage/collector/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "vantage/core/endpoint.h"

namespace vantage::collector {

namespace {

constexpr size_t kMaxDatagram = 65536;
constexpr size_t kMaxStreamMessage = 65535;
constexpr int kBatch = 64;
// Hand-off between the receive thread and the decoder without a wake-up per datagram (context
// switches were 14% of ingest CPU in perf at 40k datagrams/s): the receive thread wakes the
// decoder once this many datagrams wait, and the decoder otherwise looks every kDecodeWaitMs.
constexpr size_t kWakeDatagrams = 64;
constexpr int kDecodeWaitMs = 10;
// After a poll round that found only a few datagrams, the receive thread lets more gather
// (the socket buffer, 16 MiB by default, holds far more than this pause brings at any rate a
// loopback or NIC delivers) instead of waking for each one.
constexpr int kFewDatagrams = 16;
constexpr auto kGatherPause = std::chrono::microseconds(1000);

core::Error Errno(const std::string& what) {
  return core::MakeError(core::ErrorCode::kIo, what + ": " + std::strerror(errno));
}

void SockAddrToIp(const sockaddr_storage& ss, core::IpAddress& a, uint16_t& port) {
  if (ss.ss_family == AF_INET) {
    const auto* s4 = reinterpret_cast<const sockaddr_in*>(&ss);
    a = core::IpAddress::V4Bytes(reinterpret_cast<const uint8_t*>(&s4->sin_addr));
    port = ntohs(s4->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    const auto* b = reinterpret_cast<const uint8_t*>(&s6->sin6_addr);
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, kMapped, 12) == 0) {
      a = core::IpAddress::V4Bytes(b + 12);
    } else {
      a = core::IpAddress::V6Bytes(b);
    }
    port = ntohs(s6->sin6_port);
  } else {
    a = core::IpAddress{};
    port = 0;
  }
}

}  // namespace

core::Timestamp WallClockNow() {
  auto d = std::chrono::system_clock::now().time_since_epoch();
  return core::Timestamp::FromNanos(
      std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

std::string ListenSpec::ToString() const {
  std::string host = address.IsV6() ? "[" + address.ToString() + "]" : address.ToString();
  return std::string(tcp ? "tcp://" : "udp://") + host + ":" + std::to_string(port);
}

core::Result<ListenSpec> ParseListenSpec(const std::string& url) {
  auto e = core::ParseEndpoint(url);
  if (!e) return e.GetError();
  if (!e->format.empty()) {
    return core::MakeError(core::ErrorCode::kParse,
                           "listen address '" + url + "' must start with udp:// or tcp://");
  }
  auto a = core::IpAddress::Parse(e->host);
  if (!a) {
    return core::MakeError(core::ErrorCode::kParse,
                           "listen address '" + url + "': bad host '" + e->host + "'");
  }
  ListenSpec s;
  s.tcp = e->Tcp();
  s.address = *a;
  s.port = e->port;
  return s;
}

Server::~Server() {
  for (auto& [fd, c] : m_conns) ::close(fd);
  for (auto& l : m_listeners) ::close(l.fd);
}

core::Status Server::AddListener(const std::string& url, int receiveBuffer) {
  auto spec = ParseListenSpec(url);
  if (!spec) return spec.GetError();
  int family = spec->address.IsV6() ? AF_INET6 : AF_INET;
  int fd =
      ::socket(family, (spec->tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket for " + url);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (!spec->tcp && receiveBuffer > 0) {
    // SO_RCVBUFFORCE passes the rmem_max cap when we may; otherwise take what is allowed.
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receiveBuffer, sizeof(receiveBuffer)) != 0) {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof(receiveBuffer));
    }
  }
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (family == AF_INET) {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(spec->port);
    std::memcpy(&s4->sin_addr, spec->address.bytes.data(), 4);
    len = sizeof(sockaddr_in);
  } else {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(spec->port);
    std::memcpy(&s6->sin6_addr, spec->address.bytes.data(), 16);
    len = sizeof(sockaddr_in6);
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    auto err = Errno("bind " + url);
    ::close(fd);
    return err;
  }
  if (spec->tcp && ::listen(fd, 64) != 0) {
    auto err = Errno("listen " + url);
    ::close(fd);
    return err;
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  core::IpAddress ignored;
  Listener l;
  l.fd = fd;
  l.spec = *spec;
  SockAddrToIp(bound, ignored, l.boundPort);
  l.spec.port = l.boundPort;
  m_listeners.push_back(l);
  return {};
}

uint16_t Server::BoundPort(size_t index) const {
  return index < m_listeners.size() ? m_listeners[index].boundPort : 0;
}

size_t Server::ReadUdp(Listener& l, const std::function<void(Datagram&&)>& sink) {
  size_t total = 0;
  if (m_buf.size() < kMaxDatagram * kBatch) m_buf.resize(kMaxDatagram * kBatch);
  mmsghdr msgs[kBatch];
  iovec iovs[kBatch];
  sockaddr_storage addrs[kBatch];
  // Drain the socket, up to a bound per poll round so TCP peers are served too.
  for (int round = 0; round < 64; ++round) {
    std::memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < kBatch; ++i) {
      iovs[i].iov_base = m_buf.data() + static_cast<size_t>(i) * kMaxDatagram;
      iovs[i].iov_len = kMaxDatagram;
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
    }
    int n = ::recvmmsg(l.fd, msgs, kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return total;
    total += static_cast<size_t>(n);
    core::Timestamp now = WallClockNow();
    for (int i = 0; i < n; ++i) {
      Datagram d;
      SockAddrToIp(addrs[i], d.peer, d.port);
      d.at = now;
      const auto* p = static_cast<const uint8_t*>(iovs[i].iov_base);
      d.bytes.assign(p, p + msgs[i].msg_len);
      sink(std::move(d));
    }
    if (n < kBatch) return total;
  }
  return total;
}

void Server::ReceiveLoop(const std::atomic<bool>& stop) {
  std::vector<pollfd> fds;
  std::vector<size_t> index;
  for (size_t i = 0; i < m_listeners.size(); ++i) {
    if (!m_listeners[i].spec.tcp) {
      fds.push_back({m_listeners[i].fd, POLLIN, 0});
      index.push_back(i);
    }
  }
  if (fds.empty()) return;
  std::vector<Datagram> batch;
  size_t batchBytes = 0;
  auto sink = [&](Datagram&& d) {
    batchBytes += d.bytes.size();
    batch.push_back(std::move(d));
  };
  for (bool last = false; !last;) {
    last = stop.load();
    size_t read = 0;
    if (last) {
      // Stopping: take what the kernel still holds, then end.
      for (size_t i : index) read += ReadUdp(m_listeners[i], sink);
    } else {
      if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
      for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents & POLLIN) read += ReadUdp(m_listeners[index[i]], sink);
      }
    }
    if (batch.empty()) continue;
    bool wake = last;
    {
      std::lock_guard<std::mutex> lock(m_qmu);
      if (m_queuedBytes + batchBytes > maxQueuedBytes) {
        m_queueDrops += batch.size();
      } else {
        m_queuedBytes += batchBytes;
        for (auto& d : batch) m_queue.push_back(std::move(d));
      }
      wake = wake || m_queue.size() >= kWakeDatagrams;
    }
    if (wake) m_qcv.notify_one();
    batch.clear();
    batchBytes = 0;
    if (read < static_cast<size_t>(kFewDatagrams) && !last) {
      std::this_thread::sleep_for(kGatherPause);
    }
  }
}

void Server::Accept(Listener& l) {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    int fd = ::accept4(l.fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    Connection c;
    c.fd = fd;
    c.id = m_nextConn++;
    SockAddrToIp(ss, c.peer, c.peerPort);
    m_conns[fd] = std::move(c);
    ++m_connections;
  }
}

bool Server::ReadTcp(Connection& c) {
  uint8_t tmp[65536];
  for (;;) {
    ssize_t n = ::recv(c.fd, tmp, sizeof(tmp), 0);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    c.buffer.insert(c.buffer.end(), tmp, tmp + n);
    size_t pos = 0;
    core::Timestamp now = WallClockNow();
    while (c.buffer.size() - pos >= 4) {
      uint16_t version = static_cast<uint16_t>((c.buffer[pos] << 8) | c.buffer[pos + 1]);
      uint16_t length = static_cast<uint16_t>((c.buffer[pos + 2] << 8) | c.buffer[pos + 3]);
      if (version != 10 || length < 16 || length > kMaxStreamMessage) {
        // The stream lost its framing: nothing after this point can be trusted.
        m_process->OnStreamMessage(c.id, c.peer, c.peerPort, c.buffer.data() + pos,
                                   c.buffer.size() - pos, now);
        return false;
      }
      if (c.buffer.size() - pos < length) break;
      m_process->OnStreamMessage(c.id, c.peer, c.peerPort, c.buffer.data() + pos, length, now);
      pos += length;
    }
    c.buffer.erase(c.buffer.begin(), c.buffer.begin() + static_cast<long>(pos));
  }
}

void Server::PollOnce(int timeoutMs, bool udp) {
  std::vector<pollfd> fds;
  for (const auto& l : m_listeners)
    fds.push_back({l.fd, static_cast<short>(udp || l.spec.tcp ? POLLIN : 0), 0});
  for (const auto& [fd, c] : m_conns) fds.push_back({fd, POLLIN, 0});
  int n = ::poll(fds.data(), fds.size(), timeoutMs);
  if (n <= 0) return;
  for (size_t i = 0; i < fds.size(); ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    if (i < m_listeners.size()) {
      if (m_listeners[i].spec.tcp) {
        Accept(m_listeners[i]);
      } else if (udp) {
        ReadUdp(m_listeners[i], [this](Datagram&& d) {
          ++m_datagrams;
          m_process->OnDatagram(d.peer, d.port, d.bytes.data(), d.bytes.size(), d.at);
        });
      }
    } else {
      auto it = m_conns.find(fds[i].fd);
      if (it == m_conns.end()) continue;
      if (!ReadTcp(it->second)) {
        m_process->OnStreamClosed(it->second.id);
        ::close(it->first);
        m_conns.erase(it);
      }
    }
  }
}

void Server::Run(const std::atomic<bool>& stop, core::Duration tick,
                 const std::function<void()>& onTick, bool receiveThread) {
  auto next = WallClockNow() + tick;
  std::atomic<bool> rxStop{false};
  std::thread rx;
  bool anyTcp = false;
  for (const auto& l : m_listeners) anyTcp = anyTcp || l.spec.tcp;
  if (receiveThread) rx = std::thread([this, &rxStop] { ReceiveLoop(rxStop); });
  std::vector<Datagram> work;
  auto drain = [&](int waitMs) {
    {
      std::unique_lock<std::mutex> lock(m_qmu);
      if (m_queue.empty() && waitMs > 0) {
        m_qcv.wait_for(lock, std::chrono::milliseconds(waitMs));
      }
      work.swap(m_queue);
      m_queuedBytes = 0;
    }
    for (auto& d : work) {
      ++m_datagrams;
      m_process->OnDatagram(d.peer, d.port, d.bytes.data(), d.bytes.size(), d.at);
    }
    work.clear();
  };
  for (;;) {
    bool stopping = stop.load();
    if (receiveThread) {
      if (anyTcp) PollOnce(0, false);
      drain(kDecodeWaitMs);
    } else {
      PollOnce(100);
    }
    if (stopping) break;
    auto now = WallClockNow();
    if (now >= next) {
      m_process->Tick(now);
      if (onTick) onTick();
      next = now + tick;
    }
  }
  if (rx.joinable()) {
    rxStop.store(true);
    rx.join();
    drain(0);  // what the receive thread read before it stopped
  }
}

}  // namespace vantage::collector
