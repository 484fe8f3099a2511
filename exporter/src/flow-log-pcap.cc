// Flow-log metering of a pcap file (see flow-log-pcap.h).
#include "vantage/exporter/flow-log-pcap.h"

#include "vantage/exporter/pcap-io.h"
#include "vantage/wire/packet-decoder.h"

namespace vantage::exporter {

namespace wfl = wire::flowlog;

namespace {

FlowLogPacket ToFlowLogPacket(const PcapPacket& pkt, const wire::DecodedPacket& d,
                              const FlowLogPcapOptions& o) {
  FlowLogPacket f;
  f.time = pkt.ts;
  f.interfaceId = o.interfaceId;
  f.src = d.src;
  f.dst = d.dst;
  f.protocol = d.protocol;
  f.srcPort = d.hasIcmp ? 0 : d.srcPort;
  f.dstPort = d.hasIcmp ? 0 : d.dstPort;
  f.tcpFlags = d.tcpFlags;
  f.ipBytes = d.ipOctets;
  f.direction = wfl::Direction::kEgress;
  if (!o.interfaceAddress) return f;
  const core::IpAddress& own = *o.interfaceAddress;
  f.direction = d.src == own ? wfl::Direction::kEgress : wfl::Direction::kIngress;
  if (o.settings.provider != wfl::Provider::kAws) return f;
  // AWS names the interface's own address on its side; the packet's stays in pkt-*.
  if (f.direction == wfl::Direction::kIngress && d.dst != own) {
    f.pktDst = d.dst;
    f.dst = own;
  }
  return f;
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
    if (last.ns == 0) meter.Advance(pkt.ts);  // windows (and NODATA) start at the first packet
    last = std::max(last, pkt.ts);
    meter.OnPacket(ToFlowLogPacket(pkt, d, options));
    meter.Advance(last);
  }
  res.records = meter.TakeRecords();
  for (auto& rec : meter.Finish(core::Timestamp::FromNanos(last.ns + 1))) {
    res.records.push_back(std::move(rec));
  }
  res.stats = meter.Stats();
  return res;
}

}  // namespace vantage::exporter
