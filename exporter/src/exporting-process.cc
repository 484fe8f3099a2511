// Exporting Process: per-destination message writers and transports (UDP, TCP, file,
// callback), template refresh, pacing, options records.
#include "vantage/exporter/exporting-process.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-writer.h"
#include "vantage/wire/v5/codec.h"
#include "vantage/wire/v9/message-writer.h"

namespace vantage::exporter {

using Clock = std::chrono::steady_clock;

struct ExportingProcess::Channel {
  Destination dest;
  int fd = -1;
  bool connected = false;
  std::unique_ptr<wire::ipfix::FileWriter> ipfixFile;
  std::FILE* rawFile = nullptr;
  std::unique_ptr<wire::ipfix::MessageWriter> ipfix;
  std::unique_ptr<wire::v9::MessageWriter> v9;
  std::vector<core::FlowRecord> v5Batch;
  uint32_t v5Sequence = 0;
  uint64_t messages = 0;
  uint64_t octets = 0;
  uint64_t records = 0;
  uint64_t messagesSinceTemplates = 0;
  core::Timestamp lastTemplates;
  bool templatesTimed = false;
  // UDP pacing (wall clock).
  Clock::time_point nextSend{};
  // TCP reconnect.
  Clock::time_point nextAttempt{};
  std::chrono::seconds backoff{1};
  bool everSent = false;
  std::vector<wire::Template> templates;
  std::vector<bool> encapTemplateSent;  ///< by EncapTemplateId() - kTemplateFlowEncapFirst

  bool IsUdpLike() const {
    return dest.kind == Destination::Kind::kUdp || dest.kind == Destination::Kind::kCallback;
  }
  ~Channel() {
    if (fd >= 0) ::close(fd);
    if (rawFile) std::fclose(rawFile);
  }
};

namespace {

core::Result<int> OpenSocket(const Destination& d, bool tcp) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(d.port);
  int rc = ::getaddrinfo(d.host.c_str(), port.c_str(), &hints, &res);
  std::string name = std::string(tcp ? "tcp://" : "udp://") + d.host + ":" + port;
  if (rc != 0) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           "cannot resolve " + name + ": " + ::gai_strerror(rc));
  }
  int fd = -1;
  std::string err;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (!tcp) {
      int buf = 4 << 20;
      ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
    }
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    err = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0) {
    return core::MakeError(core::ErrorCode::kIo, "cannot connect to " + name + ": " + err);
  }
  return fd;
}

bool SendAll(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

wire::Template SamplingTemplate(ExportFormat format, SamplingConfig::Mode mode) {
  wire::Template t;
  t.id = kTemplateSampling;
  t.scopeFieldCount = 1;
  if (format == ExportFormat::kIpfix) {
    t.fields.push_back({wire::ie::kObservationDomainId, 4, 0});
    t.fields.push_back({wire::ie::kSamplingInterval, 4, 0});
    t.fields.push_back({wire::ie::kSamplingAlgorithm, 1, 0});
    t.fields.push_back({wire::ie::kSelectorAlgorithm, 2, 0});
    if (mode == SamplingConfig::Mode::kCount) {
      t.fields.push_back({wire::ie::kSamplingPacketInterval, 4, 0});
      t.fields.push_back({wire::ie::kSamplingPacketSpace, 4, 0});
    } else {
      t.fields.push_back({wire::ie::kSamplingProbability, 8, 0});
    }
  } else {
    t.fields.push_back({1, 4, 0});  // v9 scope type 1: System
    t.fields.push_back({wire::ie::kSamplingInterval, 4, 0});
    t.fields.push_back({wire::ie::kSamplingAlgorithm, 1, 0});
  }
  return t;
}

wire::Template StatisticsTemplate(ExportFormat format) {
  wire::Template t;
  t.id = kTemplateStatistics;
  t.scopeFieldCount = 1;
  if (format == ExportFormat::kIpfix) {
    t.fields.push_back({wire::ie::kObservationDomainId, 4, 0});
    t.fields.push_back({wire::ie::kExportedMessageTotalCount, 8, 0});
    t.fields.push_back({wire::ie::kExportedFlowRecordTotalCount, 8, 0});
    t.fields.push_back({wire::ie::kExportedOctetTotalCount, 8, 0});
    t.fields.push_back({wire::ie::kIgnoredPacketTotalCount, 8, 0});
    t.fields.push_back({wire::ie::kNotSentFlowTotalCount, 8, 0});
  } else {
    t.fields.push_back({1, 4, 0});  // v9 scope type 1: System
    t.fields.push_back({wire::ie::kExportedMessageTotalCount, 8, 0});
    t.fields.push_back({wire::ie::kExportedFlowRecordTotalCount, 8, 0});
    t.fields.push_back({wire::ie::kExportedOctetTotalCount, 8, 0});
  }
  return t;
}

wire::OptionValue Opt(const wire::FieldSpec& spec, uint64_t v) {
  wire::OptionValue o;
  o.spec = spec;
  o.value = v;
  return o;
}

}  // namespace

ExportingProcess::ExportingProcess(const ExporterConfig& config) : m_config(config) {}

ExportingProcess::~ExportingProcess() {
  if (!m_finished && m_haveBoot) Finish(m_lastFlush, ExportCounters{});
}

core::Status ExportingProcess::Open() {
  if (m_config.key.biflow && m_config.format != ExportFormat::kIpfix) {
    return core::MakeError(core::ErrorCode::kUnsupported,
                           "biflow export (RFC 5103) needs IPFIX, not " +
                               std::string(ExportFormatName(m_config.format)));
  }
  size_t maxMessage = m_config.mtu > 48 + 64 ? m_config.mtu - 48 : 1452;  // IPv6 + UDP headers
  if (maxMessage > 65000) maxMessage = 65000;

  wire::FlowTemplateOptions opts;
  opts.biflow = m_config.key.biflow;
  opts.vlan = m_config.key.vlan;
  opts.macs = m_config.exportMacs;
  opts.asNumbers = !m_config.asTablePath.empty();
  opts.nanoseconds = m_config.nanoseconds && m_config.format == ExportFormat::kIpfix;
  opts.sysUpTime = m_config.format == ExportFormat::kNetflowV9;
  m_flowOptions = opts;
  std::vector<wire::Template> templates;
  opts.ipv6 = false;
  templates.push_back(wire::MakeFlowTemplate(kTemplateFlowV4, opts));
  opts.ipv6 = true;
  templates.push_back(wire::MakeFlowTemplate(kTemplateFlowV6, opts));
  if (m_config.sampling.mode != SamplingConfig::Mode::kNone) {
    templates.push_back(SamplingTemplate(m_config.format, m_config.sampling.mode));
  }
  templates.push_back(StatisticsTemplate(m_config.format));

  for (const Destination& d : m_config.destinations) {
    VANTAGE_RETURN_IF_ERROR(OpenChannel(d, templates, maxMessage));
  }
  return {};
}

// One destination's channel: its socket or file and its message writer with the templates.
core::Status ExportingProcess::OpenChannel(const Destination& d,
                                           const std::vector<wire::Template>& templates,
                                           size_t maxMessage) {
  auto ch = std::make_unique<Channel>();
  ch->dest = d;
  ch->templates = templates;
  Channel* raw = ch.get();
  switch (d.kind) {
    case Destination::Kind::kUdp: {
      auto fd = OpenSocket(d, false);
      if (!fd) return fd.GetError();
      ch->fd = *fd;
      ch->connected = true;
      break;
    }
    case Destination::Kind::kTcp: {
      auto fd = OpenSocket(d, true);
      if (fd) {
        ch->fd = *fd;
        ch->connected = true;
      } else {
        if (m_config.warning) m_config.warning(fd.GetError().message + "; will retry");
        m_anomalies.Count("export.tcp_connect_failed");
        ch->nextAttempt = Clock::now() + ch->backoff;
      }
      break;
    }
    case Destination::Kind::kFile: {
      if (m_config.format == ExportFormat::kIpfix) {
        ch->ipfixFile = std::make_unique<wire::ipfix::FileWriter>();
        VANTAGE_RETURN_IF_ERROR(ch->ipfixFile->Open(d.path));
      } else {
        ch->rawFile = std::fopen(d.path.c_str(), "wb");
        if (!ch->rawFile) {
          return core::MakeError(core::ErrorCode::kIo,
                                 "cannot open " + d.path + ": " + std::strerror(errno));
        }
      }
      break;
    }
    case Destination::Kind::kCallback:
      if (!d.callback) {
        return core::MakeError(core::ErrorCode::kInvalid, "callback destination without callback");
      }
      break;
  }
  auto sink = [this, raw](std::vector<uint8_t> msg) { Deliver(*raw, std::move(msg)); };
  if (m_config.format == ExportFormat::kIpfix) {
    wire::ipfix::WriterConfig wc;
    wc.observationDomain = m_config.observationDomain;
    wc.maxMessageSize = d.kind == Destination::Kind::kFile ? 65535 : maxMessage;
    ch->ipfix = std::make_unique<wire::ipfix::MessageWriter>(wc, sink);
    for (const auto& t : templates) VANTAGE_RETURN_IF_ERROR(ch->ipfix->AddTemplate(t));
  } else if (m_config.format == ExportFormat::kNetflowV9) {
    wire::v9::WriterConfig wc;
    wc.sourceId = m_config.observationDomain;
    wc.maxMessageSize = maxMessage;
    ch->v9 = std::make_unique<wire::v9::MessageWriter>(wc, sink);
    for (const auto& t : templates) VANTAGE_RETURN_IF_ERROR(ch->v9->AddTemplate(t));
  }
  m_channels.push_back(std::move(ch));
  return {};
}

void ExportingProcess::Deliver(Channel& ch, std::vector<uint8_t> message) {
  ++ch.messages;
  ++ch.messagesSinceTemplates;
  ch.octets += message.size();
  switch (ch.dest.kind) {
    case Destination::Kind::kCallback:
      ch.dest.callback(message);
      break;
    case Destination::Kind::kFile:
      if (ch.ipfixFile) {
        if (!ch.ipfixFile->Write(message)) m_anomalies.Count("export.file_write_error");
      } else if (std::fwrite(message.data(), 1, message.size(), ch.rawFile) != message.size()) {
        m_anomalies.Count("export.file_write_error");
      }
      break;
    case Destination::Kind::kUdp: {
      if (m_config.udpRateLimitPps > 0) {
        auto interval = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(1.0 / m_config.udpRateLimitPps));
        auto now = Clock::now();
        // Allow a burst of up to 5 ms worth of messages after an idle period.
        auto floor = now - std::chrono::milliseconds(5);
        if (ch.nextSend < floor) ch.nextSend = floor;
        ch.nextSend += interval;
        if (ch.nextSend > now + std::chrono::microseconds(200)) {
          std::this_thread::sleep_until(ch.nextSend);
        }
      }
      if (::send(ch.fd, message.data(), message.size(), 0) < 0) {
        m_anomalies.Count("export.udp_send_error");
      }
      break;
    }
    case Destination::Kind::kTcp: {
      bool fresh = false;
      if (!ch.connected && Clock::now() >= ch.nextAttempt) {
        auto fd = OpenSocket(ch.dest, true);
        if (fd) {
          ch.fd = *fd;
          ch.connected = true;
          ch.backoff = std::chrono::seconds(1);
          fresh = true;
          m_anomalies.Count("export.tcp_reconnect");
        } else {
          ch.backoff = std::min(ch.backoff * 2, std::chrono::seconds(32));
          ch.nextAttempt = Clock::now() + ch.backoff;
        }
      }
      if (!ch.connected) {
        m_anomalies.Count("export.tcp_dropped_message");
        break;
      }
      if (fresh && m_config.format == ExportFormat::kIpfix && message.size() >= 16) {
        // Templates once per connection: a template-only message first, with the data
        // message's sequence number (it carries no data records).
        std::vector<uint8_t> tmplMsg;
        wire::ipfix::WriterConfig wc;
        wc.observationDomain = m_config.observationDomain;
        wc.maxMessageSize = 65535;
        wire::ipfix::MessageWriter tw(
            wc, [&](std::vector<uint8_t> m) { tmplMsg.insert(tmplMsg.end(), m.begin(), m.end()); });
        tw.SetExportTime((static_cast<uint32_t>(message[4]) << 24) | (message[5] << 16) |
                         (message[6] << 8) | message[7]);
        for (const auto& t : ch.templates) (void)tw.AddTemplate(t);
        tw.Flush();
        if (tmplMsg.size() >= 16) std::memcpy(tmplMsg.data() + 8, message.data() + 8, 4);
        if (!SendAll(ch.fd, tmplMsg.data(), tmplMsg.size())) ch.connected = false;
      }
      if (ch.connected && !SendAll(ch.fd, message.data(), message.size())) ch.connected = false;
      if (!ch.connected) {
        m_anomalies.Count("export.tcp_dropped_message");
        if (ch.fd >= 0) ::close(ch.fd);
        ch.fd = -1;
        ch.nextAttempt = Clock::now() + ch.backoff;
      }
      break;
    }
  }
}

void ExportingProcess::SetClock(Channel& ch, core::Timestamp now) {
  uint32_t secs = static_cast<uint32_t>(now.Seconds());
  if (ch.ipfix) ch.ipfix->SetExportTime(secs);
  if (ch.v9) ch.v9->SetClock(secs, static_cast<uint32_t>((now - m_boot).ToMillis()));
}

void ExportingProcess::SendSamplingRecord(Channel& ch) {
  if (m_config.sampling.mode == SamplingConfig::Mode::kNone) return;
  wire::Template t = SamplingTemplate(m_config.format, m_config.sampling.mode);
  uint32_t n = m_config.sampling.interval == 0 ? 1 : m_config.sampling.interval;
  bool count = m_config.sampling.mode == SamplingConfig::Mode::kCount;
  std::vector<wire::OptionValue> v;
  v.push_back(Opt(t.fields[0], m_config.observationDomain));
  v.push_back(Opt(t.fields[1], n));
  v.push_back(Opt(t.fields[2], count ? 1 : 2));  // v9: 1 deterministic, 2 random
  if (m_config.format == ExportFormat::kIpfix) {
    // RFC 5475 selector algorithms: 1 systematic count-based, 4 uniform probabilistic.
    v.push_back(Opt(t.fields[3], count ? 1 : 4));
    if (count) {
      v.push_back(Opt(t.fields[4], 1));
      v.push_back(Opt(t.fields[5], n - 1));
    } else {
      double p = 1.0 / n;
      uint64_t bits;
      std::memcpy(&bits, &p, sizeof(bits));
      v.push_back(Opt(t.fields[4], bits));
    }
    (void)ch.ipfix->AddOptionsRecord(kTemplateSampling, v);
  } else if (ch.v9) {
    (void)ch.v9->AddOptionsRecord(kTemplateSampling, v);
  }
}

void ExportingProcess::MaybeRefresh(Channel& ch, core::Timestamp now) {
  if (!ch.templatesTimed) {
    ch.templatesTimed = true;
    ch.lastTemplates = now;
    ch.messagesSinceTemplates = 0;
    SetClock(ch, now);
    SendSamplingRecord(ch);
    return;
  }
  if (!ch.IsUdpLike()) return;
  bool byCount = m_config.templateRefreshMessages > 0 &&
                 ch.messagesSinceTemplates >= m_config.templateRefreshMessages;
  bool byTime =
      m_config.templateRefresh.ns > 0 && now - ch.lastTemplates >= m_config.templateRefresh;
  if (!byCount && !byTime) return;
  if (ch.ipfix) ch.ipfix->ResendTemplates();
  if (ch.v9) ch.v9->ResendTemplates();
  SendSamplingRecord(ch);
  ch.lastTemplates = now;
  ch.messagesSinceTemplates = 0;
}

bool ExportingProcess::Export(const core::FlowRecord& record, core::Timestamp now) {
  if (!m_haveBoot) {
    m_haveBoot = true;
    m_boot = record.start < now ? record.start : now;
    m_lastFlush = now;
  }
  if (m_config.format == ExportFormat::kNetflowV5 && !record.key.src.IsV4()) return false;
  uint16_t tid = record.key.src.IsV6() ? kTemplateFlowV6 : kTemplateFlowV4;
  if (record.encap.Any() && m_config.format != ExportFormat::kNetflowV5) {
    tid = EncapTemplateId(record);
  }
  for (auto& chp : m_channels) {
    Channel& ch = *chp;
    ++ch.records;
    if (m_config.format == ExportFormat::kNetflowV5) {
      ch.v5Batch.push_back(record);
      if (ch.v5Batch.size() >= wire::v5::kMaxRecords) {
        wire::v5::Header h;
        h.unixSeconds = static_cast<uint32_t>(now.Seconds());
        h.unixNanos = static_cast<uint32_t>(now.ns % 1000000000);
        h.sysUpTimeMs = static_cast<uint32_t>((now - m_boot).ToMillis());
        h.sequence = ch.v5Sequence;
        h.engineId = static_cast<uint8_t>(m_config.observationDomain);
        if (m_config.sampling.mode != SamplingConfig::Mode::kNone) {
          h.samplingInterval =
              static_cast<uint16_t>((1u << 14) | (m_config.sampling.interval & 0x3fff));
        }
        auto pkt = wire::v5::Encode(h, ch.v5Batch);
        ch.v5Sequence += static_cast<uint32_t>(ch.v5Batch.size());
        ch.v5Batch.clear();
        if (pkt)
          Deliver(ch, std::move(*pkt));
        else
          m_anomalies.Count("export.v5_encode_error");
      }
      continue;
    }
    MaybeRefresh(ch, now);
    SetClock(ch, now);
    if (tid >= kTemplateFlowEncapFirst) AddEncapTemplate(ch, tid, record);
    core::Status st =
        ch.ipfix ? ch.ipfix->AddFlowRecord(tid, record) : ch.v9->AddFlowRecord(tid, record);
    if (!st) m_anomalies.Count("export.encode_error");
  }
  return true;
}

// Templates of encapsulated flows, one per (inner family, tunnel endpoint family, MPLS stack
// depth) actually seen, each sent on a channel the first time a record needs it (and then
// with every template refresh), so plain traffic's export is unchanged.
uint16_t ExportingProcess::EncapTemplateId(const core::FlowRecord& r) {
  const int inner = r.key.src.IsV6() ? 1 : 0;
  const int tunnel = r.encap.tunnelSrc.IsV6() ? 2 : r.encap.tunnelSrc.IsV4() ? 1 : 0;
  const int labels = std::min<int>(r.encap.mplsLabelCount, core::Encapsulation::kMaxMplsLabels);
  return static_cast<uint16_t>(kTemplateFlowEncapFirst + inner + 2 * tunnel + 6 * labels);
}

void ExportingProcess::AddEncapTemplate(Channel& ch, uint16_t tid, const core::FlowRecord& r) {
  const size_t slot = tid - kTemplateFlowEncapFirst;
  if (ch.encapTemplateSent.size() <= slot) ch.encapTemplateSent.resize(slot + 1, false);
  if (ch.encapTemplateSent[slot]) return;
  ch.encapTemplateSent[slot] = true;
  wire::FlowTemplateOptions opts = m_flowOptions;
  opts.ipv6 = r.key.src.IsV6();
  opts.mplsLabels = r.encap.mplsLabelCount;
  opts.tunnelFamily = r.encap.tunnelSrc.family;
  opts.layer2Segment = opts.tunnelFamily != 0;
  wire::Template t = wire::MakeFlowTemplate(tid, opts);
  core::Status st = ch.ipfix ? ch.ipfix->AddTemplate(t) : ch.v9->AddTemplate(t);
  if (!st) m_anomalies.Count("export.encode_error");
  ch.templates.push_back(std::move(t));
}

void ExportingProcess::SetSystemInitTime(core::Timestamp t) {
  if (m_haveBoot) return;
  m_haveBoot = true;
  m_boot = t;
  m_lastFlush = t;
}

void ExportingProcess::Tick(core::Timestamp now) {
  if (!m_haveBoot || now - m_lastFlush < core::Duration::Seconds(1)) return;
  m_lastFlush = now;
  for (auto& chp : m_channels) {
    if (chp->ipfix) chp->ipfix->Flush();
    if (chp->v9) chp->v9->Flush();
  }
}

void ExportingProcess::Finish(core::Timestamp now, const ExportCounters& counters) {
  if (m_finished) return;
  m_finished = true;
  if (!m_haveBoot) {
    m_haveBoot = true;
    m_boot = now;
  }
  for (auto& chp : m_channels) {
    Channel& ch = *chp;
    if (m_config.format == ExportFormat::kNetflowV5) {
      if (!ch.v5Batch.empty()) {
        wire::v5::Header h;
        h.unixSeconds = static_cast<uint32_t>(now.Seconds());
        h.unixNanos = static_cast<uint32_t>(now.ns % 1000000000);
        h.sysUpTimeMs = static_cast<uint32_t>((now - m_boot).ToMillis());
        h.sequence = ch.v5Sequence;
        h.engineId = static_cast<uint8_t>(m_config.observationDomain);
        auto pkt = wire::v5::Encode(h, ch.v5Batch);
        ch.v5Sequence += static_cast<uint32_t>(ch.v5Batch.size());
        ch.v5Batch.clear();
        if (pkt) Deliver(ch, std::move(*pkt));
      }
    } else {
      MaybeRefresh(ch, now);
      SetClock(ch, now);
      wire::Template t = StatisticsTemplate(m_config.format);
      std::vector<wire::OptionValue> v;
      v.push_back(Opt(t.fields[0], m_config.observationDomain));
      v.push_back(Opt(t.fields[1], ch.messages + 1));  // this message included
      v.push_back(Opt(t.fields[2], ch.records));
      v.push_back(Opt(t.fields[3], ch.octets));
      if (m_config.format == ExportFormat::kIpfix) {
        v.push_back(Opt(t.fields[4], counters.ignoredPackets));
        v.push_back(Opt(t.fields[5], counters.notSentFlows));
        (void)ch.ipfix->AddOptionsRecord(kTemplateStatistics, v);
        ch.ipfix->Flush();
      } else {
        (void)ch.v9->AddOptionsRecord(kTemplateStatistics, v);
        ch.v9->Flush();
      }
    }
    if (ch.ipfixFile) (void)ch.ipfixFile->Close();
    if (ch.rawFile) {
      std::fclose(ch.rawFile);
      ch.rawFile = nullptr;
    }
  }
}

uint64_t ExportingProcess::Messages() const {
  return m_channels.empty() ? 0 : m_channels.front()->messages;
}
uint64_t ExportingProcess::OctetsSent() const {
  return m_channels.empty() ? 0 : m_channels.front()->octets;
}

}  // namespace vantage::exporter
