// The run directory's CSV files (see run-tables.h), through core's CSV reader and writer.
#include "vantage/model/run-tables.h"

#include "vantage/core/csv.h"

namespace vantage::model {
namespace {

using core::ErrorCode;
using core::MakeError;

const std::vector<std::string> kGroundTruthColumns = {
    "id",          "label",     "behaviour",     "src_host", "dst_host",    "src_group",
    "dst_group",   "src_ip",    "src_port",      "dst_ip",   "dst_port",    "protocol",
    "nat_ip",      "nat_port",  "start_ns",      "end_ns",   "packets_fwd", "bytes_fwd",
    "packets_rev", "bytes_rev", "critical_asset"};

const std::vector<std::string> kNatColumns = {"time_ns",    "node",        "event",
                                              "protocol",   "inside_ip",   "inside_port",
                                              "outside_ip", "outside_port"};

std::string Num(uint64_t v) {
  return std::to_string(v);
}
std::string Addr(const core::IpAddress& a) {
  return a.IsSet() ? a.ToString() : std::string();
}

// The reader's remaining records as rows; `cells` holds an already read record that is a row
// too when `pending`.
template <typename Row, typename ReadRow>
core::Result<std::vector<Row>> ReadRows(core::CsvReader& reader, const core::CsvColumns& columns,
                                        std::vector<std::string> cells, bool pending,
                                        ReadRow readRow) {
  std::vector<Row> rows;
  while (true) {
    if (!pending) {
      auto more = reader.Next(cells);
      if (!more) return more.GetError();
      if (!*more) break;
    }
    pending = false;
    core::CsvRow row(cells, columns, reader.Where());
    Row r = readRow(row);
    if (!row.Ok()) return MakeError(ErrorCode::kParse, row.ErrorText());
    rows.push_back(std::move(r));
  }
  return rows;
}

GroundTruthFlow ReadGroundTruth(core::CsvRow& r) {
  GroundTruthFlow f;
  f.id = r.U64("id");
  f.label = r.Str("label");
  f.behaviour = r.Str("behaviour");
  f.srcHost = r.Str("src_host");
  f.dstHost = r.Str("dst_host");
  f.srcGroup = r.Str("src_group");
  f.dstGroup = r.Str("dst_group");
  f.srcIp = r.Ip("src_ip", false);
  f.dstIp = r.Ip("dst_ip", false);
  f.srcPort = r.Port("src_port");
  f.dstPort = r.Port("dst_port");
  f.protocol = static_cast<uint8_t>(r.Bounded("protocol", 255));
  f.natIp = r.Ip("nat_ip", true);
  f.natPort = r.Port("nat_port");
  f.startNs = r.I64("start_ns");
  f.endNs = r.I64("end_ns");
  f.packetsFwd = r.U64("packets_fwd");
  f.bytesFwd = r.U64("bytes_fwd");
  f.packetsRev = r.U64("packets_rev");
  f.bytesRev = r.U64("bytes_rev");
  f.criticalAsset = r.Str("critical_asset");
  return f;
}

NatEventRow ReadNatEvent(core::CsvRow& r) {
  NatEventRow e;
  e.timeNs = r.I64("time_ns");
  e.node = r.Str("node");
  e.event = static_cast<int>(r.Bounded("event", 255));
  e.protocol = static_cast<uint8_t>(r.Bounded("protocol", 255));
  e.insideIp = r.Ip("inside_ip", true);
  e.insidePort = r.Port("inside_port");
  e.outsideIp = r.Ip("outside_ip", true);
  e.outsidePort = r.Port("outside_port");
  return e;
}

}  // namespace

std::string FormatGroundTruth(const std::vector<GroundTruthFlow>& rows) {
  std::string out;
  core::AppendCsvRow(out, kGroundTruthColumns);
  for (const auto& f : rows) {
    const bool nat = f.Natted();
    core::AppendCsvRow(out, {Num(f.id),
                             f.label,
                             f.behaviour,
                             f.srcHost,
                             f.dstHost,
                             f.srcGroup,
                             f.dstGroup,
                             Addr(f.srcIp),
                             Num(f.srcPort),
                             Addr(f.dstIp),
                             Num(f.dstPort),
                             Num(f.protocol),
                             Addr(f.natIp),
                             nat ? Num(f.natPort) : std::string(),
                             std::to_string(f.startNs),
                             std::to_string(f.endNs),
                             Num(f.packetsFwd),
                             Num(f.bytesFwd),
                             Num(f.packetsRev),
                             Num(f.bytesRev),
                             f.criticalAsset});
  }
  return out;
}

core::Result<std::vector<GroundTruthFlow>> ParseGroundTruth(const std::string& text,
                                                            const std::string& name) {
  core::CsvReader reader(text, name);
  std::vector<std::string> header;
  auto more = reader.Next(header);
  if (!more) return more.GetError();
  if (header.empty()) return MakeError(ErrorCode::kParse, name + ":1: missing header line");
  core::CsvColumns columns(header);
  for (const char* required : {"id", "src_ip", "dst_ip", "protocol", "start_ns", "end_ns"}) {
    if (columns.Find(required) < 0) {
      return MakeError(ErrorCode::kParse, name + ":1: header has no column '" + required + "'");
    }
  }
  return ReadRows<GroundTruthFlow>(reader, columns, {}, false, ReadGroundTruth);
}

std::string FormatNatEvents(const std::vector<NatEventRow>& rows) {
  std::string out;
  core::AppendCsvRow(out, kNatColumns);
  for (const auto& e : rows) {
    core::AppendCsvRow(
        out, {std::to_string(e.timeNs), e.node, std::to_string(e.event), Num(e.protocol),
              Addr(e.insideIp), Num(e.insidePort), Addr(e.outsideIp), Num(e.outsidePort)});
  }
  return out;
}

core::Result<std::vector<NatEventRow>> ParseNatEvents(const std::string& text,
                                                      const std::string& name) {
  core::CsvReader reader(text, name);
  std::vector<std::string> first;
  auto more = reader.Next(first);
  if (!more) return more.GetError();
  const bool hasHeader = !first.empty() && first[0].rfind("time_ns", 0) == 0;
  core::CsvColumns columns(hasHeader ? first : kNatColumns);
  return ReadRows<NatEventRow>(reader, columns, first, *more && !hasHeader, ReadNatEvent);
}

std::string FormatFirewallLog(const std::vector<FirewallDropRow>& rows) {
  std::string out;
  for (const auto& d : rows) {
    core::AppendCsvRow(out, {std::to_string(d.timeNs), d.node, "deny", d.rule, Num(d.protocol),
                             Addr(d.srcIp), Num(d.srcPort), Addr(d.dstIp), Num(d.dstPort)});
  }
  return out;
}

}  // namespace vantage::model
