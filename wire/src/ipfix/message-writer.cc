// IPFIX message encoding (RFC 7011 sections 3.1-3.4, 8.1): messages never larger than the
// configured size, sequence number = data records sent before the message.
#include "vantage/wire/ipfix/message-writer.h"

#include <algorithm>
#include <string>

#include "record-encoding.h"

namespace vantage::wire::ipfix {
namespace {

constexpr size_t kSetHeaderLength = 4;
constexpr uint16_t kNoSet = 0;

void WriteTemplateRecord(const Template& t, core::ByteWriter& w) {
  w.WriteU16(t.id);
  w.WriteU16(static_cast<uint16_t>(t.fields.size()));
  if (t.IsOptions()) w.WriteU16(t.scopeFieldCount);
  for (const auto& f : t.fields) {
    if (f.enterprise != 0) {
      w.WriteU16(static_cast<uint16_t>(f.id | 0x8000));
      w.WriteU16(f.length);
      w.WriteU32(f.enterprise);
    } else {
      w.WriteU16(static_cast<uint16_t>(f.id & 0x7fff));
      w.WriteU16(f.length);
    }
  }
}

}  // namespace

MessageWriter::MessageWriter(WriterConfig config, Sink sink)
    : m_config(config), m_sink(std::move(sink)) {
  m_config.maxMessageSize = std::min<size_t>(m_config.maxMessageSize, 65535);
  m_config.maxMessageSize = std::max<size_t>(m_config.maxMessageSize, kMessageHeaderLength + 8);
}

void MessageWriter::StartMessage() {
  m_msg.clear();
  core::ByteWriter w(m_msg);
  w.WriteU16(kVersion);
  w.WriteU16(0);  // length, patched in Flush
  w.WriteU32(0);  // export time, patched in Flush
  w.WriteU32(m_sequence);
  w.WriteU32(m_config.observationDomain);
  m_openSet = kNoSet;
  m_recordsInMessage = 0;
}

bool MessageWriter::Fits(size_t bytes) const {
  return m_msg.size() + bytes <= m_config.maxMessageSize;
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
  if (m_config.padSets) {
    // RFC 7011 section 3.3.1: padding must be shorter than any record of the set.
    size_t pad = (4 - (m_msg.size() - m_setStart) % 4) % 4;
    size_t minRecord = 4;
    if (m_openSet >= 256) {
      auto it = m_templates.find(m_openSet);
      minRecord = it == m_templates.end() ? 0 : it->second.MinRecordLength();
    }
    if (pad > 0 && pad < minRecord) m_msg.insert(m_msg.end(), pad, 0);
  }
  core::ByteWriter w(m_msg);
  w.PatchU16(m_setStart + 2, static_cast<uint16_t>(m_msg.size() - m_setStart));
  m_openSet = kNoSet;
}

core::Status MessageWriter::AddRecordBytes(uint16_t setId, const std::vector<uint8_t>& rec) {
  const size_t pad = m_config.padSets ? 3 : 0;
  const size_t alone = kMessageHeaderLength + kSetHeaderLength + rec.size() + pad;
  if (alone > m_config.maxMessageSize) {
    return core::MakeError(core::ErrorCode::kLimit,
                           "record of " + std::to_string(rec.size()) + " bytes for set " +
                               std::to_string(setId) + " does not fit in a message of at most " +
                               std::to_string(m_config.maxMessageSize) + " bytes");
  }
  if (m_msg.empty()) StartMessage();
  const bool sameSet = m_openSet == setId;
  const size_t need = (sameSet ? 0 : kSetHeaderLength) + rec.size() + pad;
  if (!Fits(need)) {
    Flush();
    StartMessage();
  }
  if (m_openSet != setId) OpenSet(setId);
  m_msg.insert(m_msg.end(), rec.begin(), rec.end());
  if (setId >= 256) ++m_recordsInMessage;
  return {};
}

core::Status MessageWriter::AddTemplate(const Template& tmpl) {
  if (tmpl.id < 256) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           "template id " + std::to_string(tmpl.id) + " is below 256");
  }
  if (tmpl.fields.empty() || tmpl.fields.size() > 65535 ||
      tmpl.scopeFieldCount > tmpl.fields.size()) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           "template " + std::to_string(tmpl.id) + " has " +
                               std::to_string(tmpl.fields.size()) + " fields and " +
                               std::to_string(tmpl.scopeFieldCount) + " scope fields");
  }
  if (tmpl.MinRecordLength() == 0) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           "template " + std::to_string(tmpl.id) + " has only zero-length fields");
  }
  m_scratch.clear();
  core::ByteWriter w(m_scratch);
  WriteTemplateRecord(tmpl, w);
  VANTAGE_RETURN_IF_ERROR(
      AddRecordBytes(tmpl.IsOptions() ? kOptionsTemplateSetId : kTemplateSetId, m_scratch));
  m_templates[tmpl.id] = tmpl;
  return {};
}

void MessageWriter::ResendTemplates() {
  for (const auto& [id, t] : m_templates) {
    m_scratch.clear();
    core::ByteWriter w(m_scratch);
    WriteTemplateRecord(t, w);
    (void)AddRecordBytes(t.IsOptions() ? kOptionsTemplateSetId : kTemplateSetId, m_scratch);
  }
}

void MessageWriter::WithdrawTemplate(uint16_t templateId) {
  // RFC 7011 section 8.1: a template record with field count 0, in the set type that defined
  // it; id 2 (3) in a template (options template) set withdraws all of them.
  uint16_t setId = kTemplateSetId;
  auto it = m_templates.find(templateId);
  if (it != m_templates.end() && it->second.IsOptions()) setId = kOptionsTemplateSetId;
  if (templateId == kOptionsTemplateSetId) setId = kOptionsTemplateSetId;
  m_scratch.clear();
  core::ByteWriter w(m_scratch);
  w.WriteU16(templateId);
  w.WriteU16(0);
  (void)AddRecordBytes(setId, m_scratch);
  if (templateId == kTemplateSetId || templateId == kOptionsTemplateSetId) {
    for (auto t = m_templates.begin(); t != m_templates.end();) {
      if (t->second.IsOptions() == (templateId == kOptionsTemplateSetId)) {
        t = m_templates.erase(t);
      } else {
        ++t;
      }
    }
  } else if (it != m_templates.end()) {
    m_templates.erase(it);
  }
}

core::Status MessageWriter::AddFlowRecord(uint16_t templateId, const core::FlowRecord& record) {
  TimeContext ctx;
  ctx.exportTimeSeconds = m_exportTime;
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
  if (m_msg.size() <= kMessageHeaderLength) {
    m_msg.clear();
    m_openSet = kNoSet;
    return;
  }
  CloseSet();
  core::ByteWriter w(m_msg);
  w.PatchU16(2, static_cast<uint16_t>(m_msg.size()));
  w.PatchU32(4, m_exportTime);
  m_sequence += m_recordsInMessage;
  m_records += m_recordsInMessage;
  ++m_messages;
  m_octets += m_msg.size();
  std::vector<uint8_t> out;
  out.swap(m_msg);
  m_recordsInMessage = 0;
  if (m_sink) m_sink(std::move(out));
}

}  // namespace vantage::wire::ipfix
