// NetFlow v9 export packets (RFC 3954 sections 5-6): template, options template and data
// FlowSets, each padded to 4 bytes; header count = every record, sequence = packets sent.
#include "vantage/wire/v9/message-writer.h"

#include <algorithm>
#include <string>

#include "message-framer.h"
#include "record-encoding.h"

namespace vantage::wire::v9 {
namespace {

// The shortest template record (id, count, one field): bounds FlowSet padding.
constexpr size_t kTemplateRecordMinLength = 6;

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
  const detail::FramerLayout layout{kHeaderLength, m_config.maxMessageSize, true,
                                    kTemplateRecordMinLength, 0xffff};
  m_framer = std::make_unique<detail::MessageFramer>(
      layout, [this](core::ByteWriter& w) { WriteHeader(w); }, m_templates);
  m_config.maxMessageSize = m_framer->MaxMessageSize();
}

MessageWriter::~MessageWriter() = default;

void MessageWriter::SetClock(uint32_t unixSeconds, uint32_t sysUpTimeMs) {
  m_unixSeconds = unixSeconds;
  m_sysUpTimeMs = sysUpTimeMs;
}

void MessageWriter::WriteHeader(core::ByteWriter& w) const {
  w.WriteU16(kVersion);
  w.WriteU16(0);  // count, patched in Flush
  w.WriteU32(0);  // sysUpTime, patched in Flush
  w.WriteU32(0);  // unix seconds, patched in Flush
  w.WriteU32(m_sequence);
  w.WriteU32(m_config.sourceId);
}

core::Status MessageWriter::AddRecordBytes(uint16_t setId, const std::vector<uint8_t>& rec) {
  if (!m_framer->FitsAlone(rec.size())) {
    return core::MakeError(core::ErrorCode::kLimit,
                           "record of " + std::to_string(rec.size()) +
                               " bytes does not fit in a packet of at most " +
                               std::to_string(m_config.maxMessageSize) + " bytes");
  }
  if (m_framer->NeedsNewMessage(setId, rec.size())) Flush();
  m_framer->Append(setId, rec);
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
  if (!m_framer->HasContent()) return m_framer->Discard();
  const uint16_t count = static_cast<uint16_t>(m_framer->Records());
  std::vector<uint8_t> out = m_framer->Take();
  core::ByteWriter w(out);
  w.PatchU16(2, count);
  w.PatchU32(4, m_sysUpTimeMs);
  w.PatchU32(8, m_unixSeconds);
  ++m_sequence;
  ++m_messages;
  if (m_sink) m_sink(std::move(out));
}

}  // namespace vantage::wire::v9
