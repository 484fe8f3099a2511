// Provider and format names, the providers' default settings, and the dispatch of ParseFile
// and WriteFile to each provider's reader and writer (formats.h).
#include "vantage/wire/flowlog/flow-log.h"

#include "flowlog/formats.h"

namespace vantage::wire::flowlog {

const char* ProviderName(Provider p) {
  switch (p) {
    case Provider::kAws:
      return "aws";
    case Provider::kGcp:
      return "gcp";
    case Provider::kAzure:
      return "azure";
  }
  return "?";
}

std::optional<Provider> ProviderFromName(std::string_view name) {
  for (Provider p : {Provider::kAws, Provider::kGcp, Provider::kAzure}) {
    if (name == ProviderName(p)) return p;
  }
  return std::nullopt;
}

namespace {

constexpr uint32_t V4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

/// What a provider's link-local or platform service address is, or nullptr if `a` is none.
const char* ServiceAt(Provider p, const core::IpAddress& a) {
  if (!a.IsV4()) return nullptr;
  const uint32_t v = a.V4Value();
  if (v == V4(169, 254, 169, 254)) return "metadata-service";  // every provider's IMDS
  switch (p) {
    case Provider::kAws:
      if (v == V4(169, 254, 169, 123)) return "time-service";  // Amazon Time Sync
      if (v == V4(169, 254, 169, 253)) return "provider-dns";  // the link-local resolver
      // The KMS servers of Windows license activation.
      if (v == V4(169, 254, 169, 250) || v == V4(169, 254, 169, 251)) return "link-local";
      return nullptr;
    case Provider::kGcp:
      return nullptr;  // the metadata server is also every VM's DNS resolver
    case Provider::kAzure:
      // The platform's virtual public IP: DNS, DHCP, health probes.
      return v == V4(168, 63, 129, 16) ? "metadata-service" : nullptr;
  }
  return nullptr;
}

}  // namespace

const char* UnloggedReason(Provider provider, const core::IpAddress& src,
                           const core::IpAddress& dst, uint16_t srcPort, uint16_t dstPort,
                           uint8_t protocol) {
  constexpr uint8_t kTcp = 6, kUdp = 17;
  const char* service = ServiceAt(provider, dst);
  if (service == nullptr) service = ServiceAt(provider, src);
  if (service != nullptr) {
    const bool dns = (protocol == kTcp || protocol == kUdp) && (srcPort == 53 || dstPort == 53);
    return dns ? "provider-dns" : service;
  }
  auto dhcpPort = [](uint16_t port) { return port == 67 || port == 68; };
  if (protocol == kUdp && dhcpPort(srcPort) && dhcpPort(dstPort)) return "dhcp";
  return nullptr;
}

const char* FileFormatName(FileFormat f) {
  switch (f) {
    case FileFormat::kAwsVpc:
      return "aws-vpc";
    case FileFormat::kGcpVpc:
      return "gcp-vpc";
    case FileFormat::kAzureVnet:
      return "azure-vnet";
  }
  return "?";
}

std::optional<FileFormat> FileFormatFromName(std::string_view name) {
  for (FileFormat f : {FileFormat::kAwsVpc, FileFormat::kGcpVpc, FileFormat::kAzureVnet}) {
    if (name == FileFormatName(f)) return f;
  }
  return std::nullopt;
}

Provider ProviderOf(FileFormat f) {
  switch (f) {
    case FileFormat::kGcpVpc:
      return Provider::kGcp;
    case FileFormat::kAzureVnet:
      return Provider::kAzure;
    case FileFormat::kAwsVpc:
      break;
  }
  return Provider::kAws;
}

const char* ActionName(Action a) {
  return a == Action::kAccept ? "ACCEPT" : a == Action::kReject ? "REJECT" : "";
}

const char* LogStatusName(LogStatus s) {
  return s == LogStatus::kNoData ? "NODATA" : s == LogStatus::kSkipData ? "SKIPDATA" : "OK";
}

const char* DirectionName(Direction d) {
  return d == Direction::kIngress ? "ingress" : d == Direction::kEgress ? "egress" : "";
}

FileFormat FileFormatOf(Provider p) {
  switch (p) {
    case Provider::kGcp:
      return FileFormat::kGcpVpc;
    case Provider::kAzure:
      return FileFormat::kAzureVnet;
    case Provider::kAws:
      break;
  }
  return FileFormat::kAwsVpc;
}

// Defaults and their sources: docs/cloud-flow-logs.md. AWS: 600 s maximum aggregation interval,
// default format (version 2), traffic type ALL, S3 delivery about 10 minutes
// (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html). Google Cloud:
// 5 s aggregation, 0.5 flow sampling, all metadata
// (https://cloud.google.com/vpc/docs/flow-logs). Azure: VNet flow logs version 4, tuples
// per minute (https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview).
Settings Settings::Defaults(Provider p) {
  Settings s;
  s.provider = p;
  switch (p) {
    case Provider::kAws:
      s.aggregationIntervalS = 600;
      s.awsVersion = 2;
      s.trafficType = TrafficType::kAll;
      s.sampleRate = 1.0;
      s.deliveryDelayS = 600;
      break;
    case Provider::kGcp:
      s.aggregationIntervalS = 5;
      s.sampleRate = 0.5;
      s.includeMetadata = true;
      s.deliveryDelayS = 5;
      break;
    case Provider::kAzure:
      s.aggregationIntervalS = 60;
      s.azureVersion = 4;
      s.sampleRate = 1.0;
      s.deliveryDelayS = 60;
      break;
  }
  return s;
}

ReadResult ParseFile(FileFormat format, std::string_view text, const RecordSink& sink,
                     const ParseOptions& options) {
  switch (format) {
    case FileFormat::kGcpVpc:
      return detail::ParseGcp(text, sink, options);
    case FileFormat::kAzureVnet:
      return detail::ParseAzure(text, sink, options);
    case FileFormat::kAwsVpc:
      break;
  }
  return detail::ParseAws(text, sink, options);
}

ReadResult ParseFile(FileFormat format, std::string_view text) {
  std::vector<FlowLogRecord> records;
  ReadResult rr =
      ParseFile(format, text, [&records](FlowLogRecord& r) { records.push_back(std::move(r)); });
  rr.records = std::move(records);
  return rr;
}

std::string WriteFile(FileFormat format, const Settings& settings,
                      const std::vector<FlowLogRecord>& records) {
  switch (format) {
    case FileFormat::kGcpVpc:
      return detail::WriteGcp(settings, records);
    case FileFormat::kAzureVnet:
      return detail::WriteAzure(settings, records);
    case FileFormat::kAwsVpc:
      break;
  }
  return detail::WriteAws(settings, records);
}

core::FlowKey FlowLogRecord::Key() const {
  core::FlowKey k;
  k.src = src;
  k.dst = dst;
  k.srcPort = srcPort;
  k.dstPort = dstPort;
  k.protocol = protocol;
  return k;
}

void FlowLogRecord::SetKey(const core::FlowKey& key) {
  src = key.src;
  dst = key.dst;
  srcPort = key.srcPort;
  dstPort = key.dstPort;
  protocol = key.protocol;
}

core::FlowRecord ToFlowRecord(const FlowLogRecord& r) {
  core::FlowRecord f;
  f.key = r.Key();
  f.packets = r.packets;
  f.octets = r.octets;
  f.reversePackets = r.reversePackets;
  f.reverseOctets = r.reverseOctets;
  f.start = r.start;
  f.end = r.end;
  f.tcpFlags = r.tcpFlags;
  return f;
}

}  // namespace vantage::wire::flowlog
