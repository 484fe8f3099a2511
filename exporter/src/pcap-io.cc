// libpcap input (file or live) and full-packet capture output with BPF filter and rotation.
#include "vantage/exporter/pcap-io.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>

#include "pcap-file-reader.h"

namespace vantage::exporter {

PcapSource::PcapSource() = default;

PcapSource::~PcapSource() {
  if (m_pcap) pcap_close(m_pcap);
}

core::Status PcapSource::OpenFile(const std::string& path) {
  m_name = path;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           path + ": cannot open: " + std::strerror(errno));
  }
  uint8_t magic[4] = {0, 0, 0, 0};
  size_t got = std::fread(magic, 1, 4, f);
  std::fclose(f);
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  m_pcap =
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (!m_pcap) {
    char magicText[16];
    std::snprintf(magicText, sizeof(magicText), "%02x%02x%02x%02x", magic[0], magic[1], magic[2],
                  magic[3]);
    std::string what = got < 4
                           ? "file shorter than a pcap header (" + std::to_string(got) + " bytes)"
                           : std::string("magic 0x") + magicText + " at offset 0";
    return core::MakeError(
        core::ErrorCode::kInvalid,
        path + ": not a readable pcap/pcapng file: " + what + " (" + errbuf + ")", 0);
  }
  // Classic pcap: record offsets are computed (24-byte file header, 16-byte record headers);
  // pcapng: asked from the stream (slower, one lseek per packet).
  uint32_t m =
      (static_cast<uint32_t>(magic[0]) << 24) | (magic[1] << 16) | (magic[2] << 8) | magic[3];
  m_classic = m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d || m == 0x4d3cb2a1;
  m_offset = 24;
  m_dlt = pcap_datalink(m_pcap);
  auto link = LinkTypeFromDlt(m_dlt);
  if (!link) return core::MakeError(link.GetError().code, path + ": " + link.GetError().message);
  m_link = *link;
  if (m_classic) {
    m_reader = std::make_unique<detail::PcapFileReader>();
    if (!m_reader->Open(path)) {
      return core::MakeError(core::ErrorCode::kIo, path + ": " + m_reader->Error(), 0);
    }
    pcap_close(m_pcap);
    m_pcap = nullptr;
  }
  return {};
}

core::Status PcapSource::OpenLive(const std::string& iface, const std::string& bpf) {
  m_name = iface;
  m_live = true;
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  m_pcap = pcap_create(iface.c_str(), errbuf);
  if (!m_pcap) {
    return core::MakeError(core::ErrorCode::kNotFound, "interface " + iface + ": " + errbuf);
  }
  pcap_set_snaplen(m_pcap, 262144);
  pcap_set_promisc(m_pcap, 1);
  pcap_set_timeout(m_pcap, 100);
  pcap_set_tstamp_precision(m_pcap, PCAP_TSTAMP_PRECISION_NANO);
  int rc = pcap_activate(m_pcap);
  if (rc < 0) {
    std::string msg = "interface " + iface + ": " + pcap_geterr(m_pcap);
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE) msg = "interface " + iface + ": no such interface";
    if (rc == PCAP_ERROR_PERM_DENIED)
      msg = "interface " + iface + ": permission denied (need root or CAP_NET_RAW)";
    pcap_close(m_pcap);
    m_pcap = nullptr;
    return core::MakeError(
        rc == PCAP_ERROR_NO_SUCH_DEVICE ? core::ErrorCode::kNotFound : core::ErrorCode::kIo, msg);
  }
  if (!bpf.empty()) {
    bpf_program prog;
    if (pcap_compile(m_pcap, &prog, bpf.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 ||
        pcap_setfilter(m_pcap, &prog) != 0) {
      return core::MakeError(core::ErrorCode::kParse,
                             "filter '" + bpf + "': " + pcap_geterr(m_pcap));
    }
    pcap_freecode(&prog);
  }
  m_dlt = pcap_datalink(m_pcap);
  auto link = LinkTypeFromDlt(m_dlt);
  if (!link) {
    return core::MakeError(link.GetError().code,
                           "interface " + iface + ": " + link.GetError().message);
  }
  m_link = *link;
  return {};
}

void PcapSource::BreakLoop() {
  if (m_pcap) pcap_breakloop(m_pcap);
}

PcapSource::NextResult PcapSource::Fail(core::ErrorCode code, const std::string& what,
                                        long offset) {
  std::string where = m_live ? "interface " + m_name
                             : m_name + " (packet " + std::to_string(m_index + 1) +
                                   (offset >= 0 ? ", offset " + std::to_string(offset) : "") + ")";
  m_error = core::MakeError(code, where + ": " + what,
                            offset >= 0 ? static_cast<size_t>(offset) : core::Error::kNoOffset);
  return NextResult::kError;
}

PcapSource::NextResult PcapSource::NextClassic(PcapPacket& out) {
  detail::PcapFileReader::Record rec;
  const long offset = static_cast<long>(m_offset);
  auto r = m_reader->Next(rec);
  if (r == detail::PcapFileReader::Result::kEnd) return NextResult::kEnd;
  if (r == detail::PcapFileReader::Result::kError) {
    return Fail(core::ErrorCode::kTruncated, m_reader->Error(), offset);
  }
  if (rec.capLen > rec.wireLen) {
    return Fail(core::ErrorCode::kInvalid,
                "captured length " + std::to_string(rec.capLen) +
                    " is larger than the packet's wire length " + std::to_string(rec.wireLen),
                offset);
  }
  ++m_index;
  m_offset += 16 + rec.capLen;
  out.ts = core::Timestamp::FromNanos(rec.tsNanos);
  out.data = rec.data;
  out.capLen = rec.capLen;
  out.wireLen = rec.wireLen;
  return NextResult::kPacket;
}

PcapSource::NextResult PcapSource::Next(PcapPacket& out) {
  if (m_reader) return NextClassic(out);
  if (!m_pcap) return NextResult::kEnd;
  long offset = -1;
  if (!m_live) {
    if (m_classic) {
      offset = static_cast<long>(m_offset);
    } else if (std::FILE* f = pcap_file(m_pcap)) {
      offset = std::ftell(f);
    }
  }
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(m_pcap, &hdr, &data);
  if (rc == 1) {
    if (hdr->caplen > hdr->len && !m_live) {
      return Fail(core::ErrorCode::kInvalid,
                  "captured length " + std::to_string(hdr->caplen) +
                      " is larger than the packet's wire length " + std::to_string(hdr->len),
                  offset);
    }
    ++m_index;
    m_offset += 16 + hdr->caplen;
    out.ts = core::Timestamp::FromNanos(static_cast<int64_t>(hdr->ts.tv_sec) * 1000000000 +
                                        static_cast<int64_t>(hdr->ts.tv_usec));
    out.data = data;
    out.capLen = hdr->caplen;
    out.wireLen = hdr->len;
    return NextResult::kPacket;
  }
  if (rc == 0) return NextResult::kTimeout;
  if (rc == PCAP_ERROR_BREAK) return NextResult::kEnd;
  return Fail(core::ErrorCode::kTruncated, pcap_geterr(m_pcap), offset);
}

CaptureWriter::~CaptureWriter() {
  Close();
}

std::string CaptureWriter::FileName(uint64_t index) const {
  if (m_config.rotateBytes == 0 && m_config.rotateTime.ns <= 0) return m_config.path;
  std::string base = m_config.path;
  std::string ext;
  size_t dot = base.rfind('.');
  size_t slash = base.rfind('/');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
    ext = base.substr(dot);
    base = base.substr(0, dot);
  }
  char num[32];
  std::snprintf(num, sizeof(num), "-%06llu", static_cast<unsigned long long>(index));
  return base + num + ext;
}

core::Status CaptureWriter::Open(const CaptureConfig& config, int dlt) {
  m_config = config;
  if (m_config.snapLength == 0) m_config.snapLength = 262144;
  m_dlt = dlt;
  m_dead = pcap_open_dead_with_tstamp_precision(dlt, static_cast<int>(m_config.snapLength),
                                                PCAP_TSTAMP_PRECISION_MICRO);
  if (!m_dead) return core::MakeError(core::ErrorCode::kIo, "pcap_open_dead failed");
  if (!m_config.filter.empty()) {
    m_program = new bpf_program;
    if (pcap_compile(m_dead, m_program, m_config.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      std::string err = pcap_geterr(m_dead);
      delete m_program;
      m_program = nullptr;
      return core::MakeError(core::ErrorCode::kParse,
                             "capture filter '" + m_config.filter + "': " + err);
    }
  }
  return OpenNext();
}

core::Status CaptureWriter::OpenNext() {
  if (m_dumper) {
    pcap_dump_close(static_cast<pcap_dumper_t*>(m_dumper));
    m_dumper = nullptr;
  }
  std::string name = FileName(m_files);
  m_dumper = pcap_dump_open(m_dead, name.c_str());
  if (!m_dumper) {
    m_failed = true;
    return core::MakeError(core::ErrorCode::kIo,
                           "capture file " + name + ": " + pcap_geterr(m_dead));
  }
  ++m_files;
  m_bytesInFile = 24;
  m_fileHasPackets = false;
  return {};
}

void CaptureWriter::Write(core::Timestamp ts, const uint8_t* data, size_t capLen, size_t wireLen) {
  if (!m_dumper || m_failed) return;
  pcap_pkthdr hdr{};
  hdr.ts.tv_sec = static_cast<time_t>(ts.ns / 1000000000);
  hdr.ts.tv_usec = static_cast<suseconds_t>((ts.ns % 1000000000) / 1000);
  hdr.len = static_cast<bpf_u_int32>(wireLen);
  hdr.caplen =
      static_cast<bpf_u_int32>(capLen < m_config.snapLength ? capLen : m_config.snapLength);
  if (m_program && pcap_offline_filter(m_program, &hdr, data) == 0) return;
  if (m_fileHasPackets) {
    bool rotate =
        (m_config.rotateBytes > 0 && m_bytesInFile + 16 + hdr.caplen > m_config.rotateBytes) ||
        (m_config.rotateTime.ns > 0 && ts - m_fileStart >= m_config.rotateTime);
    if (rotate && !OpenNext()) return;
  }
  if (!m_fileHasPackets) {
    m_fileStart = ts;
    m_fileHasPackets = true;
  }
  pcap_dump(static_cast<u_char*>(m_dumper), &hdr, data);
  m_bytesInFile += 16 + hdr.caplen;
  ++m_written;
}

void CaptureWriter::Close() {
  if (m_dumper) {
    pcap_dump_close(static_cast<pcap_dumper_t*>(m_dumper));
    m_dumper = nullptr;
  }
  if (m_program) {
    pcap_freecode(m_program);
    delete m_program;
    m_program = nullptr;
  }
  if (m_dead) {
    pcap_close(m_dead);
    m_dead = nullptr;
  }
}

}  // namespace vantage::exporter
