// Flow-log metering of a pcap file (see flow-log-pcap.h).
#include "vantage/exporter/flow-log-pcap.h"

#include "vantage/exporter/pcap-io.h"
#include "vantage/wire/packet-decoder.h"

namespace vantage::exporter {

namespace wfl = wire::flowlog;

namespace {

FlowLogPacket ToFlowLogPacket(const PcapPacket& pkt, const wire::DecodedPacket& d,
                              const FlowLogPcapOptions& o) {
  // Without the interface's address every packet is taken as leaving it.
  const core::IpAddress own = o.interfaceAddress.value_or(core::IpAddress{});
  const bool egress = !own.IsSet() || d.src == own;
  return MakeFlowLogPacket(d, pkt.ts, o.interfaceId,
                           egress ? wfl::Direction::kEgress : wfl::Direction::kIngress, own,
                           o.settings.provider);
}

}  // namespace

core::Result<FlowLogPcapResult> MeterPcapFlowLog(const std::string& pcapPath,
                                                 const FlowLogPcapOptions& options) {
  PcapSource src;
  VANTAGE_RETURN_IF_ERROR(src.OpenFile(pcapPath));
  FlowLogMeter meter(options.settings, options.seed);
  meter.AddInterface(options.interfaceId);
  wire::PacketDecoder decoder;
  FlowLogPcapResult res;
  PcapPacket pkt;
  core::Timestamp last;
  for (;;) {
    const auto r = src.Next(pkt);
    if (r == PcapSource::NextResult::kEnd) break;
    if (r == PcapSource::NextResult::kError) return src.GetError();
    if (r != PcapSource::NextResult::kPacket) continue;
    ++res.frames;
    wire::DecodedPacket d;
    const auto dr = decoder.Decode(src.Link(), pkt.data, pkt.capLen, pkt.wireLen, d);
    if (dr == wire::DecodeResult::kNotIp) {
      ++res.notIp;
      continue;
    }
    if (dr != wire::DecodeResult::kOk) {
      ++res.undecodable;
      continue;
    }
    // Windows (and NODATA) start at the first packet's: its OnPacket or Advance opens them.
    last = std::max(last, pkt.ts);
    meter.OnPacket(ToFlowLogPacket(pkt, d, options));
    meter.Advance(last);
  }
  res.records = meter.Finish(core::Timestamp::FromNanos(last.ns + 1));  // every record
  res.stats = meter.Stats();
  return res;
}

}  // namespace vantage::exporter
