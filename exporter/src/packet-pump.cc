// The packet loop of `vantage export` (packet-pump.h).
#include "vantage/exporter/packet-pump.h"

#include <utility>

namespace vantage::exporter {

PacketPump::PacketPump(ExportJob job) : m_job(std::move(job)) {}

PacketPump::~PacketPump() = default;

std::string PacketPump::InputName() const {
  return m_job.readFile.empty() ? "interface " + m_job.iface : m_job.readFile;
}

core::Status PacketPump::Open() {
  VANTAGE_RETURN_IF_ERROR(m_job.readFile.empty() ? m_source.OpenLive(m_job.iface)
                                                 : m_source.OpenFile(m_job.readFile));
  m_exporter = std::make_unique<Exporter>(m_job.config);
  VANTAGE_RETURN_IF_ERROR(m_exporter->Start());
  if (m_job.capture) VANTAGE_RETURN_IF_ERROR(m_capture.Open(*m_job.capture, m_source.Dlt()));
  return {};
}

void PacketPump::Stop() {
  m_stop = true;
  m_source.BreakLoop();
}

void PacketPump::ReportProgress(const ExportProgressFn& progress, ExportSummary& summary) {
  auto now = std::chrono::steady_clock::now();
  if (now - m_lastReport < m_job.progressEvery) return;
  m_lastReport = now;
  const auto& s = m_exporter->Stats();
  ExportProgress p;
  p.packets = s.packets;
  p.activeFlows = m_exporter->ActiveFlows();
  p.flowsExported = s.flowsExported;
  p.wallSeconds = std::chrono::duration<double>(now - m_wallStart).count();
  progress(p);
  summary.progressReported = true;
}

ExportSummary PacketPump::Run(const ExportProgressFn& progress) {
  ExportSummary summary;
  m_wallStart = m_lastReport = std::chrono::steady_clock::now();
  const LinkType link = m_source.Link();
  PcapPacket pkt;
  uint64_t n = 0;
  while (m_exporter && !m_stop) {
    auto r = m_source.Next(pkt);
    if (r == PcapSource::NextResult::kEnd) break;
    if (r == PcapSource::NextResult::kError) {
      summary.inputError = m_source.GetError();
      break;
    }
    if (r == PcapSource::NextResult::kTimeout) {
      // A quiet live interface: the wall clock expires idle flows.
      auto wall = std::chrono::system_clock::now().time_since_epoch();
      m_exporter->Advance(core::Timestamp::FromNanos(
          std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count()));
      continue;
    }
    m_exporter->OnPacket(pkt.ts, link, pkt.data, pkt.capLen, pkt.wireLen);
    if (m_job.capture) m_capture.Write(pkt.ts, pkt.data, pkt.capLen, pkt.wireLen);
    if ((++n & 0xffff) == 0 && progress) ReportProgress(progress, summary);
  }
  if (m_exporter) {
    m_exporter->Finish();  // every flow seen so far is exported, also after an input error
    summary.stats = m_exporter->Stats();
  }
  m_capture.Close();
  summary.capturedPackets = m_capture.PacketsWritten();
  summary.captureFiles = m_capture.FilesWritten();
  summary.wallSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wallStart).count();
  return summary;
}

}  // namespace vantage::exporter
