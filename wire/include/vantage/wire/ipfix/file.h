// IPFIX files (RFC 5655): a file is a sequence of IPFIX messages; templates precede the data
// that uses them. FileWriter appends messages; FileReader walks them with bounds checks and
// reports the offset of anything malformed.
//
//   ipfix::FileWriter out;
//   if (auto st = out.Open("flows.ipfix"); !st) ...
//   ipfix::MessageWriter w(cfg, [&](std::vector<uint8_t> m) { out.Write(m); });
//
//   ipfix::FileReader in;
//   in.Open("flows.ipfix");
//   ipfix::Session s;
//   while (auto msg = in.Next()) { if (!*msg) break; s.Decode(**msg, handler); }
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "vantage/core/byte-reader.h"
#include "vantage/core/result.h"

namespace vantage::wire::ipfix {

/// @brief Writes IPFIX messages to a file. Flushes on Close and in the destructor.
class FileWriter {
 public:
  FileWriter() = default;
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  core::Status Open(const std::string& path);
  core::Status Write(const std::vector<uint8_t>& message);
  core::Status Close();
  uint64_t BytesWritten() const { return m_bytes; }
  uint64_t MessagesWritten() const { return m_messages; }

 private:
  std::FILE* m_file = nullptr;
  std::string m_path;
  uint64_t m_bytes = 0;
  uint64_t m_messages = 0;
};

/// @brief Reads an IPFIX file message by message (whole file held in memory).
class FileReader {
 public:
  core::Status Open(const std::string& path);
  /// @brief Reads from bytes already in memory (tests, fuzzing).
  void OpenBytes(std::vector<uint8_t> bytes);
  /// @brief Next message: nullopt at a clean end of file; an Error (with offset and file name)
  /// if the remaining bytes are not a whole message.
  std::optional<core::Result<core::ByteReader>> Next();
  size_t Offset() const { return m_pos; }
  const std::string& Path() const { return m_path; }

 private:
  std::vector<uint8_t> m_bytes;
  size_t m_pos = 0;
  std::string m_path;
};

}  // namespace vantage::wire::ipfix
