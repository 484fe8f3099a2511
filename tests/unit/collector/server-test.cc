// Listeners on loopback: UDP over IPv4 and IPv6, TCP framing, bad input keeps them serving.
#include "vantage/collector/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "test-util.h"

namespace vantage::collector {
namespace {

std::vector<std::vector<uint8_t>> IpfixMessages(uint32_t n, uint32_t domain) {
  test::Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(domain), sink.Fn());
  EXPECT_TRUE(w.AddTemplate(wire::MakeFlowTemplate(256, {})));
  for (uint32_t i = 0; i < n; ++i) EXPECT_TRUE(w.AddFlowRecord(256, test::MakeRecord(i)));
  w.Flush();
  return sink.messages;
}

int Connect(bool tcp, bool v6, uint16_t port) {
  int fd = socket(v6 ? AF_INET6 : AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = in6addr_loopback;
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      close(fd);
      return -1;
    }
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      close(fd);
      return -1;
    }
  }
  return fd;
}

TEST(Server, ParseListenSpec) {
  auto a = ParseListenSpec("udp://127.0.0.1:4739");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->tcp);
  EXPECT_EQ(a->port, 4739);
  auto b = ParseListenSpec("tcp://[::1]:0");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->tcp);
  EXPECT_TRUE(b->address.IsV6());
  EXPECT_FALSE(ParseListenSpec("sctp://1.2.3.4:5"));
  EXPECT_FALSE(ParseListenSpec("udp://1.2.3.4"));
  EXPECT_FALSE(ParseListenSpec("udp://1.2.3.4:99999"));
  EXPECT_FALSE(ParseListenSpec("udp://[::1:5"));
}

TEST(Server, UdpV4V6AndTcpAtOnce) {
  CollectingProcess cp(nullptr);
  uint64_t records = 0;
  cp.SetRecordCallback([&](const core::FlowRecord&) { ++records; });
  Server server(&cp);
  ASSERT_TRUE(server.AddListener("udp://127.0.0.1:0"));
  bool haveV6 = static_cast<bool>(server.AddListener("udp://[::1]:0"));
  ASSERT_TRUE(server.AddListener("tcp://127.0.0.1:0"));
  size_t tcpIndex = haveV6 ? 2 : 1;
  uint64_t want = 0;

  int u4 = Connect(false, false, server.BoundPort(0));
  ASSERT_GE(u4, 0);
  for (const auto& m : IpfixMessages(40, 1))
    ASSERT_EQ(send(u4, m.data(), m.size(), 0), static_cast<ssize_t>(m.size()));
  want += 40;
  // Garbage datagrams between good ones: counted, listener keeps serving.
  const uint8_t junk[] = {0, 10, 0, 99, 1, 2};
  send(u4, junk, sizeof(junk), 0);
  send(u4, junk, 1, 0);
  for (const auto& m : IpfixMessages(5, 2)) send(u4, m.data(), m.size(), 0);
  want += 5;
  if (haveV6) {
    int u6 = Connect(false, true, server.BoundPort(1));
    ASSERT_GE(u6, 0);
    for (const auto& m : IpfixMessages(7, 3)) send(u6, m.data(), m.size(), 0);
    want += 7;
    close(u6);
  }
  int t = Connect(true, false, server.BoundPort(tcpIndex));
  ASSERT_GE(t, 0);
  // Whole stream in odd-sized pieces: framing by the message length.
  std::vector<uint8_t> stream;
  for (const auto& m : IpfixMessages(30, 4)) stream.insert(stream.end(), m.begin(), m.end());
  for (size_t off = 0; off < stream.size(); off += 333) {
    size_t n = std::min<size_t>(333, stream.size() - off);
    ASSERT_EQ(send(t, stream.data() + off, n, 0), static_cast<ssize_t>(n));
  }
  want += 30;
  close(t);
  for (int i = 0; i < 200 && records < want; ++i) server.PollOnce(20);
  for (int i = 0; i < 5; ++i) server.PollOnce(5);
  EXPECT_EQ(records, want);
  EXPECT_GE(cp.Stats().malformed, 2u);
  EXPECT_EQ(server.Connections(), 1u);
  close(u4);
}

TEST(Server, RunWithReceiveThreadDeliversEverythingBeforeStopping) {
  CollectingProcess cp(nullptr);
  std::atomic<uint64_t> records{0};
  cp.SetRecordCallback([&](const core::FlowRecord&) { ++records; });
  Server server(&cp);
  ASSERT_TRUE(server.AddListener("udp://127.0.0.1:0"));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> ticks{0};
  std::thread runner([&] {
    server.Run(
        stop, core::Duration::Millis(10), [&] { ++ticks; }, true);
  });
  int u = Connect(false, false, server.BoundPort(0));
  ASSERT_GE(u, 0);
  auto msgs = IpfixMessages(500, 1);
  for (const auto& m : msgs) send(u, m.data(), m.size(), 0);
  close(u);
  // Stop right away: datagrams already in the socket must still be decoded.
  stop.store(true);
  runner.join();
  EXPECT_EQ(records.load(), 500u);
  EXPECT_EQ(server.Datagrams(), msgs.size());
  EXPECT_EQ(server.QueueDrops(), 0u);
}

}  // namespace
}  // namespace vantage::collector
