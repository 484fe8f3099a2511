// NetFlow v9 decoding (RFC 3954 sections 5-6): template and options template FlowSets per
// source id, data FlowSets with padding; the header count is checked against the records.
#include "vantage/wire/v9/message-reader.h"

#include <string>

#include "set-walker.h"
#include "vantage/wire/v9/message-writer.h"

namespace vantage::wire::v9 {
namespace {

using core::ByteReader;
using core::ErrorCode;
using core::MakeError;

std::string Str(size_t v) {
  return std::to_string(v);
}

constexpr detail::SetDialect kDialect{
    "v9", "FlowSet", "", kTemplateFlowSetId, kOptionsTemplateFlowSetId, true};

// Reads the options template lengths (RFC 3954 section 6.1: in bytes, 4 per field) into
// scope and total field counts; false (after counting) if they cannot be used.
bool ReadOptionsCounts(ByteReader& body, uint16_t templateId, uint16_t scopeLength, size_t offset,
                       size_t& scopeCount, size_t& fieldCount, detail::DecodeErrors& errors) {
  uint16_t optionLength = 0;
  if (!body.ReadU16(optionLength)) {
    errors.Fail("truncated_template", body.Need(2, "options template option length"));
    return false;
  }
  if (scopeLength % 4 != 0 || optionLength % 4 != 0) {
    errors.Fail("bad_options_template",
                MakeError(ErrorCode::kInvalid,
                          "options template " + Str(templateId) + " scope length " +
                              Str(scopeLength) + " / option length " + Str(optionLength) +
                              " not multiples of 4 at offset " + Str(offset),
                          offset));
    return false;
  }
  scopeCount = scopeLength / 4;
  fieldCount = (static_cast<size_t>(scopeLength) + optionLength) / 4;
  return true;
}

// Reads `fieldCount` field specifiers into `t` (none kept beyond the limit); false (after
// counting) when the FlowSet ends first.
bool ReadFieldSpecs(ByteReader& body, Template& t, size_t fieldCount, const DecoderLimits& limits,
                    detail::DecodeErrors& errors) {
  const bool tooMany = fieldCount > limits.maxFieldsPerTemplate;
  if (!tooMany) t.fields.reserve(fieldCount);
  for (size_t i = 0; i < fieldCount; ++i) {
    FieldSpec f;
    if (!body.ReadU16(f.id) || !body.ReadU16(f.length)) {
      errors.Fail(
          "truncated_template",
          body.Need(
              4,
              ("template " + Str(t.id) + " field " + Str(i) + " of " + Str(fieldCount)).c_str()));
      return false;
    }
    if (!tooMany) t.fields.push_back(f);
  }
  return true;
}

}  // namespace

const Template* Session::FindTemplate(uint32_t sourceId, uint16_t id) const {
  return m_templates.Find(sourceId, id);
}

core::Status Session::Decode(ByteReader packet, MessageHandler& handler) {
  MessageInfo info;
  info.version = kVersion;
  info.offset = packet.Offset();
  if (packet.Remaining() < kHeaderLength) {
    m_anomalies.Count("v9.truncated");
    return packet.Need(kHeaderLength, "NetFlow v9 header");
  }
  uint16_t version = 0;
  (void)packet.ReadU16(version);
  if (version != kVersion) {
    m_anomalies.Count("v9.bad_version");
    return MakeError(
        ErrorCode::kUnsupported,
        "NetFlow version: expected 9, found " + Str(version) + " at offset " + Str(info.offset),
        info.offset);
  }
  (void)packet.ReadU16(info.count);
  (void)packet.ReadU32(info.sysUpTimeMs);
  (void)packet.ReadU32(info.exportTime);
  (void)packet.ReadU32(info.sequence);
  (void)packet.ReadU32(info.observationDomain);
  handler.OnMessage(info);

  detail::DecodeErrors errors(m_anomalies, "v9");
  size_t templateRecords = 0;
  auto onTemplateSet = [&](uint16_t setId, ByteReader body) {
    templateRecords += DecodeTemplateSet(info, setId, body, handler, errors);
  };
  const detail::SetWalk walk{
      kDialect, info, m_templates, m_limits, handler, errors, detail::TemplateSetFn(onTemplateSet)};
  const size_t dataRecords = detail::WalkSets(walk, packet);
  // softflowd leaves template records out of the count (see docs/wire.md): accept both.
  if (info.count != templateRecords + dataRecords && info.count != dataRecords) {
    m_anomalies.Count("v9.bad_count");
  }
  return errors.First();
}

size_t Session::DecodeTemplateSet(const MessageInfo& info, uint16_t setId, ByteReader body,
                                  MessageHandler& handler, detail::DecodeErrors& errors) {
  const bool options = setId == kOptionsTemplateFlowSetId;
  size_t records = 0;
  while (body.Remaining() >= 4) {
    const size_t recOffset = body.Offset();
    Template t;
    uint16_t count = 0;
    (void)body.ReadU16(t.id);
    (void)body.ReadU16(count);
    if (t.id == 0 && count == 0 && detail::AllZero(body)) break;  // padding
    size_t scopeCount = 0, fieldCount = count;
    if (options &&
        !ReadOptionsCounts(body, t.id, count, recOffset, scopeCount, fieldCount, errors)) {
      break;
    }
    t.scopeFieldCount = static_cast<uint16_t>(scopeCount);
    if (!ReadFieldSpecs(body, t, fieldCount, m_limits, errors)) break;
    ++records;
    Accept(info, t, options, fieldCount, recOffset, handler, errors);
  }
  return records;
}

void Session::Accept(const MessageInfo& info, const Template& t, bool options, size_t fieldCount,
                     size_t offset, MessageHandler& handler, detail::DecodeErrors& errors) {
  auto refuse = [&](const char* anomaly, ErrorCode code, const std::string& why) {
    errors.Fail(
        anomaly,
        MakeError(code, "template " + Str(t.id) + " " + why + " at offset " + Str(offset), offset));
  };
  if (t.id < 256) return refuse("bad_template_id", ErrorCode::kInvalid, "id is below 256");
  if (fieldCount == 0) return refuse("empty_template", ErrorCode::kInvalid, "has no fields");
  if (fieldCount > m_limits.maxFieldsPerTemplate) {
    return refuse(
        "template_too_many_fields", ErrorCode::kLimit,
        "has " + Str(fieldCount) + " fields, limit " + Str(m_limits.maxFieldsPerTemplate));
  }
  if (options && t.scopeFieldCount == 0) {
    return refuse("bad_scope_count", ErrorCode::kInvalid, "has no scope field");
  }
  if (t.HasVariableLength()) {
    return refuse("variable_length", ErrorCode::kInvalid, "uses length 65535 (not in v9)");
  }
  if (t.MinRecordLength() == 0) {
    return refuse("zero_length_template", ErrorCode::kInvalid, "has only zero-length fields");
  }
  if (!m_templates.Put(info.observationDomain, t)) {
    return refuse("template_limit", ErrorCode::kLimit,
                  "refused: source id holds " +
                      Str(m_templates.CountInDomain(info.observationDomain)) + " templates");
  }
  handler.OnTemplate(info, t);
}

}  // namespace vantage::wire::v9
