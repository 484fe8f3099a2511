// Classic pcap records from a block buffer, every length checked before it is used.
#include "pcap-file-reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vantage::exporter::detail {
namespace {

constexpr size_t kBlock = 256 << 10;  // stays in L2, so the decoder reads warm bytes
constexpr size_t kFileHeader = 24;
constexpr size_t kRecordHeader = 16;
// libpcap refuses larger records for most link types (MAXIMUM_SNAPLEN).
constexpr uint32_t kLibpcapMaxSnaplen = 262144;

}  // namespace

PcapFileReader::~PcapFileReader() {
  if (m_fd >= 0) ::close(m_fd);
}

uint32_t PcapFileReader::Get32(const uint8_t* p) const {
  if (m_swapped) {
    return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
           (static_cast<uint32_t>(p[2]) << 8) | p[3];
  }
  return (static_cast<uint32_t>(p[3]) << 24) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[1]) << 8) | p[0];
}

bool PcapFileReader::Open(const std::string& path) {
  m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (m_fd < 0) {
    m_error = std::strerror(errno);
    return false;
  }
  ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  m_buf.resize(kBlock);
  if (Fill(kFileHeader) < kFileHeader) {
    m_error = "file shorter than a pcap header";
    return false;
  }
  const uint8_t* h = m_buf.data() + m_pos;
  const uint32_t magic = (static_cast<uint32_t>(h[0]) << 24) | (static_cast<uint32_t>(h[1]) << 16) |
                         (static_cast<uint32_t>(h[2]) << 8) | h[3];
  m_swapped = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d;
  m_nanos = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
  if (!m_swapped && magic != 0xd4c3b2a1 && magic != 0x4d3cb2a1) {
    m_error = "not a classic pcap file";
    return false;
  }
  m_maxCapLen = std::max(Get32(h + 16), kLibpcapMaxSnaplen);
  m_pos += kFileHeader;
  return true;
}

size_t PcapFileReader::Fill(size_t n) {
  while (m_end - m_pos < n && !m_eof) {
    if (m_pos > 0) {  // keep the partial record, drop what was consumed
      std::memmove(m_buf.data(), m_buf.data() + m_pos, m_end - m_pos);
      m_end -= m_pos;
      m_pos = 0;
    }
    if (m_buf.size() < n) m_buf.resize(n);
    ssize_t got = ::read(m_fd, m_buf.data() + m_end, m_buf.size() - m_end);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      if (got < 0) m_error = std::strerror(errno);
      m_eof = true;
      break;
    }
    m_end += static_cast<size_t>(got);
  }
  return std::min(n, m_end - m_pos);
}

PcapFileReader::Result PcapFileReader::Next(Record& out) {
  size_t have = Fill(kRecordHeader);
  if (have == 0) return m_error.empty() ? Result::kEnd : Result::kError;
  if (have < kRecordHeader) {
    m_error =
        "truncated dump file; tried to read 16 header bytes, only got " + std::to_string(have);
    return Result::kError;
  }
  const uint8_t* h = m_buf.data() + m_pos;
  const uint32_t sec = Get32(h), frac = Get32(h + 4);
  out.capLen = Get32(h + 8);
  out.wireLen = Get32(h + 12);
  if (out.capLen > m_maxCapLen) {
    m_error = "invalid packet capture length " + std::to_string(out.capLen) +
              ", bigger than maximum of " + std::to_string(m_maxCapLen);
    return Result::kError;
  }
  have = Fill(kRecordHeader + out.capLen);
  if (have < kRecordHeader + out.capLen) {
    m_error = "truncated dump file; tried to read " + std::to_string(out.capLen) +
              " captured bytes, only got " + std::to_string(have - kRecordHeader);
    return Result::kError;
  }
  out.tsNanos =
      static_cast<int64_t>(sec) * 1000000000 + static_cast<int64_t>(frac) * (m_nanos ? 1 : 1000);
  out.data = m_buf.data() + m_pos + kRecordHeader;
  m_pos += kRecordHeader + out.capLen;
  return Result::kRecord;
}

}  // namespace vantage::exporter::detail
