// Flow-log names and provider defaults (see flow-log.h and docs/cloud-flow-logs.md): the
// provider, format and AWS field names shared by the topology loader, the meter and the
// readers and writers.
#include <array>

#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::wire::flowlog {

namespace {
constexpr std::array<const char*, 3> kProviderNames = {"aws", "gcp", "azure"};
constexpr std::array<const char*, 3> kFormatNames = {"aws-vpc", "gcp-vpc", "azure-vnet"};

/// AWS fields by the format version that introduced them (VPC User Guide, "Flow log records").
struct AwsField {
  const char* name;
  int version;
};
constexpr std::array<AwsField, 29> kAwsFields = {{
    {"version", 2},
    {"account-id", 2},
    {"interface-id", 2},
    {"srcaddr", 2},
    {"dstaddr", 2},
    {"srcport", 2},
    {"dstport", 2},
    {"protocol", 2},
    {"packets", 2},
    {"bytes", 2},
    {"start", 2},
    {"end", 2},
    {"action", 2},
    {"log-status", 2},
    {"vpc-id", 3},
    {"subnet-id", 3},
    {"instance-id", 3},
    {"tcp-flags", 3},
    {"type", 3},
    {"pkt-srcaddr", 3},
    {"pkt-dstaddr", 3},
    {"region", 4},
    {"az-id", 4},
    {"sublocation-type", 4},
    {"sublocation-id", 4},
    {"pkt-src-aws-service", 5},
    {"pkt-dst-aws-service", 5},
    {"flow-direction", 5},
    {"traffic-path", 5},
}};
}  // namespace

const char* ProviderName(Provider p) {
  return kProviderNames[static_cast<size_t>(p)];
}

std::optional<Provider> ProviderFromName(std::string_view name) {
  for (size_t i = 0; i < kProviderNames.size(); ++i) {
    if (name == kProviderNames[i]) return static_cast<Provider>(i);
  }
  return std::nullopt;
}

const char* FileFormatName(FileFormat f) {
  return kFormatNames[static_cast<size_t>(f)];
}

std::optional<FileFormat> FileFormatFromName(std::string_view name) {
  for (size_t i = 0; i < kFormatNames.size(); ++i) {
    if (name == kFormatNames[i]) return static_cast<FileFormat>(i);
  }
  return std::nullopt;
}

FileFormat FileFormatOf(Provider p) {
  return static_cast<FileFormat>(static_cast<uint8_t>(p));
}

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

const std::vector<std::string>& AwsFieldNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& f : kAwsFields) v.emplace_back(f.name);
    return v;
  }();
  return names;
}

std::vector<std::string> AwsDefaultFields(int version) {
  if (version < 2 || version > 5) return {};
  std::vector<std::string> v;
  for (const auto& f : kAwsFields) {
    if (f.version <= version) v.emplace_back(f.name);
  }
  return v;
}

}  // namespace vantage::wire::flowlog
