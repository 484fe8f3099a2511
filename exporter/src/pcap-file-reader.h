// Reads the records of a classic pcap file (not pcapng) in large blocks: one read() per 256 KiB
// instead of libpcap's two fread() calls per packet, which were a sixth of `vantage export -r`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vantage::exporter::detail {

/// @brief Classic pcap record reader; the file header has been validated by libpcap already.
class PcapFileReader {
 public:
  enum class Result { kRecord, kEnd, kError };
  struct Record {
    int64_t tsNanos = 0;
    const uint8_t* data = nullptr;  ///< valid until the next call
    uint32_t capLen = 0;
    uint32_t wireLen = 0;
  };

  PcapFileReader() = default;
  ~PcapFileReader();
  PcapFileReader(const PcapFileReader&) = delete;
  PcapFileReader& operator=(const PcapFileReader&) = delete;

  /// @brief Opens `path` and reads its 24-byte header; false with Error() set on failure.
  bool Open(const std::string& path);
  /// @brief The next record; kError with Error() saying what is wrong (no file or offset:
  /// the caller knows both).
  Result Next(Record& out);
  const std::string& Error() const { return m_error; }

 private:
  /// Makes `n` bytes available at m_pos; returns how many are (fewer only at end of file).
  size_t Fill(size_t n);
  uint32_t Get32(const uint8_t* p) const;

  int m_fd = -1;
  bool m_swapped = false;  ///< file written big-endian (magic a1 b2 ...)
  bool m_nanos = false;    ///< nanosecond timestamps (magic a1b23c4d)
  uint32_t m_maxCapLen = 262144;
  std::vector<uint8_t> m_buf;
  size_t m_pos = 0;
  size_t m_end = 0;
  bool m_eof = false;
  std::string m_error;
};

}  // namespace vantage::exporter::detail
