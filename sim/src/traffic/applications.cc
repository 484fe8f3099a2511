// Client sessions and servers for scenario traffic (see applications.h for the protocol).
#include "traffic/applications.h"

#include <ns3/icmpv4.h>
#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-raw-socket-factory.h>
#include <ns3/node.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/tcp-socket-factory.h>
#include <ns3/udp-socket-factory.h>
#include <ns3/uinteger.h>

#include <algorithm>
#include <array>

namespace vantage::sim::detail {

namespace {

constexpr uint16_t kFirstPort = 49152;
constexpr double kUdpTimeoutS = 2.0;
constexpr double kIcmpGraceS = 1.0;

uint32_t Be32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}
void PutBe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

/// A request's first bytes (header + zeros) as one packet of `size` bytes.
ns3::Ptr<ns3::Packet> RequestPacket(uint32_t total, uint32_t response, uint32_t size) {
  std::array<uint8_t, kRequestHeaderBytes> hdr{};
  PutBe32(hdr.data(), total);
  PutBe32(hdr.data() + 4, response);
  auto p = ns3::Create<ns3::Packet>(hdr.data(), kRequestHeaderBytes);
  if (size > kRequestHeaderBytes) p->AddAtEnd(ns3::Create<ns3::Packet>(size - kRequestHeaderBytes));
  return p;
}

void ClearTcpCallbacks(ns3::Ptr<ns3::Socket> s) {
  s->SetConnectCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                        ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  s->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                       ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  s->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  s->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, uint32_t>());
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Servers

struct ApplicationSet::Listener {
  ApplicationSet* set = nullptr;
  uint32_t nodeId = 0;
  uint8_t protocol = 0;
  uint16_t port = 0;
  ns3::Ptr<ns3::Socket> socket;
  uint64_t received = 0;

  void OnAccept(ns3::Ptr<ns3::Socket> s, const ns3::Address& from) { set->OnAccept(this, s, from); }
  void OnUdpRecv(ns3::Ptr<ns3::Socket> s) {
    ns3::Address from;
    while (auto p = s->RecvFrom(from)) {
      uint32_t size = p->GetSize();
      if (size == 0) break;
      received += size;
      set->m_stats.requestBytes += size;
      if (size < kRequestHeaderBytes) continue;
      uint8_t hdr[kRequestHeaderBytes];
      p->CopyData(hdr, kRequestHeaderBytes);
      uint32_t response = Be32(hdr + 4);
      set->m_stats.responseBytes += response;
      while (response > 0) {
        uint32_t chunk = std::min(response, kMaxDatagramPayload);
        s->SendTo(ns3::Create<ns3::Packet>(chunk), 0, from);
        response -= chunk;
      }
    }
  }
};

struct ApplicationSet::ServerConn {
  ApplicationSet* set = nullptr;
  Listener* listener = nullptr;
  ns3::Ptr<ns3::Socket> socket;
  std::array<uint8_t, kRequestHeaderBytes> hdr{};
  uint32_t hdrHave = 0;
  uint64_t requestRemaining = 0;
  uint64_t responseRemaining = 0;
  bool closed = false;

  void OnRecv(ns3::Ptr<ns3::Socket> s) {
    while (auto p = s->Recv()) {
      uint32_t size = p->GetSize();
      if (size == 0) break;
      listener->received += size;
      set->m_stats.requestBytes += size;
      uint32_t offset = 0;
      while (offset < size) {
        if (hdrHave < kRequestHeaderBytes) {
          uint32_t take = std::min(kRequestHeaderBytes - hdrHave, size - offset);
          std::vector<uint8_t> buf(offset + take);
          p->CopyData(buf.data(), offset + take);
          std::copy(buf.begin() + offset, buf.end(), hdr.begin() + hdrHave);
          hdrHave += take;
          offset += take;
          if (hdrHave == kRequestHeaderBytes) {
            uint32_t total = std::max(Be32(hdr.data()), kRequestHeaderBytes);
            requestRemaining = total - kRequestHeaderBytes;
          }
        } else {
          uint64_t take = std::min<uint64_t>(requestRemaining, size - offset);
          requestRemaining -= take;
          offset += static_cast<uint32_t>(take);
          if (take == 0) offset = size;  // bytes beyond the request: ignore
        }
        if (hdrHave == kRequestHeaderBytes && requestRemaining == 0) {
          uint32_t response = Be32(hdr.data() + 4);
          responseRemaining += response;
          set->m_stats.responseBytes += response;
          hdrHave = 0;
          Push();
        }
      }
    }
  }
  void Push() {
    while (responseRemaining > 0 && !closed) {
      uint32_t available = socket->GetTxAvailable();
      if (available == 0) return;
      uint32_t chunk = static_cast<uint32_t>(std::min<uint64_t>(responseRemaining, available));
      if (socket->Send(ns3::Create<ns3::Packet>(chunk)) < 0) return;
      responseRemaining -= chunk;
    }
  }
  void OnSend(ns3::Ptr<ns3::Socket>, uint32_t) { Push(); }
  void OnNormalClose(ns3::Ptr<ns3::Socket> s) {
    if (closed) return;
    closed = true;
    s->Close();
    ns3::Simulator::ScheduleNow(&ApplicationSet::ReapServerConn, set, ns3::PeekPointer(s));
  }
  void OnErrorClose(ns3::Ptr<ns3::Socket> s) {
    if (closed) return;
    closed = true;
    ns3::Simulator::ScheduleNow(&ApplicationSet::ReapServerConn, set, ns3::PeekPointer(s));
  }
};

// ---------------------------------------------------------------------------------------------
// Client sessions

class ClientSession {
 public:
  ClientSession(ApplicationSet* set, uint64_t id, SessionPlan plan)
      : m_set(set), m_id(id), m_plan(std::move(plan)) {}

  bool Start(ns3::Ptr<ns3::Node> node, uint16_t port) {
    const uint8_t proto = m_plan.flow.protocol;
    if (proto == 6 || proto == 17) {
      m_socket = ns3::Socket::CreateSocket(node, proto == 6 ? ns3::TcpSocketFactory::GetTypeId()
                                                            : ns3::UdpSocketFactory::GetTypeId());
      if (proto == 6) {
        m_socket->SetAttributeFailSafe("SegmentSize", ns3::UintegerValue(kTcpSegmentSize));
        m_socket->SetAttributeFailSafe("ConnCount", ns3::UintegerValue(m_plan.synRetries));
        if (m_plan.probeTimeoutS > 0) {
          m_socket->SetAttributeFailSafe("ConnCount", ns3::UintegerValue(1));
          m_socket->SetAttributeFailSafe("ConnTimeout", ns3::TimeValue(ns3::Seconds(1e6)));
        }
      }
      if (m_socket->Bind(ns3::InetSocketAddress(m_plan.flow.src->address, port)) != 0) {
        m_socket->Close();
        m_socket = nullptr;
        return false;
      }
      m_plan.flow.srcPort = port;
      m_flow = m_set->Tracker()->Open(m_plan.flow);
      m_open = true;
      m_socket->SetRecvCallback(ns3::MakeCallback(&ClientSession::OnRecv, this));
      if (proto == 6) {
        m_socket->SetConnectCallback(ns3::MakeCallback(&ClientSession::OnConnected, this),
                                     ns3::MakeCallback(&ClientSession::OnConnectFailed, this));
        m_socket->SetCloseCallbacks(ns3::MakeCallback(&ClientSession::OnClosed, this),
                                    ns3::MakeCallback(&ClientSession::OnClosed, this));
        m_socket->SetSendCallback(ns3::MakeCallback(&ClientSession::OnSend, this));
        m_socket->Connect(ns3::InetSocketAddress(m_plan.flow.dstIp, m_plan.flow.dstPort));
        if (m_plan.probeTimeoutS > 0) {
          m_event = ns3::Simulator::Schedule(ns3::Seconds(m_plan.probeTimeoutS),
                                             &ClientSession::Done, this);
        }
      } else {
        m_socket->Connect(ns3::InetSocketAddress(m_plan.flow.dstIp, m_plan.flow.dstPort));
        BeginExchange();
      }
      return true;
    }
    // ICMP echo: the node's shared raw socket; `port` is the echo identifier.
    m_socket = m_set->IcmpSocket(node);
    m_plan.flow.srcPort = port;
    m_flow = m_set->Tracker()->Open(m_plan.flow);
    m_open = true;
    BeginExchange();
    return true;
  }

  /// Detaches from the socket and the simulator (the session is being deleted).
  void Stop() {
    m_event.Cancel();
    if (m_socket && m_plan.flow.protocol != 1) ClearTcpCallbacks(m_socket);
    m_socket = nullptr;
  }

 private:
  void BeginExchange() {
    if (m_done) return;
    const uint32_t request = m_plan.requests[m_exchange];
    const uint32_t response = m_plan.responses[m_exchange];
    switch (m_plan.flow.protocol) {
      case 6:
        m_toSend = std::max(request, kRequestHeaderBytes);
        m_requestTotal = static_cast<uint32_t>(m_toSend);
        m_headerSent = false;
        m_toReceive = response;
        PushRequest();
        break;
      case 17: {
        uint32_t size = std::clamp(request, kRequestHeaderBytes, kMaxDatagramPayload);
        m_toReceive = response;
        m_socket->Send(RequestPacket(size, response, size));
        if (m_toReceive == 0) {
          ExchangeDone();
        } else {
          m_event = ns3::Simulator::Schedule(ns3::Seconds(kUdpTimeoutS),
                                             &ClientSession::ExchangeDone, this);
        }
        break;
      }
      default: {
        uint32_t size = std::clamp(request, 8u, kMaxDatagramPayload);
        ns3::Icmpv4Echo echo;
        echo.SetIdentifier(m_plan.flow.srcPort);
        echo.SetSequenceNumber(static_cast<uint16_t>(m_exchange));
        echo.SetData(ns3::Create<ns3::Packet>(size));
        auto p = ns3::Create<ns3::Packet>();
        p->AddHeader(echo);
        ns3::Icmpv4Header header;
        header.SetType(ns3::Icmpv4Header::ICMPV4_ECHO);
        header.SetCode(0);
        if (ns3::Node::ChecksumEnabled()) header.EnableChecksum();
        p->AddHeader(header);
        m_socket->SendTo(p, 0, ns3::InetSocketAddress(m_plan.flow.dstIp, 0));
        if (m_exchange + 1 < m_plan.requests.size()) {
          m_event = ns3::Simulator::Schedule(ns3::Seconds(m_plan.thinkS[m_exchange]),
                                             &ClientSession::NextExchange, this);
        } else {
          m_event = ns3::Simulator::Schedule(ns3::Seconds(kIcmpGraceS), &ClientSession::Done, this);
        }
        break;
      }
    }
  }

  void NextExchange() {
    ++m_exchange;
    BeginExchange();
  }

  void PushRequest() {
    while (m_toSend > 0 && !m_done) {
      uint32_t available = m_socket->GetTxAvailable();
      if (!m_headerSent) {
        if (available < kRequestHeaderBytes) return;
        uint32_t size = static_cast<uint32_t>(std::min<uint64_t>(m_toSend, available));
        if (m_socket->Send(RequestPacket(m_requestTotal, m_plan.responses[m_exchange], size)) < 0) {
          return;
        }
        m_headerSent = true;
        m_toSend -= size;
      } else {
        if (available == 0) return;
        uint32_t size = static_cast<uint32_t>(std::min<uint64_t>(m_toSend, available));
        if (m_socket->Send(ns3::Create<ns3::Packet>(size)) < 0) return;
        m_toSend -= size;
      }
    }
    if (m_toSend == 0 && m_toReceive == 0 && !m_exchangeClosed) {
      // Nothing to wait for: the exchange ends when the request is queued.
      m_exchangeClosed = true;
      ExchangeDone();
    }
  }

  void OnConnected(ns3::Ptr<ns3::Socket>) {
    if (m_done) return;
    m_connected = true;
    m_event.Cancel();
    if (m_plan.closeOnConnect) {
      Done();
      return;
    }
    BeginExchange();
  }
  void OnConnectFailed(ns3::Ptr<ns3::Socket>) { Done(); }
  void OnClosed(ns3::Ptr<ns3::Socket>) {
    if (m_done) return;
    m_socketClosed = true;
    Done();
  }
  void OnSend(ns3::Ptr<ns3::Socket>, uint32_t) {
    if (!m_done) PushRequest();
  }

  void OnRecv(ns3::Ptr<ns3::Socket> s) {
    uint64_t got = 0;
    while (auto p = s->Recv()) {
      if (p->GetSize() == 0) break;
      got += p->GetSize();
    }
    if (m_done || got == 0 || m_toReceive == 0) return;
    m_toReceive -= std::min(m_toReceive, got);
    if (m_toReceive == 0 && (m_plan.flow.protocol != 6 || m_toSend == 0)) {
      m_event.Cancel();
      ExchangeDone();
    }
  }

  void ExchangeDone() {
    if (m_done) return;
    m_exchangeClosed = false;
    if (m_exchange + 1 < m_plan.requests.size()) {
      m_event = ns3::Simulator::Schedule(ns3::Seconds(m_plan.thinkS[m_exchange]),
                                         &ClientSession::NextExchange, this);
    } else {
      Done();
    }
  }

  void Done() {
    if (m_done) return;
    m_done = true;
    m_event.Cancel();
    // An unanswered probe stays in SYN_SENT: closing it would send a RST.
    bool unansweredProbe = m_plan.probeTimeoutS > 0 && !m_connected;
    if (m_socket && m_plan.flow.protocol != 1 && !m_socketClosed && !unansweredProbe) {
      m_socket->Close();
    }
    if (m_open) m_set->Tracker()->Close(m_flow);
    m_set->SessionDone(m_id);
  }

  ApplicationSet* m_set;
  uint64_t m_id;
  SessionPlan m_plan;
  ns3::Ptr<ns3::Socket> m_socket;
  size_t m_flow = 0;
  bool m_open = false;
  size_t m_exchange = 0;
  uint64_t m_toSend = 0;
  uint32_t m_requestTotal = 0;
  bool m_headerSent = false;
  uint64_t m_toReceive = 0;
  bool m_exchangeClosed = false;
  bool m_socketClosed = false;
  bool m_connected = false;
  bool m_done = false;
  ns3::EventId m_event;
};

// ---------------------------------------------------------------------------------------------
// ApplicationSet

ApplicationSet::ApplicationSet(FlowTracker* tracker) : m_tracker(tracker) {}

ApplicationSet::~ApplicationSet() {
  for (auto& [id, session] : m_sessions) session->Stop();
  for (auto& [socket, conn] : m_serverConns) {
    ClearTcpCallbacks(conn->socket);
  }
  for (auto& [key, listener] : m_listeners) {
    if (std::get<1>(key) == 6) {
      listener->socket->SetAcceptCallback(
          ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
          ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>());
    } else {
      listener->socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    }
  }
  for (auto& [node, socket] : m_icmpSockets) {
    socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  }
}

void ApplicationSet::EnsureServer(ns3::Ptr<ns3::Node> node, uint8_t protocol, uint16_t port) {
  if (protocol != 6 && protocol != 17) return;
  auto key = std::make_tuple(node->GetId(), protocol, port);
  if (m_listeners.count(key)) return;
  auto l = std::make_unique<Listener>();
  l->set = this;
  l->nodeId = node->GetId();
  l->protocol = protocol;
  l->port = port;
  l->socket = ns3::Socket::CreateSocket(node, protocol == 6 ? ns3::TcpSocketFactory::GetTypeId()
                                                            : ns3::UdpSocketFactory::GetTypeId());
  if (protocol == 6) {
    l->socket->SetAttributeFailSafe("SegmentSize", ns3::UintegerValue(kTcpSegmentSize));
  }
  l->socket->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
  if (protocol == 6) {
    l->socket->Listen();
    l->socket->SetAcceptCallback(
        ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
        ns3::MakeCallback(&Listener::OnAccept, l.get()));
  } else {
    l->socket->SetRecvCallback(ns3::MakeCallback(&Listener::OnUdpRecv, l.get()));
  }
  m_listeners.emplace(key, std::move(l));
}

void ApplicationSet::OnAccept(Listener* listener, ns3::Ptr<ns3::Socket> socket,
                              const ns3::Address&) {
  auto conn = std::make_unique<ServerConn>();
  conn->set = this;
  conn->listener = listener;
  conn->socket = socket;
  socket->SetRecvCallback(ns3::MakeCallback(&ServerConn::OnRecv, conn.get()));
  socket->SetSendCallback(ns3::MakeCallback(&ServerConn::OnSend, conn.get()));
  socket->SetCloseCallbacks(ns3::MakeCallback(&ServerConn::OnNormalClose, conn.get()),
                            ns3::MakeCallback(&ServerConn::OnErrorClose, conn.get()));
  ++m_stats.connections;
  m_serverConns[ns3::PeekPointer(socket)] = std::move(conn);
}

void ApplicationSet::ReapServerConn(ns3::Socket* socket) {
  auto it = m_serverConns.find(socket);
  if (it == m_serverConns.end()) return;
  ClearTcpCallbacks(it->second->socket);
  m_serverConns.erase(it);
}

std::map<std::tuple<uint32_t, uint8_t, uint16_t>, uint64_t> ApplicationSet::ReceivedByServer()
    const {
  std::map<std::tuple<uint32_t, uint8_t, uint16_t>, uint64_t> out;
  for (const auto& [key, l] : m_listeners) out[key] = l->received;
  return out;
}

uint16_t ApplicationSet::NextPort(uint32_t nodeId) {
  auto [it, inserted] = m_nextPort.emplace(nodeId, kFirstPort);
  uint32_t port = it->second;
  it->second = port >= 65535 ? kFirstPort : port + 1;
  return static_cast<uint16_t>(port);
}

bool ApplicationSet::StartSession(SessionPlan plan) {
  if (plan.requests.empty()) return false;
  if (plan.thinkS.size() + 1 < plan.requests.size()) plan.thinkS.resize(plan.requests.size(), 0.0);
  if (plan.responses.size() < plan.requests.size()) plan.responses.resize(plan.requests.size(), 0);
  ns3::Ptr<ns3::Node> node = plan.flow.src->node;
  uint64_t id = ++m_nextId;
  auto session = std::make_unique<ClientSession>(this, id, std::move(plan));
  ClientSession* raw = session.get();
  m_sessions.emplace(id, std::move(session));
  // A few attempts: a port may still be held by a connection in TIME_WAIT.
  for (int attempt = 0; attempt < 8; ++attempt) {
    if (raw->Start(node, NextPort(node->GetId()))) {
      ++m_started;
      return true;
    }
  }
  raw->Stop();
  m_sessions.erase(id);
  return false;
}

void ApplicationSet::SessionDone(uint64_t id) {
  ++m_finished;
  ns3::Simulator::ScheduleNow(&ApplicationSet::Reap, this, id);
}

void ApplicationSet::Reap(uint64_t id) {
  auto it = m_sessions.find(id);
  if (it == m_sessions.end()) return;
  it->second->Stop();
  m_sessions.erase(it);
}

ns3::Ptr<ns3::Socket> ApplicationSet::IcmpSocket(ns3::Ptr<ns3::Node> node) {
  auto& s = m_icmpSockets[node->GetId()];
  if (!s) {
    s = ns3::Socket::CreateSocket(node, ns3::Ipv4RawSocketFactory::GetTypeId());
    s->SetAttribute("Protocol", ns3::UintegerValue(1));
    s->SetRecvCallback(ns3::MakeCallback(&ApplicationSet::DrainIcmp, this));
  }
  return s;
}

void ApplicationSet::DrainIcmp(ns3::Ptr<ns3::Socket> socket) {
  while (auto p = socket->Recv()) {
    if (p->GetSize() == 0) break;
  }
}

}  // namespace vantage::sim::detail
