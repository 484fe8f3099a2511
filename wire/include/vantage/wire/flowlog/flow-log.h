// Cloud provider flow logs: AWS VPC Flow Logs, Google Cloud VPC Flow Logs and Azure VNet flow
// logs. They are not NetFlow: a provider aggregates each 5-tuple per interface over a fixed
// window aligned to the clock, may sample, leaves some traffic out entirely and names NAT its
// own way. One normalised record type serves every provider; each provider's files are read
// and written here (formats on disk belong to `wire`), metered in `exporter`, simulated in
// `sim`, stored by `collector` and weighed by `planner`.
//
//   Settings s = Settings::Defaults(Provider::kAws);      // version 2, 600 s, ALL
//   std::string text = WriteFile(FileFormat::kAwsVpc, s, records);
//   ReadResult rr = ParseFile(FileFormat::kAwsVpc, text); // bad lines in rr.errors, with numbers
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vantage/core/flow.h"
#include "vantage/core/ip-address.h"
#include "vantage/core/time.h"

namespace vantage::wire::flowlog {

enum class Provider : uint8_t { kAws, kGcp, kAzure };
const char* ProviderName(Provider p);  ///< "aws", "gcp", "azure"
std::optional<Provider> ProviderFromName(std::string_view name);

/// @brief The native file formats: AWS space-separated text with its header line, Google
/// Cloud JSON lines as exported from Cloud Logging, Azure VNet flow log JSON (version 4).
enum class FileFormat : uint8_t { kAwsVpc, kGcpVpc, kAzureVnet };
const char* FileFormatName(FileFormat f);  ///< "aws-vpc", "gcp-vpc", "azure-vnet"
std::optional<FileFormat> FileFormatFromName(std::string_view name);
FileFormat FileFormatOf(Provider p);
Provider ProviderOf(FileFormat f);

enum class Action : uint8_t { kNone, kAccept, kReject };         ///< AWS `action`; Azure D = reject
enum class LogStatus : uint8_t { kOk, kNoData, kSkipData };      ///< AWS `log-status`
enum class Direction : uint8_t { kUnknown, kIngress, kEgress };  ///< relative to the interface
enum class TrafficType : uint8_t { kAll, kAccept, kReject };     ///< AWS: which records are logged

/// @brief The providers' spellings, as AWS writes them; "" for kNone / kUnknown.
const char* ActionName(Action a);        ///< "ACCEPT", "REJECT"
const char* LogStatusName(LogStatus s);  ///< "OK", "NODATA", "SKIPDATA"
const char* DirectionName(Direction d);  ///< "ingress", "egress"

/// @brief A provider's flow-log settings (a topology's `flow_log:`), with the provider's own
/// defaults; docs/cloud-flow-logs.md lists each with its source.
struct Settings {
  Provider provider = Provider::kAws;
  /// Aggregation window, aligned to the clock. AWS: 60 or 600 (default 600). Google Cloud:
  /// 5 (default), 30, 60, 300, 600 or 900. Azure: 60 (fixed).
  uint32_t aggregationIntervalS = 600;
  // AWS
  int awsVersion = 2;                  ///< default format version 2..5
  std::vector<std::string> awsFields;  ///< custom format (native field names); empty = version
  TrafficType trafficType = TrafficType::kAll;
  // Google Cloud
  double sampleRate = 0.5;      ///< flow sampling, 0 < rate <= 1 (default 0.5)
  bool includeMetadata = true;  ///< instance/VPC/location annotations
  // Azure
  int azureVersion = 4;  ///< VNet flow logs (version 4 records)
  // Identity written into records (account, project or subscription; region; VPC/VNet).
  std::string account;
  std::string region;
  std::string network;  ///< VPC id / VPC name / VNet resource id
  /// Seconds from a window's end until the provider delivers its records (recorded, not
  /// waited for): AWS about 10 min at 600 s windows, Google Cloud a few seconds, Azure ~1 min.
  double deliveryDelayS = 0;

  /// @brief The provider's defaults (docs/cloud-flow-logs.md).
  static Settings Defaults(Provider p);
};

/// @brief Why `provider` never logs a packet between these endpoints by its own rules, or
/// nullptr if it does: "metadata-service" (169.254.169.254; Azure's 168.63.129.16 too),
/// "time-service" (AWS 169.254.169.123), "provider-dns" (AWS 169.254.169.253, and DNS to
/// any of the provider's service addresses: Google's and Azure's resolvers are those),
/// "link-local" (AWS's KMS servers 169.254.169.250/251) and "dhcp" (UDP between ports 67 and
/// 68). Addresses a deployment places (AWS VPC+2, a subnet's router) are the caller's to know.
/// The meter leaves such packets out; the planner names why a flow is not in a log with it.
const char* UnloggedReason(Provider provider, const core::IpAddress& src,
                           const core::IpAddress& dst, uint16_t srcPort, uint16_t dstPort,
                           uint8_t protocol);

/// @brief One flow-log record, normalised: one 5-tuple on one interface in one window.
struct FlowLogRecord {
  Provider provider = Provider::kAws;
  core::IpAddress src, dst;  ///< AWS srcaddr/dstaddr: the interface's view (after NAT)
  uint16_t srcPort = 0, dstPort = 0;
  uint8_t protocol = 0;
  uint64_t packets = 0, octets = 0;  ///< src -> dst in the window (sampled counts for GCP)
  uint64_t reversePackets = 0, reverseOctets = 0;  ///< Azure tuples carry dst -> src too
  core::Timestamp start, end;  ///< first and last packet in the window (AWS: whole seconds)
  uint8_t tcpFlags = 0;        ///< OR over the window (AWS v3+ `tcp-flags`)
  Action action = Action::kNone;
  LogStatus logStatus = LogStatus::kOk;  ///< NODATA / SKIPDATA records carry no 5-tuple
  Direction direction = Direction::kUnknown;
  /// AWS v3+ pkt-srcaddr/pkt-dstaddr: the addresses in the packet itself (differ from
  /// srcaddr/dstaddr behind a NAT gateway or for traffic through a middlebox). Unset = same.
  core::IpAddress pktSrc, pktDst;
  int trafficPath = 0;      ///< AWS v5 `traffic-path` 1..8, 0 = not applicable ("-")
  std::string interfaceId;  ///< AWS interface-id / GCP vm / Azure MAC of the NIC
  std::string instanceId;
  std::string subnetId;
  std::string reporter;       ///< Google Cloud: "SRC" or "DEST" (both endpoints may report)
  char azureState = 0;        ///< Azure flow state: 'B' begin, 'C' continuing, 'E' end, 'D' deny
  std::string rule;           ///< Azure rule / security group rule that decided, if known
  core::Timestamp delivered;  ///< when the provider made the record available (0 = unknown)
  std::string zone;           ///< AWS az-id / Google Cloud zone of the interface ("" unknown)
  std::string pktSrcAwsService, pktDstAwsService;  ///< AWS v5 (S3, ROUTE53, ...; "" none)
  std::string aclId;  ///< Azure aclID: the NSG or Virtual Network Manager rule set that decided
  /// Native fields as read from a file (name, text), in file order: what the collector keeps
  /// beside the normalised columns. Writers ignore it.
  std::vector<std::pair<std::string, std::string>> native;

  /// @brief The 5-tuple as a flow key (no VLAN, ToS or interface: logs carry none).
  core::FlowKey Key() const;
  /// @brief Sets src, dst, ports and protocol from `key`.
  void SetKey(const core::FlowKey& key);
};

/// @brief Every AWS field name the reader and writer know (versions 2 to 5), in version order.
const std::vector<std::string>& AwsFieldNames();
/// @brief The fields of AWS's default format of `version` (2..5); empty for other versions.
std::vector<std::string> AwsDefaultFields(int version);

/// @brief The record's normalised fields as a flow record (5-tuple, both directions' counters,
/// times, TCP flags): what the store, the detectors and the planner share with IPFIX records.
core::FlowRecord ToFlowRecord(const FlowLogRecord& r);

/// @brief A line the reader could not use.
struct LineError {
  uint64_t line = 0;  ///< 1-based
  std::string message;
};

struct ReadResult {
  std::vector<FlowLogRecord> records;
  std::vector<LineError> errors;  ///< malformed lines, counted and named; the rest is read
  uint64_t lines = 0;
  /// A file-level problem (not this format at all, header does not match the lines, truncated
  /// JSON document): empty when the file was readable.
  std::string fatal;
};

/// @brief Parses a whole file's text. Never throws; bounds-checked; every malformed line goes
/// to `errors` with its number and the rest is still returned.
ReadResult ParseFile(FileFormat format, std::string_view text);

/// @brief What the readers keep beside the normalised fields.
struct ParseOptions {
  bool keepNative = true;  ///< fill FlowLogRecord::native (costs memory and time)
};

/// @brief Called for each record in file order; the record may be moved from.
using RecordSink = std::function<void(FlowLogRecord&)>;

/// @brief Streaming form: every record goes to `sink` instead of `records` (which stays
/// empty), so a large file is never held twice. File-level problems (`fatal`) are found
/// before the first record is handed over, so a fatal file hands over nothing.
ReadResult ParseFile(FileFormat format, std::string_view text, const RecordSink& sink,
                     const ParseOptions& options = {});

/// @brief The file's text in the native format (AWS: header line first; Google Cloud: one
/// LogEntry JSON object per line; Azure: one JSON document with `records`). Byte-stable.
std::string WriteFile(FileFormat format, const Settings& settings,
                      const std::vector<FlowLogRecord>& records);

}  // namespace vantage::wire::flowlog
