// The Collecting Process (see collecting-process.h): per-datagram version detection, template
// state per transport session, held data, options, loss accounting, store feeding.
#include "vantage/collector/collecting-process.h"

#include <algorithm>
#include <array>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <tuple>

#include "sampling-state.h"
#include "vantage/collector/sequence-tracker.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/information-element.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-reader.h"
#include "vantage/wire/message-handler.h"
#include "vantage/wire/v5/codec.h"
#include "vantage/wire/v9/message-reader.h"

namespace vantage::collector {

namespace {

/// A data set that arrived before its template.
struct Pending {
  wire::MessageInfo info;
  uint16_t setId = 0;
  std::vector<uint8_t> body;
  core::Timestamp at;
};

/// Transport session key: UDP (address, port) or a TCP connection / file id.
struct SessionKey {
  bool stream = false;
  uint64_t connection = 0;
  core::IpAddress addr;
  uint16_t port = 0;
  friend bool operator<(const SessionKey& a, const SessionKey& b) {
    return std::tie(a.stream, a.connection, a.addr, a.port) <
           std::tie(b.stream, b.connection, b.addr, b.port);
  }
};

/// Loss key: exporter, port, observation domain, version.
using LossKey = std::tuple<core::IpAddress, uint16_t, uint32_t, uint16_t>;

struct Session {
  SessionKey key;
  wire::ipfix::Session ipfix{wire::DecoderLimits{}};
  wire::v9::Session v9{wire::DecoderLimits{}};
  core::Timestamp lastTemplate;
  core::Timestamp lastSeen;
  std::deque<Pending> pending;
  size_t pendingBytes = 0;
  uint64_t messages = 0;
  uint64_t records = 0;
  std::map<uint32_t, ExporterOptions> options;  // per domain
  detail::SamplingState sampling;
  /// The loss tracker of the last message's domain and version, which most messages repeat
  /// (a map lookup per message otherwise); an entry of Impl::m_loss, never erased.
  SequenceTracker* loss = nullptr;
  uint32_t lossDomain = 0;
  uint16_t lossVersion = 0;
};

// A flow key needs an address, a MAC address, a protocol or a port; without any of them the
// record would be an empty row.
bool HasFlowKey(const core::FlowRecord& r) {
  static const std::array<uint8_t, 6> kNoMac{};
  return r.key.src.IsSet() || r.key.dst.IsSet() || r.srcMac != kNoMac || r.dstMac != kNoMac ||
         r.key.protocol != 0 || r.key.srcPort != 0 || r.key.dstPort != 0;
}

bool HasPacketSection(const wire::Template& t) {
  return t.FindField(wire::ie::kDataLinkFrameSection) >= 0 ||
         t.FindField(wire::ie::kIpHeaderPacketSection) >= 0 ||
         t.FindField(wire::ie::kIpPayloadPacketSection) >= 0;
}

core::ByteReader Whole(const std::vector<uint8_t>& v) {
  return core::ByteReader(v.data(), v.size());
}

}  // namespace

class CollectingProcess::Impl {
 public:
  Impl(Store* store, CollectorConfig cfg) : m_store(store), m_cfg(std::move(cfg)) {}

  // ---- entry points ----
  void OnDatagram(const core::IpAddress& exporter, uint16_t port, const uint8_t* data, size_t size,
                  core::Timestamp now) {
    ++m_stats.datagrams;
    if (size < 2) {
      ++m_stats.malformed;
      m_anomalies.Count("collector.short_datagram");
      return;
    }
    Session& s = GetSession(SessionKey{false, 0, exporter, port}, now);
    ExpireTemplates(s, now);
    uint16_t version = static_cast<uint16_t>((data[0] << 8) | data[1]);
    core::ByteReader reader(data, size);
    switch (version) {
      case 5:
        DecodeV5(s, reader);
        break;
      case 9:
        DecodeMessage(s, reader, 9, now);
        break;
      case 10:
        Archive(s, data, size);
        DecodeMessage(s, reader, 10, now);
        break;
      default:
        ++m_stats.malformed;
        m_anomalies.Count("collector.unknown_version");
        break;
    }
  }

  void OnStreamMessage(uint64_t conn, const core::IpAddress& exporter, uint16_t port,
                       const uint8_t* data, size_t size, core::Timestamp now) {
    ++m_stats.datagrams;
    Session& s = GetSession(SessionKey{true, conn, exporter, port}, now);
    Archive(s, data, size);
    DecodeMessage(s, core::ByteReader(data, size), 10, now);
  }

  void OnStreamClosed(uint64_t conn) {
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
      if (it->first.stream && it->first.connection == conn) {
        DropSession(it->second);
        it = m_sessions.erase(it);
      } else {
        ++it;
      }
    }
  }

  core::Status ReadIpfixBytes(const uint8_t* data, size_t size, const std::string& name) {
    uint64_t conn = ++m_fileCounter | (uint64_t{1} << 63);
    size_t pos = 0;
    core::Status result;
    while (pos < size) {
      core::ByteReader rest(data + pos, size - pos, pos);
      auto len = wire::ipfix::PeekMessageLength(rest);
      if (!len) {
        ++m_stats.malformed;
        m_anomalies.Count("collector.file_framing");
        result = core::MakeError(
            core::ErrorCode::kInvalid,
            name + ": offset " + std::to_string(pos) + ": " + len.GetError().message, pos);
        break;
      }
      OnStreamMessage(conn, core::IpAddress{}, 0, data + pos, *len, m_lastNow);
      pos += *len;
    }
    OnStreamClosed(conn);
    return result;
  }

  void Tick(core::Timestamp now) {
    m_lastNow = std::max(m_lastNow, now);
    for (auto& [key, s] : m_sessions) {
      while (!s.pending.empty() && now - s.pending.front().at > m_cfg.pendingMaxAge) {
        DropPending(s);
      }
      s.sampling.Expire(now - m_cfg.pendingMaxAge, EmitUnknownRate(s));
      if (!key.stream) ExpireTemplates(s, now);
    }
  }

  void Flush() {
    for (auto& [key, s] : m_sessions) {
      while (!s.pending.empty()) DropPending(s);
      s.sampling.Drain(EmitUnknownRate(s));
    }
    if (!m_store) return;
    auto st = m_store->Flush();
    if (!st) NoteStoreError(st);
    st = m_store->SaveLoss(Loss());
    if (!st) NoteStoreError(st);
    for (const auto& o : Options()) {
      st = m_store->SaveExporterOptions(o);
      if (!st) NoteStoreError(st);
    }
    std::vector<std::pair<std::string, uint64_t>> counts;
    for (const auto& [name, n] : Stats().anomalies.All()) counts.emplace_back(name, n);
    st = m_store->SaveAnomalies(counts);
    if (!st) NoteStoreError(st);
  }

  const CollectorStats& Stats() {
    m_stats.anomalies = m_anomalies;
    for (const auto& a : m_closedAnomalies.All()) m_stats.anomalies.Count(a.first, a.second);
    m_stats.exporters.clear();
    for (const auto& [key, s] : m_sessions) {
      m_stats.anomalies.Merge(s.ipfix.Anomalies());
      m_stats.anomalies.Merge(s.v9.Anomalies());
      ExporterStats e;
      e.exporter = key.addr;
      e.port = key.port;
      e.messages = s.messages;
      e.records = s.records;
      m_stats.exporters.push_back(e);
    }
    return m_stats;
  }

  std::vector<LossReport> Loss() const {
    std::vector<LossReport> out;
    for (const auto& [key, t] : m_loss) {
      LossReport l;
      std::tie(l.exporter, l.port, l.observationDomain, l.version) = key;
      l.unit = l.version == 5 ? "flows" : l.version == 9 ? "messages" : "records";
      l.expected = t.Expected();
      l.received = t.Received();
      l.lost = t.Lost();
      l.duplicates = t.Duplicates();
      l.resets = t.Resets();
      out.push_back(l);
    }
    return out;
  }

  std::vector<ExporterOptions> Options() const {
    std::vector<ExporterOptions> out;
    for (const auto& [key, s] : m_sessions) {
      for (const auto& [domain, o] : s.options) out.push_back(o);
    }
    return out;
  }

  size_t TemplateCount() const {
    size_t n = 0;
    for (const auto& [key, s] : m_sessions) n += s.ipfix.TemplateCount() + s.v9.TemplateCount();
    return n;
  }
  size_t SessionCount() const { return m_sessions.size(); }

  std::function<void(const core::FlowRecord&)> m_callback;

 private:
  // Receives what the wire decoders find for one message of one session.
  class Handler : public wire::MessageHandler {
   public:
    Handler(Impl& impl, Session& s, core::Timestamp now) : m_impl(impl), m_s(s), m_now(now) {}
    void OnMessage(const wire::MessageInfo& info) override {
      m_info = info;
      m_sawMessage = true;
    }
    void OnTemplate(const wire::MessageInfo& info, const wire::Template& tmpl) override {
      ++m_impl.m_stats.templates;
      m_s.lastTemplate = m_now;
      m_impl.ReplayPending(m_s, info, tmpl, *this);
    }
    void OnTemplateWithdrawn(const wire::MessageInfo& /*info*/, uint16_t /*id*/) override {
      ++m_impl.m_stats.templatesWithdrawn;
    }
    void OnDataRecord(const wire::MessageInfo& info, const wire::Template& tmpl,
                      core::ByteReader record) override {
      ++m_records;
      // One options lookup per message: its records share the domain (map entries are stable).
      if (m_options == nullptr || m_optionsDomain != info.observationDomain) {
        m_options = &m_s.options[info.observationDomain];
        m_optionsDomain = info.observationDomain;
      }
      m_impl.HandleRecord(m_s, info, tmpl, record, *m_options);
    }
    void OnMissingTemplate(const wire::MessageInfo& info, uint16_t setId,
                           core::ByteReader body) override {
      m_impl.HoldPending(m_s, info, setId, body, m_now);
    }

    Impl& m_impl;
    Session& m_s;
    core::Timestamp m_now;
    wire::MessageInfo m_info;
    bool m_sawMessage = false;
    uint32_t m_records = 0;
    ExporterOptions* m_options = nullptr;
    uint32_t m_optionsDomain = 0;
  };

  Session& GetSession(const SessionKey& key, core::Timestamp now) {
    m_lastNow = std::max(m_lastNow, now);
    auto it = m_sessions.find(key);
    if (it == m_sessions.end()) {
      if (m_sessions.size() >= m_cfg.maxSessions) EvictOldest();
      it = m_sessions
               .emplace(std::piecewise_construct, std::forward_as_tuple(key),
                        std::forward_as_tuple())
               .first;
      it->second.key = key;
      it->second.lastTemplate = now;
    }
    it->second.lastSeen = now;
    ++it->second.messages;
    return it->second;
  }

  void EvictOldest() {
    auto oldest = m_sessions.end();
    for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it) {
      if (oldest == m_sessions.end() || it->second.lastSeen < oldest->second.lastSeen) oldest = it;
    }
    if (oldest != m_sessions.end()) {
      m_anomalies.Count("collector.session_evicted");
      DropSession(oldest->second);
      m_sessions.erase(oldest);
    }
  }

  void DropSession(Session& s) {
    while (!s.pending.empty()) DropPending(s);
    s.sampling.Drain(EmitUnknownRate(s));
    m_closedAnomalies.Merge(s.ipfix.Anomalies());
    m_closedAnomalies.Merge(s.v9.Anomalies());
    for (const auto& [d, o] : s.options) m_closedOptions.push_back(o);
  }

  void ExpireTemplates(Session& s, core::Timestamp now) {
    if (s.key.stream || m_cfg.templateLifetime.ns <= 0) return;
    if (now - s.lastTemplate > m_cfg.templateLifetime) {
      size_t n = s.ipfix.TemplateCount() + s.v9.TemplateCount();
      if (n > 0) {
        m_stats.templatesExpired += n;
        s.ipfix.ClearTemplates();
        s.v9.ClearTemplates();
      }
      s.lastTemplate = now;
    }
  }

  void Archive(Session& s, const uint8_t* data, size_t size) {
    if (m_cfg.archiveDir.empty()) return;
    std::string name = s.key.stream ? "stream-" + std::to_string(s.key.connection & 0xffffffff)
                                    : s.key.addr.ToString() + "_" + std::to_string(s.key.port);
    for (auto& c : name) {
      if (c == ':') c = '-';
    }
    auto& w = m_archives[name];
    if (!w) {
      w = std::make_unique<wire::ipfix::FileWriter>();
      std::error_code ec;
      std::filesystem::create_directories(m_cfg.archiveDir, ec);
      auto st = w->Open((std::filesystem::path(m_cfg.archiveDir) / (name + ".ipfix")).string());
      if (!st) {
        m_anomalies.Count("collector.archive_error");
        m_lastError = st.GetError().ToString();
        return;
      }
    }
    if (!w->Write(std::vector<uint8_t>(data, data + size))) {
      m_anomalies.Count("collector.archive_error");
    }
  }

  void DecodeV5(Session& s, core::ByteReader reader) {
    wire::v5::Header h;
    m_v5Records.clear();
    auto st = wire::v5::Decode(reader, h, m_v5Records, &m_anomalies);
    if (!st) {
      ++m_stats.malformed;
      m_lastError = st.GetError().ToString();
    }
    uint32_t domain = (static_cast<uint32_t>(h.engineType) << 8) | h.engineId;
    if (st || !m_v5Records.empty()) {
      LossFor(s, domain, 5).OnMessage(h.sequence, h.count);
    }
    uint32_t sampling = h.samplingInterval & 0x3fff;
    for (auto& r : m_v5Records) {
      r.exporter = s.key.addr;
      r.observationDomain = domain;
      if (r.samplingInterval == 0 && sampling > 1) r.samplingInterval = sampling;
      Emit(s, r);
    }
  }

  void DecodeMessage(Session& s, core::ByteReader reader, uint16_t version, core::Timestamp now) {
    Handler h(*this, s, now);
    core::Status st = version == 9 ? s.v9.Decode(reader, h) : s.ipfix.Decode(reader, h);
    if (!st) {
      ++m_stats.malformed;
      m_lastError = st.GetError().ToString();
    }
    if (h.m_sawMessage) {
      // IPFIX counts data records, v9 counts export packets.
      uint32_t units = version == 9 ? 1 : h.m_records;
      LossFor(s, h.m_info.observationDomain, version).OnMessage(h.m_info.sequence, units);
    }
  }

  SequenceTracker& LossFor(Session& s, uint32_t domain, uint16_t version) {
    if (s.loss == nullptr || s.lossDomain != domain || s.lossVersion != version) {
      s.loss = &m_loss[LossKey{s.key.addr, s.key.port, domain, version}];
      s.lossDomain = domain;
      s.lossVersion = version;
    }
    return *s.loss;
  }

  void HoldPending(Session& s, const wire::MessageInfo& info, uint16_t setId, core::ByteReader body,
                   core::Timestamp now) {
    if (s.pendingBytes + body.Size() > m_cfg.pendingMaxBytes) {
      ++m_stats.droppedNoTemplate;
      m_anomalies.Count("collector.pending_overflow");
      return;
    }
    Pending p;
    p.info = info;
    p.setId = setId;
    p.body.assign(body.Data(), body.Data() + body.Size());
    p.at = now;
    s.pendingBytes += p.body.size();
    s.pending.push_back(std::move(p));
  }

  void DropPending(Session& s) {
    s.pendingBytes -= s.pending.front().body.size();
    s.pending.pop_front();
    ++m_stats.droppedNoTemplate;
    m_anomalies.Count("collector.no_template");
  }

  void ReplayPending(Session& s, const wire::MessageInfo& info, const wire::Template& tmpl,
                     Handler& /*h*/) {
    if (s.pending.empty()) return;
    for (auto it = s.pending.begin(); it != s.pending.end();) {
      if (it->setId != tmpl.id || it->info.observationDomain != info.observationDomain ||
          it->info.version != info.version) {
        ++it;
        continue;
      }
      ++m_stats.pendingReplayed;
      uint32_t n = 0;
      ExporterOptions& opts = s.options[it->info.observationDomain];
      ForEachRecord(tmpl, Whole(it->body), [&](core::ByteReader rec) {
        ++n;
        HandleRecord(s, it->info, tmpl, rec, opts);
      });
      if (info.version == 10) {
        LossFor(s, info.observationDomain, 10).AddReceived(n);
      }
      s.pendingBytes -= it->body.size();
      it = s.pending.erase(it);
    }
  }

  template <typename Fn>
  void ForEachRecord(const wire::Template& tmpl, core::ByteReader body, Fn&& fn) {
    size_t minLen = tmpl.MinRecordLength();
    if (minLen == 0) {
      m_anomalies.Count("collector.empty_template");
      return;
    }
    while (body.Remaining() >= minLen) {
      size_t len = minLen;
      if (tmpl.HasVariableLength()) {
        core::ByteReader probe(body.Current(), body.Remaining(), body.Offset());
        wire::RecordFieldIterator it(tmpl, probe);
        const wire::FieldSpec* spec = nullptr;
        core::ByteReader value;
        size_t end = body.Offset();
        while (it.Next(spec, value)) end = value.Offset() + value.Size();
        if (it.Failed()) {
          m_anomalies.Count("collector.record_too_long");
          return;
        }
        len = end - body.Offset();
        if (len == 0) return;
      }
      core::ByteReader rec;
      if (!body.Sub(len, rec)) return;
      fn(rec);
    }
  }

  // `opts`: s.options[info.observationDomain].
  void HandleRecord(Session& s, const wire::MessageInfo& info, const wire::Template& tmpl,
                    core::ByteReader record, ExporterOptions& opts) {
    if (tmpl.IsOptions()) {
      HandleOptions(s, info, tmpl, record, opts);
      return;
    }
    if (s.options.size() == 1 && opts.port == 0 && !opts.exporter.IsSet()) {
      opts.exporter = s.key.addr;
      opts.port = s.key.port;
      opts.observationDomain = info.observationDomain;
    }
    wire::TimeContext ctx;
    ctx.exportTimeSeconds = info.exportTime;
    ctx.sysUpTimeMs = info.sysUpTimeMs;
    ctx.systemInitTimeMs = opts.systemInitTimeMs;
    core::FlowRecord r;
    auto st = wire::DecodeFlowRecord(tmpl, record, ctx, r, &m_anomalies);
    if (!st) {
      ++m_stats.malformed;
      m_anomalies.Count("collector.bad_record");
      m_lastError = st.GetError().ToString();
      return;
    }
    r.exporter = s.key.addr;
    r.observationDomain = info.observationDomain;
    if (!HasFlowKey(r)) return CountWithoutKey(s, info, tmpl);
    if (s.sampling.Resolve(r, opts.samplingInterval)) return Emit(s, r);
    // Sampled, rate not announced yet: the options data may follow the data.
    if (s.sampling.Hold(r, m_lastNow, m_cfg.heldSampledMaxRecords)) {
      ++m_stats.heldForSamplingRate;
      return;
    }
    r.samplingRateUnknown = true;
    EmitUnknownRate(s)(r);
  }

  void CountWithoutKey(Session& s, const wire::MessageInfo& info, const wire::Template& tmpl) {
    ++m_stats.recordsWithoutKey;
    const char* reason = HasPacketSection(tmpl) ? "section_not_decodable" : "no_addresses";
    m_anomalies.Count("collector.record_without_key");
    m_anomalies.Count(std::string("collector.record_without_key{reason=") + reason + ",exporter=" +
                      s.key.addr.ToString() + ",domain=" + std::to_string(info.observationDomain) +
                      ",template=" + std::to_string(tmpl.id) + "}");
  }

  // Emits a record stored with its sampling rate marked unknown.
  detail::SamplingState::Emit EmitUnknownRate(Session& s) {
    return [this, &s](core::FlowRecord& r) {
      if (r.samplingRateUnknown) {
        ++m_stats.samplingRateUnknown;
        m_anomalies.Count("collector.sampling_rate_unknown");
      }
      Emit(s, r);
    };
  }

  void HandleOptions(Session& s, const wire::MessageInfo& info, const wire::Template& tmpl,
                     core::ByteReader record, ExporterOptions& o) {
    ++m_stats.optionsRecords;
    auto values = wire::DecodeGenericRecord(tmpl, record);
    if (!values) {
      ++m_stats.malformed;
      m_anomalies.Count("collector.bad_options_record");
      return;
    }
    o.exporter = s.key.addr;
    o.port = s.key.port;
    o.observationDomain = info.observationDomain;
    const detail::AnnouncedRate announced = detail::ReadAnnouncedRate(*values);
    if (announced.hasSelector) {
      if (announced.rate != 0)
        s.sampling.Learn(info.observationDomain, announced.selector, announced.rate);
    } else if (announced.rate != 0) {
      o.samplingInterval = announced.rate;
    }
    for (const auto& v : *values) {
      if (v.spec.enterprise != 0) continue;
      switch (v.spec.id) {
        case wire::ie::kSystemInitTimeMilliseconds:
          o.systemInitTimeMs = static_cast<int64_t>(v.value);
          break;
        case wire::ie::kExportedMessageTotalCount:
          o.exportedMessages = v.value;
          break;
        case wire::ie::kExportedFlowRecordTotalCount:
          o.exportedFlowRecords = v.value;
          break;
        case wire::ie::kExportedOctetTotalCount:
          o.exportedOctets = v.value;
          break;
        case wire::ie::kDroppedPacketTotalCount:
        case wire::ie::kNotSentPacketTotalCount:
          o.droppedPackets = v.value;
          break;
        case wire::ie::kIgnoredPacketTotalCount:
          o.ignoredPackets = v.value;
          break;
        default:
          break;
      }
    }
    s.sampling.Release(info.observationDomain, o.samplingInterval,
                       [this, &s](core::FlowRecord& r) { Emit(s, r); });
  }

  void Emit(Session& s, core::FlowRecord& r) {
    if (m_cfg.rescaleSampling && r.samplingInterval > 1) {
      r.packets *= r.samplingInterval;
      r.octets *= r.samplingInterval;
      r.reversePackets *= r.samplingInterval;
      r.reverseOctets *= r.samplingInterval;
    }
    ++m_stats.records;
    ++s.records;
    if (m_callback) m_callback(r);
    if (m_store) {
      auto st = m_store->Insert(std::move(r));  // every caller drops `r` after Emit
      if (!st) NoteStoreError(st);
    }
  }

  void NoteStoreError(const core::Status& st) {
    ++m_stats.storeErrors;
    m_anomalies.Count("collector.store_error");
    m_lastError = st.GetError().ToString();
  }

 public:
  std::string m_lastError;

 private:
  Store* m_store;
  CollectorConfig m_cfg;
  CollectorStats m_stats;
  core::AnomalyCounters m_anomalies;
  core::AnomalyCounters m_closedAnomalies;
  std::vector<ExporterOptions> m_closedOptions;
  std::map<SessionKey, Session> m_sessions;
  std::map<LossKey, SequenceTracker> m_loss;
  std::map<std::string, std::unique_ptr<wire::ipfix::FileWriter>> m_archives;
  std::vector<core::FlowRecord> m_v5Records;
  core::Timestamp m_lastNow;
  uint64_t m_fileCounter = 0;
};

CollectingProcess::CollectingProcess(Store* store, CollectorConfig cfg)
    : m_impl(std::make_unique<Impl>(store, std::move(cfg))) {}
CollectingProcess::~CollectingProcess() = default;

void CollectingProcess::OnDatagram(const core::IpAddress& exporter, uint16_t port,
                                   const uint8_t* data, size_t size, core::Timestamp now) {
  m_impl->OnDatagram(exporter, port, data, size, now);
}
void CollectingProcess::OnStreamMessage(uint64_t connectionId, const core::IpAddress& exporter,
                                        uint16_t port, const uint8_t* data, size_t size,
                                        core::Timestamp now) {
  m_impl->OnStreamMessage(connectionId, exporter, port, data, size, now);
}
void CollectingProcess::OnStreamClosed(uint64_t connectionId) {
  m_impl->OnStreamClosed(connectionId);
}
core::Status CollectingProcess::ReadIpfixFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::MakeError(core::ErrorCode::kIo, "cannot open IPFIX file '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return m_impl->ReadIpfixBytes(bytes.data(), bytes.size(), path);
}
core::Status CollectingProcess::ReadIpfixBytes(const uint8_t* data, size_t size,
                                               const std::string& name) {
  return m_impl->ReadIpfixBytes(data, size, name);
}
void CollectingProcess::Tick(core::Timestamp now) {
  m_impl->Tick(now);
}
void CollectingProcess::Flush() {
  m_impl->Flush();
}
const CollectorStats& CollectingProcess::Stats() const {
  return m_impl->Stats();
}
std::vector<LossReport> CollectingProcess::Loss() const {
  return m_impl->Loss();
}
std::vector<ExporterOptions> CollectingProcess::Options() const {
  return m_impl->Options();
}
size_t CollectingProcess::TemplateCount() const {
  return m_impl->TemplateCount();
}
size_t CollectingProcess::SessionCount() const {
  return m_impl->SessionCount();
}
void CollectingProcess::SetRecordCallback(std::function<void(const core::FlowRecord&)> cb) {
  m_impl->m_callback = std::move(cb);
}
const std::string& CollectingProcess::LastError() const {
  return m_impl->m_lastError;
}

}  // namespace vantage::collector
