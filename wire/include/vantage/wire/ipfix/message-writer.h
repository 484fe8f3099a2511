// IPFIX message encoding (RFC 7011): builds messages no larger than a size limit (from the
// path MTU), with template, options-template, withdrawal and data sets, set padding, and
// sequence numbers counting data records sent before each message (section 3.1).
//
//   ipfix::MessageWriter w({.observationDomain = 1, .maxMessageSize = 1472},
//                          [&](std::vector<uint8_t> msg) { socket.Send(msg); });
//   w.SetExportTime(now);
//   w.AddTemplate(t);
//   w.AddFlowRecord(t.id, record);
//   w.Flush();     // emits the partly filled message
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/template.h"

namespace vantage::wire::detail {
class MessageFramer;
}  // namespace vantage::wire::detail

namespace vantage::wire::ipfix {

inline constexpr uint16_t kVersion = 10;
inline constexpr uint16_t kTemplateSetId = 2;
inline constexpr uint16_t kOptionsTemplateSetId = 3;
inline constexpr size_t kMessageHeaderLength = 16;

struct WriterConfig {
  uint32_t observationDomain = 0;
  /// Largest message to emit; for UDP use the path MTU minus IP and UDP headers.
  size_t maxMessageSize = 1472;
  /// Pad sets to a multiple of 4 bytes (RFC 7011 section 3.3.1 allows it).
  bool padSets = false;
};

/// @brief Encodes one Transport Session / Observation Domain's messages; calls the sink with
/// each complete message. Sequence numbers persist across messages.
class MessageWriter {
 public:
  using Sink = std::function<void(std::vector<uint8_t>)>;
  MessageWriter(WriterConfig config, Sink sink);
  ~MessageWriter();
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  void SetExportTime(uint32_t unixSeconds) { m_exportTime = unixSeconds; }
  /// @brief Registers a template and queues its template set for sending.
  core::Status AddTemplate(const Template& tmpl);
  /// @brief Queues the template again (refresh), e.g. for UDP every N messages or seconds.
  void ResendTemplates();
  /// @brief Queues a withdrawal (template record with field count 0) and forgets the template.
  void WithdrawTemplate(uint16_t templateId);
  /// @brief Encodes a flow record with a registered data template.
  core::Status AddFlowRecord(uint16_t templateId, const core::FlowRecord& record);
  /// @brief Encodes an options record (values in template order).
  core::Status AddOptionsRecord(uint16_t templateId, const std::vector<OptionValue>& values);
  /// @brief Emits the current message if it holds anything.
  void Flush();

  uint32_t Sequence() const { return m_sequence; }
  uint64_t MessagesSent() const { return m_messages; }
  uint64_t OctetsSent() const { return m_octets; }
  uint64_t RecordsSent() const { return m_records; }
  const std::map<uint16_t, Template>& Templates() const { return m_templates; }

 private:
  void WriteHeader(core::ByteWriter& w) const;
  core::Status AddRecordBytes(uint16_t templateId, const std::vector<uint8_t>& rec);

  WriterConfig m_config;
  Sink m_sink;
  uint32_t m_exportTime = 0;
  uint32_t m_sequence = 0;
  uint64_t m_messages = 0;
  uint64_t m_octets = 0;
  uint64_t m_records = 0;
  std::map<uint16_t, Template> m_templates;
  std::unique_ptr<detail::MessageFramer> m_framer;
  std::vector<uint8_t> m_scratch;
};

}  // namespace vantage::wire::ipfix
