// NetFlow v9 export packets (RFC 3954 sections 5-6): template, options template and data
// FlowSets, each padded to 4 bytes; header count = every record, sequence = packets sent.
#include "vantage/wire/v9/message-writer.h"

#include <algorithm>
#include <string>

#include "record-encoding.h"

namespace vantage::wire::v9 {
namespace {

constexpr uint16_t kNoSet = 0xffff;
constexpr size_t kSetHeaderLength = 4;

void WriteTemplateRecord(const Template& t, core::ByteWriter& w) {
  w.WriteU16(t.id);
  if (t.IsOptions()) {
    w.WriteU16(static_cast<uint16_t>(4 * t.scopeFieldCount));
    w.WriteU16(static_cast<uint16_t>(4 * (t.fields.size() - t.scopeFieldCount)));
  } else {
    w.WriteU16(static_cast<uint16_t>(t.fields.size()));
  }
  for (const auto& f : t.fields) {
    w.WriteU16(f.id);
    w.WriteU16(f.length);
  }
}

}  // namespace

MessageWriter::MessageWriter(WriterConfig config, Sink sink)
    : m_config(config), m_sink(std::move(sink)) {
  m_config.maxMessageSize = std::min<size_t>(m_config.maxMessageSize, 65535);
  m_config.maxMessageSize = std::max<size_t>(m_config.maxMessageSize, kHeaderLength + 8);
}

void MessageWriter::SetClock(uint32_t unixSeconds, uint32_t sysUpTimeMs) {
  m_unixSeconds = unixSeconds;
  m_sysUpTimeMs = sysUpTimeMs;
}

void MessageWriter::StartMessage() {
  m_msg.clear();
  core::ByteWriter w(m_msg);
  w.WriteU16(kVersion);
  w.WriteU16(0);  // count, patched in Flush
  w.WriteU32(0);  // sysUpTime, patched in Flush
  w.WriteU32(0);  // unix seconds, patched in Flush
  w.WriteU32(m_sequence);
  w.WriteU32(m_config.sourceId);
  m_openSet = kNoSet;
  m_countInMessage = 0;
}

void MessageWriter::OpenSet(uint16_t setId) {
  if (m_msg.empty()) StartMessage();
  CloseSet();
  m_setStart = m_msg.size();
  core::ByteWriter w(m_msg);
  w.WriteU16(setId);
  w.WriteU16(0);
  m_openSet = setId;
}

void MessageWriter::CloseSet() {
  if (m_openSet == kNoSet) return;
  // RFC 3954 section 5.3: FlowSets are padded to a 32-bit boundary; padding shorter than a
  // record so a reader cannot take it for one.
  size_t pad = (4 - (m_msg.size() - m_setStart) % 4) % 4;
  size_t minRecord = 6;
  if (m_openSet >= 256) {
    auto it = m_templates.find(m_openSet);
    minRecord = it == m_templates.end() ? 0 : it->second.MinRecordLength();
  }
  if (pad > 0 && pad < minRecord) m_msg.insert(m_msg.end(), pad, 0);
  core::ByteWriter w(m_msg);
  w.PatchU16(m_setStart + 2, static_cast<uint16_t>(m_msg.size() - m_setStart));
  m_openSet = kNoSet;
}

core::Status MessageWriter::AddRecordBytes(uint16_t setId, const std::vector<uint8_t>& rec) {
  const size_t pad = 3;
  if (kHeaderLength + kSetHeaderLength + rec.size() + pad > m_config.maxMessageSize) {
    return core::MakeError(core::ErrorCode::kLimit,
                           "record of " + std::to_string(rec.size()) +
                               " bytes does not fit in a packet of at most " +
                               std::to_string(m_config.maxMessageSize) + " bytes");
  }
  if (m_msg.empty()) StartMessage();
  const size_t need = (m_openSet == setId ? 0 : kSetHeaderLength) + rec.size() + pad;
  if (m_msg.size() + need > m_config.maxMessageSize || m_countInMessage == 0xffff) {
    Flush();
    StartMessage();
  }
  if (m_openSet != setId) OpenSet(setId);
  m_msg.insert(m_msg.end(), rec.begin(), rec.end());
  ++m_countInMessage;
  if (setId >= 256) ++m_records;
  return {};
}

core::Status MessageWriter::AddTemplate(const Template& tmpl) {
  if (tmpl.id < 256) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           "template id " + std::to_string(tmpl.id) + " is below 256");
  }
  if (tmpl.fields.empty() || tmpl.scopeFieldCount > tmpl.fields.size() ||
      tmpl.fields.size() > 4096 || tmpl.MinRecordLength() == 0) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           "template " + std::to_string(tmpl.id) + " has no usable fields");
  }
  for (const auto& f : tmpl.fields) {
    if (f.length == kVariableLength || f.enterprise != 0) {
      return core::MakeError(core::ErrorCode::kUnsupported,
                             "template " + std::to_string(tmpl.id) + ": element " +
                                 std::to_string(f.id) +
                                 " is variable-length or has an enterprise number (not in v9)");
    }
  }
  m_scratch.clear();
  core::ByteWriter w(m_scratch);
  WriteTemplateRecord(tmpl, w);
  VANTAGE_RETURN_IF_ERROR(
      AddRecordBytes(tmpl.IsOptions() ? kOptionsTemplateFlowSetId : kTemplateFlowSetId, m_scratch));
  m_templates[tmpl.id] = tmpl;
  return {};
}

void MessageWriter::ResendTemplates() {
  for (const auto& [id, t] : m_templates) {
    m_scratch.clear();
    core::ByteWriter w(m_scratch);
    WriteTemplateRecord(t, w);
    (void)AddRecordBytes(t.IsOptions() ? kOptionsTemplateFlowSetId : kTemplateFlowSetId, m_scratch);
  }
}

core::Status MessageWriter::AddFlowRecord(uint16_t templateId, const core::FlowRecord& record) {
  TimeContext ctx;
  ctx.exportTimeSeconds = m_unixSeconds;
  ctx.sysUpTimeMs = m_sysUpTimeMs;
  VANTAGE_RETURN_IF_ERROR(
      detail::EncodeRegistered(m_templates, templateId, record, ctx, m_scratch));
  return AddRecordBytes(templateId, m_scratch);
}

core::Status MessageWriter::AddOptionsRecord(uint16_t templateId,
                                             const std::vector<OptionValue>& values) {
  VANTAGE_RETURN_IF_ERROR(detail::EncodeRegistered(m_templates, templateId, values, m_scratch));
  return AddRecordBytes(templateId, m_scratch);
}

void MessageWriter::Flush() {
  if (m_msg.size() <= kHeaderLength) {
    m_msg.clear();
    m_openSet = kNoSet;
    return;
  }
  CloseSet();
  core::ByteWriter w(m_msg);
  w.PatchU16(2, m_countInMessage);
  w.PatchU32(4, m_sysUpTimeMs);
  w.PatchU32(8, m_unixSeconds);
  ++m_sequence;
  ++m_messages;
  std::vector<uint8_t> out;
  out.swap(m_msg);
  m_countInMessage = 0;
  if (m_sink) m_sink(std::move(out));
}

}  // namespace vantage::wire::v9
