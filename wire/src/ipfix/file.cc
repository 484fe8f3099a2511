// IPFIX files (RFC 5655 section 7): a plain sequence of IPFIX messages.
#include "vantage/wire/ipfix/file.h"

#include <cerrno>
#include <cstring>

#include "vantage/wire/ipfix/message-reader.h"

namespace vantage::wire::ipfix {

FileWriter::~FileWriter() {
  (void)Close();
}

core::Status FileWriter::Open(const std::string& path) {
  (void)Close();
  m_file = std::fopen(path.c_str(), "wb");
  if (m_file == nullptr) {
    return core::MakeError(core::ErrorCode::kIo,
                           "cannot open " + path + " for writing: " + std::strerror(errno));
  }
  m_path = path;
  m_bytes = 0;
  m_messages = 0;
  return {};
}

core::Status FileWriter::Write(const std::vector<uint8_t>& message) {
  if (m_file == nullptr) {
    return core::MakeError(core::ErrorCode::kIo, "IPFIX file writer is not open");
  }
  if (!message.empty() &&
      std::fwrite(message.data(), 1, message.size(), m_file) != message.size()) {
    return core::MakeError(core::ErrorCode::kIo,
                           "write to " + m_path + " failed: " + std::strerror(errno));
  }
  m_bytes += message.size();
  ++m_messages;
  return {};
}

core::Status FileWriter::Close() {
  if (m_file == nullptr) return {};
  const bool ok = std::fclose(m_file) == 0;
  m_file = nullptr;
  if (!ok) return core::MakeError(core::ErrorCode::kIo, "closing " + m_path + " failed");
  return {};
}

core::Status FileReader::Open(const std::string& path) {
  m_path = path;
  m_pos = 0;
  m_bytes.clear();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return core::MakeError(core::ErrorCode::kIo,
                           "cannot open " + path + ": " + std::strerror(errno));
  }
  uint8_t buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) m_bytes.insert(m_bytes.end(), buf, buf + n);
  const bool err = std::ferror(f) != 0;
  std::fclose(f);
  if (err) return core::MakeError(core::ErrorCode::kIo, "read error in " + path);
  return {};
}

void FileReader::OpenBytes(std::vector<uint8_t> bytes) {
  m_bytes = std::move(bytes);
  m_pos = 0;
  m_path = "<memory>";
}

std::optional<core::Result<core::ByteReader>> FileReader::Next() {
  if (m_pos >= m_bytes.size()) return std::nullopt;
  core::ByteReader rest(m_bytes.data() + m_pos, m_bytes.size() - m_pos, m_pos);
  auto len = PeekMessageLength(rest);
  if (!len) {
    core::Error e = len.GetError();
    e.message = m_path + ": " + e.message;
    m_pos = m_bytes.size();  // nothing after a broken message can be delimited
    return core::Result<core::ByteReader>(std::move(e));
  }
  core::ByteReader msg(m_bytes.data() + m_pos, *len, m_pos);
  m_pos += *len;
  return core::Result<core::ByteReader>(msg);
}

}  // namespace vantage::wire::ipfix
