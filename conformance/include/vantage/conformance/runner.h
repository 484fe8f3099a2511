// Running an exporter under test on a pcap and collecting what it emits: built-in adapters
// for Vantage's own exporter and the flow exporters packaged in Debian, each with the
// declaration of the settings it passes on the command line, and command templates for any
// other exporter. Export arrives over UDP at our collector on 127.0.0.1 (port chosen by the
// kernel) or as a file; a hung exporter is killed after a timeout.
//
//   auto adapter = ResolveAdapter("softflowd");          // or "cmd:yaf --in {pcap} ..."
//   RunConfig cfg; cfg.pcap = "in.pcap"; cfg.workDir = "out/";
//   RunOutput out = RunExporter(*adapter, cfg);
//   Score s = ScoreRecords(expected, out.records, adapter->declaration);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vantage/conformance/declaration.h"
#include "vantage/conformance/score.h"
#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/core/time.h"

namespace vantage::conformance {

/// @brief Where an exporter's output goes and how it is read back.
enum class OutputKind {
  kUdp,        ///< NetFlow v5/v9 or IPFIX datagrams to {host}:{port}, our collector
  kIpfixFile,  ///< an IPFIX file (RFC 5655) written to {out}
  kNfdump,     ///< nfcapd files in the directory {out}, read back with nfdump
  kArgus,      ///< an argus file {out}, read back with ra
};

struct Adapter {
  std::string name;
  std::string description;
  /// Shell command; placeholders {pcap} {host} {port} {out} {conf} {vantage}.
  std::string command;
  /// Written to {conf} before the run (placeholders expanded), when not empty.
  std::string configFile;
  OutputKind output = OutputKind::kUdp;
  std::string executable;  ///< what must be on PATH ("" for cmd: templates)
  Declaration declaration;
};

/// @brief The built-in adapters: vantage, softflowd, pmacctd, nfpcapd, argus.
const std::vector<Adapter>& BuiltinAdapters();
/// @brief A built-in adapter by name, or "cmd:TEMPLATE" (UDP when the template has {port},
/// otherwise an IPFIX file at {out}). Errors list the known names.
core::Result<Adapter> ResolveAdapter(const std::string& spec);

struct RunConfig {
  std::string pcap;
  std::string workDir;  ///< exporter's files, stdout and stderr go here
  core::Duration timeout = core::Duration::Seconds(120);
  /// After the exporter exits, keep receiving until no datagram came for this long.
  core::Duration drain = core::Duration::Seconds(1);
  std::string vantageBinary = "vantage";
  std::function<void(const std::string&)> progress;  ///< status lines (the CLI prints them)
};

struct RunOutput {
  std::vector<core::FlowRecord> records;
  RunInfo info;
  std::vector<std::string> problems;  ///< what went wrong (exporter, collector, reading back)
};

/// @brief Runs the exporter and collects its records. Never throws; problems are listed.
RunOutput RunExporter(const Adapter& adapter, const RunConfig& config);

/// @brief Replaces {name} placeholders; unknown placeholders stay as they are.
std::string ExpandTemplate(const std::string& text,
                           const std::vector<std::pair<std::string, std::string>>& values);

/// @brief Parses ra's output (-c , -n -u; fields stime ltime saddr sport daddr dport proto
/// spkts dpkts sbytes dbytes) into biflow records; bad lines are counted, never thrown.
std::vector<core::FlowRecord> ParseArgusCsv(const std::string& text, uint64_t* badLines);
/// @brief Parses nfdump's "fmt:%ts|..." output written by the nfpcapd adapter.
std::vector<core::FlowRecord> ParseNfdumpLines(const std::string& text, uint64_t* badLines);

}  // namespace vantage::conformance
