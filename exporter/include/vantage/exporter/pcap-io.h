// Packet input and full-packet capture with libpcap: PcapSource reads a pcap/pcapng file or
// a live interface; CaptureWriter writes packets beside the flows, with a snap length, a BPF
// filter (libpcap's compiler) and rotation by size or time.
//
//   PcapSource src;
//   if (auto st = src.OpenFile("in.pcap"); !st) { ... }
//   PcapPacket pkt;
//   while (src.Next(pkt) == PcapSource::NextResult::kPacket) exporter.OnPacket(...);
//   if (src.Failed()) std::cerr << src.GetError().message;   // names file and offset
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "vantage/core/result.h"
#include "vantage/core/time.h"
#include "vantage/exporter/exporter.h"

struct pcap;
struct bpf_program;

namespace vantage::exporter {
namespace detail {
class PcapFileReader;
}

struct PcapPacket {
  core::Timestamp ts;
  const uint8_t* data = nullptr;
  size_t capLen = 0;
  size_t wireLen = 0;
};

class PcapSource {
 public:
  enum class NextResult { kPacket, kEnd, kTimeout, kError };

  PcapSource();
  ~PcapSource();
  PcapSource(const PcapSource&) = delete;
  PcapSource& operator=(const PcapSource&) = delete;

  /// @brief Opens a pcap or pcapng file; errors name the file (and the magic if wrong).
  core::Status OpenFile(const std::string& path);
  /// @brief Opens a live interface (promiscuous, snaplen 262144, 100 ms read timeout).
  core::Status OpenLive(const std::string& iface, const std::string& bpf = "");
  /// @brief The next packet; kTimeout on a live source with nothing to read; kError with
  /// GetError() naming the file and byte offset of the bad record.
  NextResult Next(PcapPacket& out);
  LinkType Link() const { return m_link; }
  int Dlt() const { return m_dlt; }
  const core::Error& GetError() const { return m_error; }
  uint64_t PacketIndex() const { return m_index; }
  /// @brief Stops a live capture from another thread or a signal handler.
  void BreakLoop();

 private:
  NextResult NextClassic(PcapPacket& out);
  NextResult Fail(core::ErrorCode code, const std::string& what, long offset);

  pcap* m_pcap = nullptr;
  /// Classic pcap files are read by this block reader; libpcap only validates their header.
  std::unique_ptr<detail::PcapFileReader> m_reader;
  std::string m_name;
  bool m_live = false;
  LinkType m_link = LinkType::kEthernet;
  int m_dlt = 1;
  uint64_t m_index = 0;
  bool m_classic = false;
  uint64_t m_offset = 0;
  core::Error m_error;
};

struct CaptureConfig {
  std::string path;  ///< "out.pcap"; with rotation "out-000000.pcap", "out-000001.pcap"...
  uint32_t snapLength = 262144;
  std::string filter;           ///< BPF expression; empty = every packet
  uint64_t rotateBytes = 0;     ///< 0 = no size rotation
  core::Duration rotateTime{};  ///< packet time per file; 0 = no time rotation
};

/// @brief Writes packets to pcap files (microsecond timestamps).
class CaptureWriter {
 public:
  CaptureWriter() = default;
  ~CaptureWriter();
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  /// @brief Compiles the filter for `dlt` and opens the first file.
  core::Status Open(const CaptureConfig& config, int dlt);
  /// @brief Writes the packet if it passes the filter (cut to the snap length).
  void Write(core::Timestamp ts, const uint8_t* data, size_t capLen, size_t wireLen);
  void Close();
  uint64_t PacketsWritten() const { return m_written; }
  uint64_t FilesWritten() const { return m_files; }
  /// @brief Name of the index-th file ("out.pcap" without rotation).
  std::string FileName(uint64_t index) const;

 private:
  core::Status OpenNext();

  CaptureConfig m_config;
  int m_dlt = 1;
  pcap* m_dead = nullptr;
  void* m_dumper = nullptr;
  bpf_program* m_program = nullptr;
  uint64_t m_written = 0;
  uint64_t m_files = 0;
  uint64_t m_bytesInFile = 0;
  core::Timestamp m_fileStart;
  bool m_fileHasPackets = false;
  bool m_failed = false;
};

}  // namespace vantage::exporter
