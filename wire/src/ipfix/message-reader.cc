// IPFIX message decoding (RFC 7011 sections 3, 7, 8): template state per observation domain,
// bounded by DecoderLimits; every malformed field gives an error with its offset and a named
// anomaly, and decoding goes on with the next set where the set length allows.
#include "vantage/wire/ipfix/message-reader.h"

#include <algorithm>
#include <string>

#include "set-walker.h"
#include "vantage/wire/ipfix/message-writer.h"

namespace vantage::wire::ipfix {
namespace {

using core::ByteReader;
using core::ErrorCode;
using core::MakeError;

std::string Str(size_t v) {
  return std::to_string(v);
}

constexpr detail::SetDialect kDialect{
    "ipfix", "set", " in the message", kTemplateSetId, kOptionsTemplateSetId, false};

// Reads `fieldCount` field specifiers (RFC 7011 section 3.2) into `t`, keeping none when there
// are more than the limit; false (after counting) when the set ends first.
bool ReadFieldSpecs(ByteReader& body, Template& t, uint16_t fieldCount, const DecoderLimits& limits,
                    detail::DecodeErrors& errors) {
  const bool tooMany = fieldCount > limits.maxFieldsPerTemplate;
  if (!tooMany) t.fields.reserve(fieldCount);
  for (uint16_t i = 0; i < fieldCount; ++i) {
    FieldSpec f;
    auto where = [&] { return "template " + Str(t.id) + " field " + Str(i); };
    if (!body.ReadU16(f.id) || !body.ReadU16(f.length)) {
      errors.Fail("truncated_template", body.Need(4, (where() + " of " + Str(fieldCount)).c_str()));
      return false;
    }
    if (f.id & 0x8000) {
      f.id &= 0x7fff;
      if (!body.ReadU32(f.enterprise)) {
        errors.Fail("truncated_template", body.Need(4, (where() + " enterprise number").c_str()));
        return false;
      }
    }
    if (!tooMany) t.fields.push_back(f);
  }
  return true;
}

}  // namespace

core::Result<uint16_t> PeekMessageLength(ByteReader stream) {
  if (stream.Remaining() < kMessageHeaderLength) {
    return stream.Need(kMessageHeaderLength, "IPFIX message header");
  }
  uint16_t version = 0, length = 0;
  (void)stream.ReadU16(version);
  (void)stream.ReadU16(length);
  if (version != kVersion) {
    return MakeError(ErrorCode::kUnsupported,
                     "IPFIX version: expected 10, found " + Str(version) + " at offset " +
                         Str(stream.Offset() - 4),
                     stream.Offset() - 4);
  }
  if (length < kMessageHeaderLength) {
    return MakeError(ErrorCode::kInvalid,
                     "IPFIX message length " + Str(length) + " is below 16 at offset " +
                         Str(stream.Offset() - 2),
                     stream.Offset() - 2);
  }
  if (length > stream.Size() - stream.Position() + 4) {
    return MakeError(ErrorCode::kTruncated,
                     "IPFIX message length " + Str(length) + ", only " +
                         Str(stream.Remaining() + 4) + " bytes available at offset " +
                         Str(stream.Offset() - 4),
                     stream.Offset() - 4);
  }
  return length;
}

void Session::ClearTemplates() {
  m_templates.Clear();
}

const Template* Session::FindTemplate(uint32_t domain, uint16_t id) const {
  return m_templates.Find(domain, id);
}

core::Status Session::Decode(ByteReader message, MessageHandler& handler) {
  const size_t start = message.Offset();
  auto peek = PeekMessageLength(message);
  if (!peek) {
    const auto code = peek.GetError().code;
    m_anomalies.Count(code == ErrorCode::kUnsupported ? "ipfix.bad_version"
                      : code == ErrorCode::kTruncated ? "ipfix.truncated_message"
                                                      : "ipfix.bad_message_length");
    return peek.GetError();
  }
  ByteReader msg;
  (void)message.Sub(*peek, msg);
  MessageInfo info;
  info.version = kVersion;
  info.offset = start;
  uint16_t version = 0, length = 0;
  (void)msg.ReadU16(version);
  (void)msg.ReadU16(length);
  (void)msg.ReadU32(info.exportTime);
  (void)msg.ReadU32(info.sequence);
  (void)msg.ReadU32(info.observationDomain);
  handler.OnMessage(info);

  detail::DecodeErrors errors(m_anomalies, "ipfix");
  auto onTemplateSet = [&](uint16_t setId, ByteReader body) {
    errors.Keep(DecodeTemplateSet(info, setId, body, handler));
  };
  const detail::SetWalk walk{
      kDialect, info, m_templates, m_limits, handler, errors, detail::TemplateSetFn(onTemplateSet)};
  (void)detail::WalkSets(walk, msg);
  return errors.First();
}

core::Status Session::DecodeTemplateSet(const MessageInfo& info, uint16_t setId, ByteReader body,
                                        MessageHandler& handler) {
  detail::DecodeErrors errors(m_anomalies, "ipfix");
  const bool options = setId == kOptionsTemplateSetId;
  while (body.Remaining() >= 4) {
    const size_t recOffset = body.Offset();
    uint16_t templateId = 0, fieldCount = 0;
    (void)body.ReadU16(templateId);
    (void)body.ReadU16(fieldCount);
    if (fieldCount == 0) {
      Withdraw(info, setId, templateId, recOffset, handler, errors);
      continue;
    }
    Template t;
    t.id = templateId;
    if (options && !body.ReadU16(t.scopeFieldCount)) {
      errors.Fail("truncated_template", body.Need(2, "options template scope field count"));
      break;
    }
    if (!ReadFieldSpecs(body, t, fieldCount, m_limits, errors)) break;
    Accept(info, t, options, fieldCount, recOffset, handler, errors);
  }
  return errors.First();
}

void Session::Withdraw(const MessageInfo& info, uint16_t setId, uint16_t templateId, size_t offset,
                       MessageHandler& handler, detail::DecodeErrors& errors) {
  // Withdrawal (RFC 7011 section 8.1); id 2/3 withdraws all (options) templates.
  if (templateId == setId) {
    m_templates.EraseAll(info.observationDomain, setId == kOptionsTemplateSetId);
    handler.OnTemplateWithdrawn(info, templateId);
  } else if (templateId < 256) {
    errors.Fail("bad_template_id", MakeError(ErrorCode::kInvalid,
                                             "withdrawal of template id " + Str(templateId) +
                                                 " at offset " + Str(offset),
                                             offset));
  } else {
    if (!m_templates.Erase(info.observationDomain, templateId)) {
      errors.Count("withdraw_unknown_template");
    }
    handler.OnTemplateWithdrawn(info, templateId);
  }
}

void Session::Accept(const MessageInfo& info, const Template& t, bool options, uint16_t fieldCount,
                     size_t offset, MessageHandler& handler, detail::DecodeErrors& errors) {
  auto refuse = [&](const char* anomaly, ErrorCode code, const std::string& why) {
    errors.Fail(anomaly, MakeError(code, why + " at offset " + Str(offset), offset));
  };
  const std::string name = "template " + Str(t.id);
  if (t.id < 256) {
    return refuse("bad_template_id", ErrorCode::kInvalid,
                  "template id " + Str(t.id) + " is below 256");
  }
  if (fieldCount > m_limits.maxFieldsPerTemplate) {
    return refuse(
        "template_too_many_fields", ErrorCode::kLimit,
        name + " has " + Str(fieldCount) + " fields, limit " + Str(m_limits.maxFieldsPerTemplate));
  }
  if (options && (t.scopeFieldCount == 0 || t.scopeFieldCount > fieldCount)) {
    return refuse("bad_scope_count", ErrorCode::kInvalid,
                  "options " + name + " scope field count " + Str(t.scopeFieldCount) +
                      " not in 1.." + Str(fieldCount));
  }
  if (t.MinRecordLength() == 0) {
    // Every field has length 0: its records would be empty and a reader could loop on them.
    return refuse("zero_length_template", ErrorCode::kInvalid, name + ": every field has length 0");
  }
  if (!m_templates.Put(info.observationDomain, t)) {
    return refuse("template_limit", ErrorCode::kLimit,
                  name + " refused: domain " + Str(info.observationDomain) + " holds " +
                      Str(m_templates.CountInDomain(info.observationDomain)) +
                      " templates, session " + Str(m_templates.Size()));
  }
  handler.OnTemplate(info, t);
}

}  // namespace vantage::wire::ipfix
