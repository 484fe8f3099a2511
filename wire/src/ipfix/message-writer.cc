// IPFIX message encoding (RFC 7011 sections 3.1-3.4, 8.1): messages never larger than the
// configured size, sequence number = data records sent before the message.
#include "vantage/wire/ipfix/message-writer.h"

#include <algorithm>
#include <string>

#include "message-framer.h"
#include "record-encoding.h"

namespace vantage::wire::ipfix {
namespace {

// The shortest template record (id, count): bounds set padding.
constexpr size_t kTemplateRecordMinLength = 4;

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
  const detail::FramerLayout layout{kMessageHeaderLength, m_config.maxMessageSize, m_config.padSets,
                                    kTemplateRecordMinLength, UINT32_MAX};
  m_framer = std::make_unique<detail::MessageFramer>(
      layout, [this](core::ByteWriter& w) { WriteHeader(w); }, m_templates);
  m_config.maxMessageSize = m_framer->MaxMessageSize();
}

MessageWriter::~MessageWriter() = default;

void MessageWriter::WriteHeader(core::ByteWriter& w) const {
  w.WriteU16(kVersion);
  w.WriteU16(0);  // length, patched in Flush
  w.WriteU32(0);  // export time, patched in Flush
  w.WriteU32(m_sequence);
  w.WriteU32(m_config.observationDomain);
}

core::Status MessageWriter::AddRecordBytes(uint16_t setId, const std::vector<uint8_t>& rec) {
  if (!m_framer->FitsAlone(rec.size())) {
    return core::MakeError(core::ErrorCode::kLimit,
                           "record of " + std::to_string(rec.size()) + " bytes for set " +
                               std::to_string(setId) + " does not fit in a message of at most " +
                               std::to_string(m_config.maxMessageSize) + " bytes");
  }
  if (m_framer->NeedsNewMessage(setId, rec.size())) Flush();
  m_framer->Append(setId, rec);
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
  if (!m_framer->HasContent()) return m_framer->Discard();
  const uint32_t dataRecords = m_framer->DataRecords();
  std::vector<uint8_t> out = m_framer->Take();
  core::ByteWriter w(out);
  w.PatchU16(2, static_cast<uint16_t>(out.size()));
  w.PatchU32(4, m_exportTime);
  m_sequence += dataRecords;
  m_records += dataRecords;
  ++m_messages;
  m_octets += out.size();
  if (m_sink) m_sink(std::move(out));
}

}  // namespace vantage::wire::ipfix
