// The packet loop of `vantage export`: reads a pcap file or a live interface, meters every
// packet into the exporter, optionally keeps full packets, and reports progress through a
// callback (the library never prints).
//
//   exporter::ExportJob job;
//   job.config = cfg;  job.readFile = "in.pcap";
//   exporter::PacketPump pump(job);
//   if (auto st = pump.Open(); !st) { ... st.GetError().message ... }
//   ExportSummary s = pump.Run([](const ExportProgress& p) { ... });   // Stop() from a signal
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "vantage/core/result.h"
#include "vantage/exporter/exporter.h"
#include "vantage/exporter/pcap-io.h"

namespace vantage::exporter {

/// @brief One export: the exporter's configuration, the input and the optional full capture.
struct ExportJob {
  ExporterConfig config;
  std::string readFile;  ///< a pcap/pcapng file, or
  std::string iface;     ///< a live interface (used when readFile is empty)
  std::optional<CaptureConfig> capture;
  /// Progress is reported at most this often (wall clock), checked every 65536 packets.
  std::chrono::milliseconds progressEvery{10000};
};

/// @brief Progress of a running export.
struct ExportProgress {
  uint64_t packets = 0;
  size_t activeFlows = 0;
  uint64_t flowsExported = 0;
  double wallSeconds = 0;
};
using ExportProgressFn = std::function<void(const ExportProgress&)>;

/// @brief How an export ended: every flow seen was exported, also after an input error.
struct ExportSummary {
  ExporterStats stats;
  uint64_t capturedPackets = 0;
  uint64_t captureFiles = 0;
  double wallSeconds = 0;
  bool progressReported = false;          ///< the callback was called at least once
  std::optional<core::Error> inputError;  ///< the input failed part way (a truncated file)
};

class PacketPump {
 public:
  explicit PacketPump(ExportJob job);
  ~PacketPump();
  PacketPump(const PacketPump&) = delete;
  PacketPump& operator=(const PacketPump&) = delete;

  /// @brief Opens the input, starts the exporter and opens the capture; errors name the file.
  core::Status Open();
  /// @brief Meters packets until the input ends, fails or Stop() is called, then exports every
  /// remaining flow and closes the capture.
  ExportSummary Run(const ExportProgressFn& progress);
  /// @brief Ends Run() soon; safe to call from a signal handler.
  void Stop();
  /// @brief "in.pcap" or "interface eth0", for messages.
  std::string InputName() const;

 private:
  void ReportProgress(const ExportProgressFn& progress, ExportSummary& summary);

  ExportJob m_job;
  PcapSource m_source;
  std::unique_ptr<Exporter> m_exporter;
  CaptureWriter m_capture;
  std::atomic<bool> m_stop{false};
  std::chrono::steady_clock::time_point m_wallStart, m_lastReport;
};

}  // namespace vantage::exporter
