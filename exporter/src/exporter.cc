// Exporter: decoder -> sampler -> flow cache -> exporting process, on the packet clock.
#include "vantage/exporter/exporter.h"

#include "vantage/exporter/as-table.h"
#include "vantage/exporter/exporting-process.h"
#include "vantage/exporter/flow-cache.h"
#include "vantage/wire/packet-decoder.h"

namespace vantage::exporter {

const char* ExportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::kIpfix:
      return "ipfix";
    case ExportFormat::kNetflowV9:
      return "v9";
    case ExportFormat::kNetflowV5:
      return "v5";
  }
  return "?";
}

struct Exporter::Impl {
  explicit Impl(ExporterConfig cfg)
      : config(std::move(cfg)),
        sampler(config.sampling),
        cache(config.cache, config.key.biflow, [this](const core::FlowRecord& r) { OnExpired(r); }),
        process(config) {}

  void OnExpired(const core::FlowRecord& r) {
    core::FlowRecord& rec = scratch;
    rec = r;
    rec.samplingInterval = sampler.Interval();
    rec.observationDomain = 0;
    if (asTable.Size() > 0) {
      rec.srcAs = asTable.Lookup(rec.key.src);
      rec.dstAs = asTable.Lookup(rec.key.dst);
    }
    if (!config.exportMacs) {
      rec.srcMac = {};
      rec.dstMac = {};
    }
    if (observer) observer(rec);
    if (process.Export(rec, cache.Clock().Now())) {
      ++stats.flowsExported;
    } else {
      ++stats.flowsNotExportable;
    }
  }

  void Sync() {
    stats.messages = process.Messages();
    stats.exportOctets = process.OctetsSent();
    stats.evictedCacheFull = cache.EvictedCacheFull();
    stats.peakActiveFlows = cache.PeakSize();
  }

  ExporterConfig config;
  Sampler sampler;
  FlowCache cache;
  ExportingProcess process;
  wire::PacketDecoder decoder;
  AsTable asTable;
  ExporterStats stats;
  std::function<void(const core::FlowRecord&)> observer;
  core::FlowRecord scratch;
  wire::DecodedPacket pkt;
  bool started = false;
  bool finished = false;
};

Exporter::Exporter(ExporterConfig config) : m_impl(std::make_unique<Impl>(std::move(config))) {}
Exporter::~Exporter() {
  if (m_impl && m_impl->started) Finish();
}
Exporter::Exporter(Exporter&&) noexcept = default;
Exporter& Exporter::operator=(Exporter&&) noexcept = default;

core::Status Exporter::Start() {
  Impl& d = *m_impl;
  if (!d.config.asTablePath.empty()) VANTAGE_RETURN_IF_ERROR(d.asTable.Load(d.config.asTablePath));
  VANTAGE_RETURN_IF_ERROR(d.process.Open());
  d.started = true;
  return {};
}

void Exporter::OnPacket(core::Timestamp ts, LinkType link, const uint8_t* data, size_t capLen,
                        size_t wireLen, uint32_t ingressIf, uint32_t egressIf) {
  Impl& d = *m_impl;
  if (d.stats.packets++ == 0) d.process.SetSystemInitTime(ts);
  wire::DecodedPacket& p = d.pkt;
  wire::DecodeResult r = d.decoder.Decode(link, data, capLen, wireLen, p);
  if (r != wire::DecodeResult::kOk) {
    if (r == wire::DecodeResult::kNotIp)
      ++d.stats.nonIp;
    else
      ++d.stats.decodeErrors;
    d.cache.Advance(ts);
    d.process.Tick(d.cache.Clock().Now());
    return;
  }
  d.stats.octets += p.ipOctets;
  if (!d.sampler.Select()) {
    ++d.stats.sampledOut;
    d.cache.Advance(ts);
    d.process.Tick(d.cache.Clock().Now());
    return;
  }
  core::FlowKey key;
  key.src = p.src;
  key.dst = p.dst;
  key.srcPort = p.srcPort;
  key.dstPort = p.dstPort;
  key.protocol = p.protocol;
  if (d.config.key.tos) key.tos = p.tos;
  if (d.config.key.vlan) key.vlan = p.vlan;
  if (d.config.key.ingressInterface) key.ingressInterface = ingressIf;
  d.cache.Update(ts, key, p, egressIf);
  d.process.Tick(d.cache.Clock().Now());
}

void Exporter::Advance(core::Timestamp now) {
  m_impl->cache.Advance(now);
  m_impl->process.Tick(m_impl->cache.Clock().Now());
  m_impl->Sync();
}

void Exporter::Finish() {
  Impl& d = *m_impl;
  if (d.finished) return;
  d.finished = true;
  d.cache.Finish();
  ExportCounters c;
  c.ignoredPackets = d.stats.decodeErrors + d.stats.nonIp;
  c.notSentFlows = d.stats.flowsNotExportable;
  d.process.Finish(d.cache.Clock().Now(), c);
  d.Sync();
}

const ExporterStats& Exporter::Stats() const {
  Impl& d = *m_impl;
  d.Sync();
  d.stats.anomalies = d.decoder.Anomalies();
  d.stats.anomalies.Merge(d.process.Anomalies());
  return d.stats;
}

size_t Exporter::ActiveFlows() const {
  return m_impl->cache.Size();
}

void Exporter::SetRecordObserver(std::function<void(const core::FlowRecord&)> observer) {
  m_impl->observer = std::move(observer);
}

}  // namespace vantage::exporter
