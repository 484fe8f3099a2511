// Cloud flow logs into the store (see flow-log-ingest.h).
#include "vantage/collector/flow-log-ingest.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <unordered_set>

namespace vantage::collector {

namespace {

using wire::flowlog::Action;
using wire::flowlog::Direction;
using wire::flowlog::FlowLogRecord;
using wire::flowlog::LogStatus;

constexpr const char* kMalformedAnomaly = "flowlog.malformed_line";

// Native fields that a column already holds, per provider: like IPFIX's raw_elements, the
// `native` column keeps what no other column says (so a row is not stored twice).
bool HeldByColumns(wire::flowlog::Provider p, std::string_view name) {
  static const std::unordered_set<std::string_view> aws{
      "interface-id", "srcaddr",     "dstaddr",     "srcport",       "dstport", "protocol",
      "packets",      "bytes",       "start",       "end",           "action",  "log-status",
      "tcp-flags",    "pkt-srcaddr", "pkt-dstaddr", "flow-direction"};
  static const std::unordered_set<std::string_view> gcp{"jsonPayload.connection.src_ip",
                                                        "jsonPayload.connection.dest_ip",
                                                        "jsonPayload.connection.src_port",
                                                        "jsonPayload.connection.dest_port",
                                                        "jsonPayload.connection.protocol",
                                                        "jsonPayload.bytes_sent",
                                                        "jsonPayload.packets_sent",
                                                        "jsonPayload.start_time",
                                                        "jsonPayload.end_time"};
  switch (p) {
    case wire::flowlog::Provider::kAws:
      return aws.count(name) > 0;
    case wire::flowlog::Provider::kGcp:
      return gcp.count(name) > 0;
    case wire::flowlog::Provider::kAzure:
      break;  // the tuple stays whole: its state and encryption have no column
  }
  return false;
}

bool PlainAscii(std::string_view t) {
  for (char c : t) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

// The native fields no column holds, as one JSON object ("" when none); "-" (AWS: absent) left
// out. Plain ASCII (every AWS field) is written directly: building an nlohmann object per
// record cost more than parsing the line; anything else goes through nlohmann's escaping.
std::string NativeJson(const FlowLogRecord& r) {
  std::string out = "{";
  bool plain = true;
  for (const auto& [name, value] : r.native) {
    if (value == "-" || HeldByColumns(r.provider, name)) continue;
    if (!PlainAscii(name) || !PlainAscii(value)) {
      plain = false;
      break;
    }
    if (out.size() > 1) out += ',';
    out += '"';
    out += name;
    out += "\":\"";
    out += value;
    out += '"';
  }
  if (plain) return out.size() > 1 ? out + "}" : std::string();
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [name, value] : r.native) {
    if (value != "-" && !HeldByColumns(r.provider, name)) j[name] = value;
  }
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

core::FlowRecord ToFlowRecord(const FlowLogRecord& r, bool keepNative) {
  core::FlowRecord f = wire::flowlog::ToFlowRecord(r);
  auto c = std::make_shared<core::CloudFlowFields>();
  c->provider = wire::flowlog::ProviderName(r.provider);
  c->action = wire::flowlog::ActionName(r.action);
  c->logStatus = wire::flowlog::LogStatusName(r.logStatus);
  c->direction = wire::flowlog::DirectionName(r.direction);
  c->pktSrc = r.pktSrc;
  c->pktDst = r.pktDst;
  c->interfaceId = r.interfaceId;
  if (keepNative && !r.native.empty()) c->nativeJson = NativeJson(r);
  f.cloud = std::move(c);
  return f;
}

core::Result<FlowLogIngestReport> IngestFlowLogText(Store& store, std::string_view text,
                                                    wire::flowlog::FileFormat format,
                                                    const std::string& name,
                                                    const FlowLogIngestOptions& options) {
  FlowLogIngestReport report;
  report.name = name;
  core::Status insertError;
  wire::flowlog::ParseOptions popts;
  popts.keepNative = options.keepNative;
  // The reader finds file-level problems before it hands over the first record, so a refused
  // file stores nothing.
  auto rr = wire::flowlog::ParseFile(
      format, text,
      [&](FlowLogRecord& r) {
        if (!insertError) return;
        insertError = store.Insert(ToFlowRecord(r, options.keepNative));
        if (insertError) ++report.records;
      },
      popts);
  if (!rr.fatal.empty()) {
    return core::MakeError(core::ErrorCode::kParse,
                           name + ": " + rr.fatal + " (nothing stored from this file)");
  }
  VANTAGE_RETURN_IF_ERROR(insertError);
  report.lines = rr.lines;
  report.malformed = rr.errors.size();
  if (rr.errors.size() > options.maxErrors) rr.errors.resize(options.maxErrors);
  report.errors = std::move(rr.errors);
  VANTAGE_RETURN_IF_ERROR(store.Flush());
  if (report.malformed > 0) {
    VANTAGE_RETURN_IF_ERROR(store.AddAnomalies({{kMalformedAnomaly, report.malformed}}));
  }
  return report;
}

core::Result<FlowLogIngestReport> IngestFlowLogFile(Store& store, const std::string& path,
                                                    wire::flowlog::FileFormat format,
                                                    const FlowLogIngestOptions& options) {
  // Mapped, not read into a string: a 250 MB log was held twice over by the string's growth
  // (peak RSS 644 MiB); mapped pages are the page cache's, read once, never copied.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return core::MakeError(core::ErrorCode::kIo,
                           "cannot open flow log '" + path + "': " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return core::MakeError(core::ErrorCode::kIo, "cannot read '" + path + "': not a file");
  }
  const auto size = static_cast<size_t>(st.st_size);
  void* map = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
  ::close(fd);
  if (map == MAP_FAILED) {
    return core::MakeError(core::ErrorCode::kIo,
                           "cannot map '" + path + "': " + std::strerror(errno));
  }
  if (map) ::madvise(map, size, MADV_SEQUENTIAL);
  std::string_view text(static_cast<const char*>(map), map ? size : 0);
  auto report = IngestFlowLogText(store, text, format, path, options);
  if (map) ::munmap(map, size);
  return report;
}

}  // namespace vantage::collector
