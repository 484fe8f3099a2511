// Reads `flow_log:` settings (see flow-log-loader.h and docs/cloud-flow-logs.md).
#include "flow-log-loader.h"

#include <algorithm>
#include <cmath>

namespace vantage::model::detail {

namespace wfl = wire::flowlog;

namespace {

const std::vector<std::string> kProviders = {"aws", "gcp", "azure"};
const std::vector<std::string> kCommonKeys = {"provider", "account", "region", "network",
                                              "delivery_delay_s"};

std::vector<std::string> KeysOf(wfl::Provider p) {
  std::vector<std::string> keys = kCommonKeys;
  switch (p) {
    case wfl::Provider::kAws:
      keys.insert(keys.end(), {"version", "fields", "max_aggregation_interval", "traffic_type"});
      break;
    case wfl::Provider::kGcp:
      keys.insert(keys.end(), {"aggregation_interval", "flow_sampling", "metadata"});
      break;
    case wfl::Provider::kAzure:
      keys.insert(keys.end(), {"version"});
      break;
  }
  return keys;
}

std::string List(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// Google Cloud's aggregation intervals: INTERVAL_5_SEC .. INTERVAL_15_MIN.
struct GcpInterval {
  const char* name;
  uint32_t seconds;
};
const std::vector<GcpInterval> kGcpIntervals = {{"5s", 5},   {"30s", 30},  {"1m", 60},
                                                {"5m", 300}, {"10m", 600}, {"15m", 900}};

std::optional<uint32_t> GcpIntervalOf(const std::string& text) {
  for (const auto& g : kGcpIntervals) {
    if (text == g.name || text == std::to_string(g.seconds)) return g.seconds;
  }
  return std::nullopt;
}

void ParseAwsFields(Reader& r, const YAML::Node& n, const std::string& path,
                    const std::vector<std::string>& fields, wfl::Settings& s) {
  const std::string fp = Join(path, "fields");
  const auto& known = wfl::AwsFieldNames();
  std::vector<std::string> seen;
  int version = 2;
  for (size_t i = 0; i < fields.size(); ++i) {
    const YAML::Node at = n["fields"].IsSequence() ? n["fields"][i] : n["fields"];
    const std::string& f = fields[i];
    if (std::find(known.begin(), known.end(), f) == known.end()) {
      r.Error(at, Index(fp, i), "unknown AWS flow-log field '" + f + "'" + DidYouMean(f, known));
      continue;
    }
    if (std::find(seen.begin(), seen.end(), f) != seen.end()) {
      r.Error(at, Index(fp, i), "field '" + f + "' is listed twice");
      continue;
    }
    seen.push_back(f);
    for (int v = 2; v <= 5; ++v) {
      const auto d = wfl::AwsDefaultFields(v);
      if (std::find(d.begin(), d.end(), f) != d.end()) {
        version = std::max(version, v);
        break;
      }
    }
  }
  if (fields.empty()) r.Error(n["fields"], fp, "a custom format needs at least one field");
  s.awsFields = seen;
  s.awsVersion = version;
}

void ParseAws(Reader& r, const YAML::Node& n, const std::string& path, wfl::Settings& s) {
  if (n["version"].IsDefined() && n["fields"].IsDefined()) {
    r.Error(n["fields"], Join(path, "fields"),
            "give either version (a default format) or fields (a custom format), not both");
  }
  if (auto v = r.Integer(n, "version", path, false, 2, 5)) s.awsVersion = static_cast<int>(*v);
  if (auto f = r.StringList(n, "fields", path)) ParseAwsFields(r, n, path, *f, s);
  if (auto v = r.Integer(n, "max_aggregation_interval", path, false, 1, 3600)) {
    if (*v != 60 && *v != 600) {
      r.Error(n["max_aggregation_interval"], Join(path, "max_aggregation_interval"),
              "AWS allows 60 or 600 seconds, found " + std::to_string(*v));
    } else {
      s.aggregationIntervalS = static_cast<uint32_t>(*v);
    }
  }
  if (auto v = r.String(n, "traffic_type", path)) {
    std::string up = *v;
    std::transform(up.begin(), up.end(), up.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    if (up == "ALL") {
      s.trafficType = wfl::TrafficType::kAll;
    } else if (up == "ACCEPT") {
      s.trafficType = wfl::TrafficType::kAccept;
    } else if (up == "REJECT") {
      s.trafficType = wfl::TrafficType::kReject;
    } else {
      r.Error(n["traffic_type"], Join(path, "traffic_type"),
              "traffic_type must be ACCEPT, REJECT or ALL, found '" + *v + "'" +
                  DidYouMean(up, {"ACCEPT", "REJECT", "ALL"}));
    }
  }
}

void ParseGcp(Reader& r, const YAML::Node& n, const std::string& path, wfl::Settings& s) {
  if (auto v = r.String(n, "aggregation_interval", path)) {
    if (auto secs = GcpIntervalOf(*v)) {
      s.aggregationIntervalS = *secs;
    } else {
      std::vector<std::string> names;
      for (const auto& g : kGcpIntervals) names.emplace_back(g.name);
      r.Error(n["aggregation_interval"], Join(path, "aggregation_interval"),
              "Google Cloud aggregates over 5s, 30s, 1m, 5m, 10m or 15m, found '" + *v + "'" +
                  DidYouMean(*v, names));
    }
  }
  if (auto v = r.Number(n, "flow_sampling", path, false, 0, 1)) {
    if (*v <= 0) {
      r.Error(n["flow_sampling"], Join(path, "flow_sampling"),
              "flow_sampling must be above 0 (to log nothing, remove flow_log)");
    } else {
      s.sampleRate = *v;
    }
  }
  if (auto v = r.String(n, "metadata", path)) {
    if (*v == "include" || *v == "include_all") {
      s.includeMetadata = true;
    } else if (*v == "exclude" || *v == "exclude_all") {
      s.includeMetadata = false;
    } else {
      r.Error(n["metadata"], Join(path, "metadata"),
              "metadata must be include or exclude, found '" + *v + "'" +
                  DidYouMean(*v, {"include", "exclude"}));
    }
  }
}

/// Unknown keys with suggestions; a key of another provider says whose it is.
void CheckKeys(Reader& r, const YAML::Node& n, const std::string& path, wfl::Provider p) {
  std::vector<std::string> all;
  for (const auto other : {wfl::Provider::kAws, wfl::Provider::kGcp, wfl::Provider::kAzure}) {
    for (const auto& k : KeysOf(other)) {
      if (std::find(all.begin(), all.end(), k) == all.end()) all.push_back(k);
    }
  }
  r.ExpectMap(n, path, all);
  const std::vector<std::string> mine = KeysOf(p);
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string k = it->first.Scalar();
    if (std::find(all.begin(), all.end(), k) == all.end() ||
        std::find(mine.begin(), mine.end(), k) != mine.end()) {
      continue;
    }
    std::string owners;
    for (const auto other : {wfl::Provider::kAws, wfl::Provider::kGcp, wfl::Provider::kAzure}) {
      const auto keys = KeysOf(other);
      if (std::find(keys.begin(), keys.end(), k) != keys.end()) {
        owners += (owners.empty() ? "" : " or ") + std::string(wfl::ProviderName(other));
      }
    }
    r.Error(it->first, Join(path, k),
            "'" + k + "' is a " + owners + " flow-log setting; " + wfl::ProviderName(p) +
                " takes: " + List(mine));
  }
}

}  // namespace

std::optional<wfl::Settings> ParseFlowLog(Reader& r, const YAML::Node& n, const std::string& path) {
  if (!n.IsMap()) {
    r.ExpectMap(n, path, kCommonKeys);  // reports "expected a map"
    return std::nullopt;
  }
  auto name = r.String(n, "provider", path, true);
  if (!name) return std::nullopt;
  auto provider = wfl::ProviderFromName(*name);
  if (!provider) {
    r.Error(n["provider"], Join(path, "provider"),
            "unknown flow-log provider '" + *name + "'" + DidYouMean(*name, kProviders) +
                "; one of: " + List(kProviders));
    return std::nullopt;
  }
  const size_t before = r.ErrorCount();
  CheckKeys(r, n, path, *provider);
  wfl::Settings s = wfl::Settings::Defaults(*provider);
  switch (*provider) {
    case wfl::Provider::kAws:
      ParseAws(r, n, path, s);
      break;
    case wfl::Provider::kGcp:
      ParseGcp(r, n, path, s);
      break;
    case wfl::Provider::kAzure:
      if (auto v = r.Integer(n, "version", path, false, 1, 100); v && *v != 4) {
        r.Error(n["version"], Join(path, "version"),
                "Azure VNet flow logs write version 4 records, found " + std::to_string(*v));
      }
      break;
  }
  if (auto v = r.String(n, "account", path)) s.account = *v;
  if (auto v = r.String(n, "region", path)) s.region = *v;
  if (auto v = r.String(n, "network", path)) s.network = *v;
  if (auto v = r.Number(n, "delivery_delay_s", path, false, 0, 86400)) s.deliveryDelayS = *v;
  if (r.ErrorCount() != before) return std::nullopt;
  return s;
}

}  // namespace vantage::model::detail
