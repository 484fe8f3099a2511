// NetFlow v9 message encoding (RFC 3954): template FlowSets (id 0), options template
// FlowSets (id 1), data FlowSets padded to 4 bytes; the header counts every record (template
// and data) and its sequence number counts export packets.
//
//   v9::MessageWriter w({.sourceId = 1, .maxMessageSize = 1472}, sink);
//   w.SetClock(unixSeconds, sysUpTimeMs);
//   w.AddTemplate(t); w.AddFlowRecord(t.id, r); w.Flush();
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

namespace vantage::wire::v9 {

inline constexpr uint16_t kVersion = 9;
inline constexpr uint16_t kTemplateFlowSetId = 0;
inline constexpr uint16_t kOptionsTemplateFlowSetId = 1;
inline constexpr size_t kHeaderLength = 20;

struct WriterConfig {
  uint32_t sourceId = 0;
  size_t maxMessageSize = 1472;
};

/// @brief Encodes one exporter's v9 export packets; calls the sink with each.
class MessageWriter {
 public:
  using Sink = std::function<void(std::vector<uint8_t>)>;
  MessageWriter(WriterConfig config, Sink sink);
  ~MessageWriter();
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  /// @brief Header times: UNIX seconds and the exporter's sysUpTime in milliseconds.
  void SetClock(uint32_t unixSeconds, uint32_t sysUpTimeMs);
  /// @brief Registers a template (options template if scopeFieldCount > 0) and queues it.
  /// v9 has no variable-length fields: such a template is refused.
  core::Status AddTemplate(const Template& tmpl);
  void ResendTemplates();
  core::Status AddFlowRecord(uint16_t templateId, const core::FlowRecord& record);
  core::Status AddOptionsRecord(uint16_t templateId, const std::vector<OptionValue>& values);
  void Flush();

  uint32_t Sequence() const { return m_sequence; }
  uint64_t MessagesSent() const { return m_messages; }
  uint64_t RecordsSent() const { return m_records; }

 private:
  void WriteHeader(core::ByteWriter& w) const;
  core::Status AddRecordBytes(uint16_t templateId, const std::vector<uint8_t>& rec);

  WriterConfig m_config;
  Sink m_sink;
  uint32_t m_unixSeconds = 0;
  uint32_t m_sysUpTimeMs = 0;
  uint32_t m_sequence = 0;
  uint64_t m_messages = 0;
  uint64_t m_records = 0;
  std::map<uint16_t, Template> m_templates;
  std::unique_ptr<detail::MessageFramer> m_framer;
  std::vector<uint8_t> m_scratch;
};

}  // namespace vantage::wire::v9
