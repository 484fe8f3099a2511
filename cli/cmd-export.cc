// `vantage export`: meter packets from a pcap file or a live interface into flows and export
// them (IPFIX, NetFlow v9 or v5 over UDP/TCP, IPFIX file), optionally keeping full packets.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "command.h"
#include "vantage/core/endpoint.h"
#include "vantage/exporter/exporter.h"
#include "vantage/exporter/flow-log-pcap.h"
#include "vantage/exporter/packet-pump.h"
#include "vantage/exporter/pcap-io.h"

namespace vantage::cli {
namespace {

using exporter::Destination;
using exporter::ExportFormat;

std::atomic<exporter::PacketPump*> g_pump{nullptr};

void OnSignal(int) {
  if (auto* p = g_pump.load()) p->Stop();
}

struct Options {
  std::string readFile;
  std::string iface;
  std::vector<std::string> to;
  std::string file;
  std::string format = "ipfix";
  double active = 1800;
  double inactive = 15;
  uint32_t sample = 1;
  std::string sampleMode = "count";
  uint64_t seed = 1;
  std::string capture;
  std::string captureFilter;
  uint32_t snaplen = 262144;
  uint64_t rotateSize = 0;
  double rotateTime = 0;
  size_t cacheSize = 65536;
  bool vlanKey = false;
  bool biflow = false;
  std::string tunnels = "outer";
  size_t fragmentTable = 4096;
  double fragmentTimeout = 30;
  std::string asTable;
  bool macs = false;
  bool nanoseconds = false;
  size_t mtu = 1500;
  double rate = 20000;
  uint32_t domain = 1;
  double templateRefresh = 600;
  uint32_t templateRefreshMessages = 100;
  bool quiet = false;
  // A cloud provider's flow log instead of flows (--flow-log).
  std::string flowLog;
  std::string flowLogAddress;
  uint32_t flowLogInterval = 0;  // 0 = the provider's default
  int flowLogVersion = 5;
  double flowLogSampling = 0;  // 0 = the provider's default
};

bool ParseFormat(const std::string& s, ExportFormat& out) {
  if (s == "ipfix")
    out = ExportFormat::kIpfix;
  else if (s == "v9" || s == "netflow9")
    out = ExportFormat::kNetflowV9;
  else if (s == "v5" || s == "netflow5")
    out = ExportFormat::kNetflowV5;
  else
    return false;
  return true;
}

/// "ipfix+udp://HOST:PORT", "v9+udp://...", "v5+udp://...", "ipfix+tcp://...", "udp://...".
bool ParseDestination(const std::string& url, Destination& d, std::string& format,
                      std::string& err) {
  auto e = core::ParseEndpoint(url);
  ExportFormat f = ExportFormat::kIpfix;
  if (!e) {
    err = e.GetError().message;
  } else if (!e->format.empty() && !ParseFormat(e->format, f)) {
    err = "unknown format '" + e->format + "' (ipfix, v9 or v5)";
  } else if (e->port == 0) {
    err = "port 0 is not a destination";
  } else {
    d.kind = e->Tcp() ? Destination::Kind::kTcp : Destination::Kind::kUdp;
    d.host = e->host;
    d.port = e->port;
    format = e->format;
    return true;
  }
  return false;
}

std::string Rate(double v) {
  char buf[32];
  if (v >= 1e6)
    std::snprintf(buf, sizeof(buf), "%.2fM", v / 1e6);
  else if (v >= 1e3)
    std::snprintf(buf, sizeof(buf), "%.1fk", v / 1e3);
  else
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  return buf;
}

/// --flow-log: the pcap metered as one provider interface, written in the provider's format.
int RunFlowLog(const Options& o) {
  namespace wfl = wire::flowlog;
  const auto format = wfl::FileFormatFromName(o.flowLog);
  if (!format) {
    std::cerr << "vantage export: --flow-log must be aws-vpc, gcp-vpc or azure-vnet, not '"
              << o.flowLog << "'\n";
    return 2;
  }
  if (o.readFile.empty() || o.file.empty()) {
    std::cerr << "vantage export: --flow-log needs -r FILE.pcap and --file OUT\n";
    return 2;
  }
  const wfl::Provider provider = wfl::ProviderOf(*format);
  exporter::FlowLogPcapOptions opt;
  opt.settings = wfl::Settings::Defaults(provider);
  opt.settings.awsVersion = o.flowLogVersion;
  if (o.flowLogInterval > 0) opt.settings.aggregationIntervalS = o.flowLogInterval;
  if (o.flowLogSampling > 0) opt.settings.sampleRate = o.flowLogSampling;
  opt.seed = o.seed;
  if (!o.flowLogAddress.empty()) {
    auto a = core::IpAddress::Parse(o.flowLogAddress);
    if (!a) {
      std::cerr << "vantage export: --flow-log-address: " << a.GetError().message << "\n";
      return 2;
    }
    opt.interfaceAddress = *a;
  }
  auto res = exporter::MeterPcapFlowLog(o.readFile, opt);
  if (!res) {
    std::cerr << "vantage export: " << res.GetError().message << "\n";
    return 1;
  }
  const std::string text = wfl::WriteFile(*format, opt.settings, res->records);
  std::FILE* f = std::fopen(o.file.c_str(), "wb");
  if (f == nullptr || std::fwrite(text.data(), 1, text.size(), f) != text.size() ||
      std::fclose(f) != 0) {
    std::cerr << "vantage export: cannot write " << o.file << "\n";
    return 1;
  }
  if (!o.quiet) {
    std::fprintf(stderr,
                 "%llu frames, %llu records (%llu NODATA), %llu packets left out as the provider "
                 "does, %llu records sampled out, %llu not IP; wrote %s (%zu bytes)\n",
                 static_cast<unsigned long long>(res->frames),
                 static_cast<unsigned long long>(res->stats.records),
                 static_cast<unsigned long long>(res->stats.noDataRecords),
                 static_cast<unsigned long long>(res->stats.excludedPackets),
                 static_cast<unsigned long long>(res->stats.sampledOutRecords),
                 static_cast<unsigned long long>(res->notIp), o.file.c_str(), text.size());
  }
  return 0;
}

// The --to destinations (their scheme may set the format); false after printing why.
bool AddDestinations(const Options& o, exporter::ExporterConfig& cfg) {
  bool formatFromUrl = false;
  for (const auto& url : o.to) {
    Destination d;
    std::string fmt, err;
    if (!ParseDestination(url, d, fmt, err)) {
      std::cerr << "vantage export: --to " << url << ": " << err << "\n";
      return false;
    }
    if (!fmt.empty()) {
      ExportFormat f = cfg.format;
      ParseFormat(fmt, f);
      if (formatFromUrl && f != cfg.format) {
        std::cerr << "vantage export: all --to destinations must use one format\n";
        return false;
      }
      if (!formatFromUrl && o.format != "ipfix" && f != cfg.format) {
        std::cerr << "vantage export: --to " << url << " conflicts with --format " << o.format
                  << "\n";
        return false;
      }
      cfg.format = f;
      formatFromUrl = true;
    }
    if (d.kind == Destination::Kind::kTcp && cfg.format != ExportFormat::kIpfix) {
      std::cerr << "vantage export: --to " << url << ": TCP export is IPFIX only\n";
      return false;
    }
    cfg.destinations.push_back(d);
  }
  if (!o.file.empty()) {
    Destination d;
    d.kind = Destination::Kind::kFile;
    d.path = o.file;
    cfg.destinations.push_back(d);
  }
  return true;
}

// Timeouts, sampling, key and encoding options; false after printing why.
bool SetMetering(const Options& o, exporter::ExporterConfig& cfg) {
  if (o.active <= 0 || o.inactive <= 0) {
    std::cerr << "vantage export: --active and --inactive must be positive\n";
    return false;
  }
  cfg.cache.activeTimeout = core::Duration::Seconds(o.active);
  cfg.cache.inactiveTimeout = core::Duration::Seconds(o.inactive);
  cfg.cache.capacity = o.cacheSize == 0 ? 1 : o.cacheSize;
  if (o.sample > 1) {
    if (o.sampleMode == "count")
      cfg.sampling.mode = exporter::SamplingConfig::Mode::kCount;
    else if (o.sampleMode == "random")
      cfg.sampling.mode = exporter::SamplingConfig::Mode::kRandom;
    else {
      std::cerr << "vantage export: --sample-mode must be count or random\n";
      return false;
    }
    cfg.sampling.interval = o.sample;
    cfg.sampling.seed = o.seed;
  }
  cfg.key.vlan = o.vlanKey;
  cfg.key.biflow = o.biflow;
  cfg.tunnels = o.tunnels == "inner" ? wire::TunnelMode::kInner : wire::TunnelMode::kOuter;
  cfg.fragments.capacity = o.fragmentTable;
  cfg.fragments.timeout = core::Duration::Seconds(o.fragmentTimeout);
  cfg.asTablePath = o.asTable;
  cfg.exportMacs = o.macs;
  cfg.nanoseconds = o.nanoseconds;
  cfg.mtu = o.mtu;
  cfg.udpRateLimitPps = o.rate;
  cfg.observationDomain = o.domain;
  cfg.templateRefresh = core::Duration::Seconds(o.templateRefresh);
  cfg.templateRefreshMessages = o.templateRefreshMessages;
  return true;
}

// The export job from the command line; false after printing why (exit status 2).
bool MakeJob(const Options& o, exporter::ExportJob& job) {
  exporter::ExporterConfig& cfg = job.config;
  cfg.warning = [](const std::string& m) { std::cerr << "vantage export: " << m << "\n"; };
  if (!ParseFormat(o.format, cfg.format)) {
    std::cerr << "vantage export: --format must be ipfix, v9 or v5, not '" << o.format << "'\n";
    return false;
  }
  if (!AddDestinations(o, cfg)) return false;
  if (cfg.destinations.empty() && o.capture.empty()) {
    std::cerr << "vantage export: nothing to do: give --to, --file or --capture\n";
    return false;
  }
  if (!SetMetering(o, cfg)) return false;
  job.readFile = o.readFile;
  job.iface = o.iface;
  if (!o.capture.empty()) {
    exporter::CaptureConfig cc;
    cc.path = o.capture;
    cc.filter = o.captureFilter;
    cc.snapLength = o.snaplen;
    cc.rotateBytes = o.rotateSize;
    cc.rotateTime = core::Duration::Seconds(o.rotateTime);
    job.capture = cc;
  }
  return true;
}

void PrintSummary(const std::string& inputName, const exporter::ExportSummary& sum,
                  ExportFormat format, bool captured) {
  const auto& s = sum.stats;
  const double secs = sum.wallSeconds;
  std::fprintf(stderr,
               "%s: %llu packets (%llu octets IP), %llu flows exported as %s in %llu messages "
               "(%llu bytes), %.2f s, %s pkt/s\n",
               inputName.c_str(), static_cast<unsigned long long>(s.packets),
               static_cast<unsigned long long>(s.octets),
               static_cast<unsigned long long>(s.flowsExported), exporter::ExportFormatName(format),
               static_cast<unsigned long long>(s.messages),
               static_cast<unsigned long long>(s.exportOctets), secs,
               Rate(secs > 0 ? static_cast<double>(s.packets) / secs : 0).c_str());
  std::fprintf(stderr,
               "  peak active flows %llu, not exportable %llu, evicted (cache full) %llu, "
               "sampled out %llu, not IP %llu, undecodable %llu",
               static_cast<unsigned long long>(s.peakActiveFlows),
               static_cast<unsigned long long>(s.flowsNotExportable),
               static_cast<unsigned long long>(s.evictedCacheFull),
               static_cast<unsigned long long>(s.sampledOut),
               static_cast<unsigned long long>(s.nonIp),
               static_cast<unsigned long long>(s.decodeErrors));
  if (captured) {
    std::fprintf(stderr, ", captured %llu packets in %llu file(s)",
                 static_cast<unsigned long long>(sum.capturedPackets),
                 static_cast<unsigned long long>(sum.captureFiles));
  }
  std::fprintf(stderr, "\n");
  for (const auto& [name, count] : s.anomalies.All()) {
    std::fprintf(stderr, "  %s: %llu\n", name.c_str(), static_cast<unsigned long long>(count));
  }
}

int Run(const Options& o) {
  if (!o.flowLog.empty()) return RunFlowLog(o);
  exporter::ExportJob job;
  if (!MakeJob(o, job)) return 2;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  job.progressEvery = tty ? std::chrono::seconds(1) : std::chrono::seconds(10);
  exporter::PacketPump pump(job);
  if (auto st = pump.Open(); !st) {
    std::cerr << "vantage export: " << st.GetError().message << "\n";
    return 1;
  }
  const std::string inputName = pump.InputName();
  exporter::ExportProgressFn progress;
  if (!o.quiet) {
    progress = [&](const exporter::ExportProgress& p) {
      std::fprintf(stderr, "%s%s: %llu packets, %zu active flows, %llu flows exported, %s pkt/s%s",
                   tty ? "\r" : "", inputName.c_str(), static_cast<unsigned long long>(p.packets),
                   p.activeFlows, static_cast<unsigned long long>(p.flowsExported),
                   Rate(static_cast<double>(p.packets) / p.wallSeconds).c_str(),
                   tty ? "   " : "\n");
    };
  }
  g_pump = &pump;
  auto oldInt = std::signal(SIGINT, OnSignal);
  auto oldTerm = std::signal(SIGTERM, OnSignal);
  exporter::ExportSummary sum = pump.Run(progress);
  g_pump = nullptr;
  std::signal(SIGINT, oldInt);
  std::signal(SIGTERM, oldTerm);
  const bool newline = sum.progressReported && tty;  // end the rewritten progress line
  if (sum.inputError) {
    std::cerr << (newline ? "\n" : "") << "vantage export: " << sum.inputError->message << "\n";
  } else if (newline) {
    std::fprintf(stderr, "\n");
  }
  if (!o.quiet) PrintSummary(inputName, sum, job.config.format, job.capture.has_value());
  return sum.inputError ? 1 : 0;
}

// Flow metering: timeouts, cache, sampling, key, tunnels, fragments, AS table, encoding.
void AddMeteringOptions(CLI::App& app, Options& o) {
  app.add_option("--active", o.active,
                 "Active timeout in seconds: a longer flow is exported in parts")
      ->capture_default_str();
  app.add_option("--inactive", o.inactive, "Inactive (idle) timeout in seconds")
      ->capture_default_str();
  app.add_option("--cache-size", o.cacheSize,
                 "Flow cache capacity; when full the least recently seen flow is exported "
                 "(reason lackOfResources)")
      ->capture_default_str();
  app.add_option("--sample", o.sample, "Meter 1 in N packets (1 = every packet)")
      ->capture_default_str();
  app.add_option("--sample-mode", o.sampleMode,
                 "count (the first of every N) or random (each packet with probability 1/N)")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of random sampling")->capture_default_str();
  app.add_flag("--vlan-key", o.vlanKey, "Put the VLAN id in the flow key (default: off)");
  app.add_flag("--biflow", o.biflow, "Export biflows (RFC 5103, IPFIX only) (default: off)");
  app.add_option("--tunnels", o.tunnels,
                 "GRE, VXLAN, IP-in-IP, IPv6-in-IPv4, GTP-U: meter the outer packet (as "
                 "routers do) or the innermost one (outer endpoints exported in enterprise "
                 "IEs, VXLAN VNI in layer2SegmentId)")
      ->check(CLI::IsMember({"outer", "inner"}))
      ->capture_default_str();
  app.add_option("--fragment-table", o.fragmentTable,
                 "Datagrams remembered so later fragments join their first fragment's flow")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--fragment-timeout", o.fragmentTimeout,
                 "Seconds a datagram's first fragment is remembered")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--as-table", o.asTable,
                 "CSV of 'prefix,asn' lines for source/destination AS (default: none)");
  app.add_flag("--macs", o.macs, "Export source/destination MAC addresses (default: off)");
  app.add_flag("--nanoseconds", o.nanoseconds,
               "IPFIX: flowStart/EndNanoseconds instead of milliseconds (default: off)");
}

// Full capture beside flows, and how export messages are sent.
void AddCaptureAndSendingOptions(CLI::App& app, Options& o) {
  app.add_option("--capture", o.capture,
                 "Also write the packets to this pcap file (full capture beside flows)");
  app.add_option("--capture-filter", o.captureFilter,
                 "BPF expression: capture only matching packets (default: all)");
  app.add_option("--snaplen", o.snaplen, "Capture snap length in bytes")->capture_default_str();
  app.add_option("--rotate-size", o.rotateSize,
                 "Start a new capture file after this many bytes (0 = never); files are "
                 "named OUT-000000.pcap, OUT-000001.pcap, ...")
      ->capture_default_str();
  app.add_option("--rotate-time", o.rotateTime,
                 "Start a new capture file every S seconds of packet time (0 = never)")
      ->capture_default_str();
  app.add_option("--mtu", o.mtu, "Path MTU: UDP export messages fit in MTU - 48 bytes")
      ->capture_default_str();
  app.add_option("--rate", o.rate, "UDP pacing in export messages per second (0 = unpaced)")
      ->capture_default_str();
  app.add_option("--domain", o.domain, "Observation domain id (v9 source id, v5 engine id)")
      ->capture_default_str();
  app.add_option("--template-refresh", o.templateRefresh,
                 "UDP: resend templates every S seconds of packet time")
      ->capture_default_str();
  app.add_option("--template-refresh-messages", o.templateRefreshMessages,
                 "UDP: resend templates every N messages")
      ->capture_default_str();
}

// --flow-log: a cloud provider's flow log instead of flows (docs/cloud-flow-logs.md).
void AddFlowLogOptions(CLI::App& app, Options& o) {
  app.add_option("--flow-log", o.flowLog,
                 "Instead of flows, write the capture as a cloud provider's flow log of one "
                 "interface to --file: aws-vpc, gcp-vpc or azure-vnet "
                 "(docs/cloud-flow-logs.md)");
  app.add_option("--flow-log-address", o.flowLogAddress,
                 "The logged interface's address: packets from it are egress, to it ingress "
                 "(default: every packet egress)");
  app.add_option("--flow-log-interval", o.flowLogInterval,
                 "Aggregation window in seconds (default: the provider's, AWS 600, Google "
                 "Cloud 5, Azure 60)");
  app.add_option("--flow-log-version", o.flowLogVersion, "AWS format version 2..5")
      ->check(CLI::Range(2, 5))
      ->capture_default_str();
  app.add_option("--flow-log-sampling", o.flowLogSampling,
                 "Google Cloud flow sampling 0 < x <= 1 (default 0.5); --seed fixes it")
      ->check(CLI::Range(0.0, 1.0));
}

Registrar reg{
    "export", "Meter packets (pcap file or live interface) into flows and export them",
    [](CLI::App& app) -> Runner {
      auto o = std::make_shared<Options>();
      app.footer(
          "Flow expiry follows the packet timestamps (the packet clock), for files exactly as\n"
          "for live traffic, so the same input gives byte-identical export. Examples:\n"
          "  vantage export -r in.pcap --file flows.ipfix\n"
          "  vantage export -r in.pcap --to v9+udp://127.0.0.1:2055 --active 60\n"
          "  vantage export -r in.pcap --flow-log aws-vpc --flow-log-address 10.0.1.5 --file "
          "eni.log\n"
          "  vantage export -i eth0 --to ipfix+tcp://10.0.0.5:4739 --capture ssh.pcap "
          "--capture-filter 'tcp port 22' --rotate-size 100000000");
      auto* input = app.add_option_group("input", "exactly one of -r / -i");
      input->add_option("-r,--read", o->readFile, "Read packets from this pcap/pcapng file")
          ->check(CLI::ExistingFile);
      input->add_option("-i,--interface", o->iface, "Capture live on this interface (needs root)");
      input->require_option(1);
      app.add_option("--to", o->to,
                     "Export destination, repeatable: ipfix+udp://HOST:PORT, v9+udp://HOST:PORT, "
                     "v5+udp://HOST:PORT, ipfix+tcp://HOST:PORT ([::1]:PORT for IPv6); "
                     "the scheme's format overrides --format");
      app.add_option("--file", o->file,
                     "Also write the export to this file (IPFIX file per RFC 5655; for v9/v5 "
                     "the raw packets one after another)");
      app.add_option("--format", o->format, "Export format: ipfix, v9 or v5 (v5 carries IPv4 only)")
          ->capture_default_str();
      AddMeteringOptions(app, *o);
      AddCaptureAndSendingOptions(app, *o);
      AddFlowLogOptions(app, *o);
      app.add_flag("-q,--quiet", o->quiet, "No progress and no summary on stderr");
      return [o] { return Run(*o); };
    },
    20};

}  // namespace
}  // namespace vantage::cli
