// `vantage conformance`: score a flow exporter against what a correct exporter with its
// declared settings must emit (run), and write edge-case traffic profiles (profile).
#include <unistd.h>

#include <climits>
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "vantage/conformance/conformance.h"
#include "vantage/conformance/profile.h"

namespace vantage::cli {
namespace {

std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "vantage";
  buf[n] = '\0';
  return buf;
}

void PrintResult(const conformance::ConformanceResult& r, const std::string& outDir) {
  const auto& s = r.score;
  for (const auto& p : s.problems) std::cerr << "  problem: " << p << "\n";
  for (const auto& f : s.failures) std::cerr << "  " << f << "\n";
  for (const auto& c : s.cases)
    if (!c.pass) std::cerr << "  case " << c.name << ": " << c.reason << "\n";
  for (const auto& g : r.regressions)
    std::cerr << "  regressed: " << g.metric << " " << g.baseline << " -> " << g.current
              << " (tolerance " << g.tolerance << ")\n";
  std::cerr << "vantage conformance: " << (s.exporter.empty() ? "exporter" : s.exporter) << " "
            << r.message;
  if (s.totals.expectedFlows > 0)
    std::cerr << " (" << s.matched << " of " << s.totals.expectedFlows
              << " expected records matched)";
  if (!outDir.empty()) std::cerr << "; report in " << outDir << "/report.html";
  std::cerr << "\n";
}

void SetupRun(CLI::App& run, std::shared_ptr<conformance::ConformanceRequest> req,
              std::shared_ptr<double> timeout, std::shared_ptr<bool> quiet) {
  run.add_option("--exporter", req->exporter,
                 "Exporter under test: vantage, softflowd, pmacctd, nfpcapd, argus, or "
                 "cmd:'TEMPLATE' with {pcap} {host} {port} {out}");
  run.add_option("--declare", req->declarePath,
                 "Declaration YAML of the exporter's settings (optional for built-in adapters; "
                 "see docs/conformance.md)");
  run.add_option("--pcap", req->pcap, "Packets to run the exporter on");
  run.add_option("--run", req->runDir, "A run directory of vantage simulate (with --point)");
  run.add_option("--point", req->point, "The point whose capture to use (with --run)");
  run.add_option("--records", req->recordsPath,
                 "Score an IPFIX file the exporter already wrote instead of running it");
  run.add_option("--out", req->outDir, "Directory for score.json, report.md, report.html")
      ->required();
  run.add_option("--baseline", req->baselinePath,
                 "A stored score.json: exit 1 when any metric is worse beyond its tolerance");
  run.add_option("--timeout", *timeout, "Seconds before a hung exporter is killed")
      ->capture_default_str();
  run.add_flag("-q,--quiet", *quiet, "Only the final line");
}

Runner Setup(CLI::App& app) {
  app.require_subcommand(1);
  auto req = std::make_shared<conformance::ConformanceRequest>();
  auto timeout = std::make_shared<double>(120);
  auto quiet = std::make_shared<bool>(false);
  auto* run = app.add_subcommand("run", "Run an exporter on packets and score its records");
  SetupRun(*run, req, timeout, quiet);
  auto profilePath = std::make_shared<std::string>();
  auto profileOut = std::make_shared<std::string>();
  auto* profile = app.add_subcommand(
      "profile", "Write an edge-case traffic profile (pcap + <pcap>.cases.json)");
  profile
      ->add_option("PROFILE", *profilePath,
                   "Profile YAML, e.g. conformance/profiles/edge-cases.yaml")
      ->required();
  profile->add_option("--out", *profileOut, "The pcap to write")->required();
  return [=, &app]() -> int {
    if (app.got_subcommand(profile)) {
      auto p = conformance::LoadProfile(*profilePath);
      if (!p) {
        std::cerr << "vantage conformance profile: " << p.GetError().message << "\n";
        return 2;
      }
      auto st = conformance::WriteProfile(*p, *profileOut);
      if (!st) {
        std::cerr << "vantage conformance profile: " << st.GetError().message << "\n";
        return 2;
      }
      std::cerr << "wrote " << *profileOut << ": " << st->packets << " packets, " << st->cases
                << " edge cases (" << *profileOut << ".cases.json)\n";
      return 0;
    }
    req->timeout = core::Duration::Seconds(*timeout);
    req->vantageBinary = SelfPath();
    if (!*quiet) req->progress = [](const std::string& s) { std::cerr << s << "\n"; };
    auto result = conformance::RunConformance(*req);
    PrintResult(result, req->outDir);
    return result.exitCode;
  };
}

Registrar reg{"conformance",
              "Score a flow exporter against a reference model of its declared settings", Setup,
              80};

}  // namespace
}  // namespace vantage::cli
