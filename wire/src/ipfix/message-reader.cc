// IPFIX message decoding (RFC 7011 sections 3, 7, 8): template state per observation domain,
// bounded by DecoderLimits; every malformed field gives an error with its offset and a named
// anomaly, and decoding goes on with the next set where the set length allows.
#include "vantage/wire/ipfix/message-reader.h"

#include <algorithm>
#include <string>

#include "vantage/wire/ipfix/message-writer.h"

namespace vantage::wire::ipfix {
namespace {

using core::ByteReader;
using core::ErrorCode;
using core::MakeError;

std::string Str(size_t v) {
  return std::to_string(v);
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
  m_templates.clear();
}

const Template* Session::FindTemplate(uint32_t domain, uint16_t id) const {
  auto it = m_templates.find({domain, id});
  return it == m_templates.end() ? nullptr : &it->second;
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

  core::Status first;
  auto fail = [&first, this](const char* anomaly, core::Error e) {
    m_anomalies.Count(anomaly);
    if (first) first = std::move(e);
  };
  while (!msg.Empty()) {
    const size_t setOffset = msg.Offset();
    uint16_t setId = 0, setLength = 0;
    if (msg.Remaining() < 4) {
      fail("ipfix.truncated_set", msg.Need(4, "set header"));
      break;
    }
    (void)msg.ReadU16(setId);
    (void)msg.ReadU16(setLength);
    if (setLength < 4) {
      fail("ipfix.bad_set_length", MakeError(ErrorCode::kInvalid,
                                             "set " + Str(setId) + " length " + Str(setLength) +
                                                 " is below 4 at offset " + Str(setOffset),
                                             setOffset));
      break;  // the rest of the message cannot be delimited
    }
    ByteReader body;
    if (!msg.Sub(setLength - 4u, body)) {
      fail("ipfix.set_too_long",
           MakeError(ErrorCode::kTruncated,
                     "set " + Str(setId) + " length " + Str(setLength) + ", only " +
                         Str(msg.Remaining() + 4) + " bytes left in the message at offset " +
                         Str(setOffset),
                     setOffset));
      break;
    }
    if (setId == kTemplateSetId || setId == kOptionsTemplateSetId) {
      auto st = DecodeTemplateSet(info, setId, body, handler);
      if (!st && first) first = st;
      continue;
    }
    if (setId < 256) {
      fail("ipfix.reserved_set_id",
           MakeError(ErrorCode::kInvalid,
                     "set id " + Str(setId) + " is reserved at offset " + Str(setOffset),
                     setOffset));
      continue;
    }
    const Template* tmpl = FindTemplate(info.observationDomain, setId);
    if (tmpl == nullptr) {
      m_anomalies.Count("ipfix.unknown_template");
      handler.OnMissingTemplate(info, setId, body);
      continue;
    }
    const size_t minLength = tmpl->MinRecordLength();
    if (minLength == 0) {
      // Unreachable through DecodeTemplateSet, kept so no template can make this loop spin.
      fail("ipfix.zero_length_template",
           MakeError(
               ErrorCode::kInvalid,
               "template " + Str(setId) + " has records of length 0 at offset " + Str(setOffset),
               setOffset));
      continue;
    }
    // Copy: a handler may not change templates, but keep the record walk independent of the map.
    const Template t = *tmpl;
    const bool variable = t.HasVariableLength();
    while (body.Remaining() >= minLength) {
      size_t recordLength = minLength;
      if (variable) {
        RecordFieldIterator it(t, ByteReader(body.Current(), body.Remaining(), body.Offset()));
        const FieldSpec* spec = nullptr;
        ByteReader value;
        size_t longest = 0;
        while (it.Next(spec, value)) {
          if (spec->length == kVariableLength) longest = std::max(longest, value.Size());
        }
        if (!it.Failed() && longest > m_limits.maxVariableLength) {
          fail("ipfix.variable_length_limit",
               MakeError(ErrorCode::kLimit,
                         "data set " + Str(setId) + ": variable-length field of " + Str(longest) +
                             " bytes, limit " + Str(m_limits.maxVariableLength) + " at offset " +
                             Str(body.Offset()),
                         body.Offset()));
          break;
        }
        if (it.Failed()) {
          // Trailing zero bytes shorter than a record are padding (RFC 7011 section 3.3.1).
          bool allZero = true;
          for (size_t i = 0; i < body.Remaining(); ++i) allZero = allZero && body.Current()[i] == 0;
          if (!allZero) {
            fail("ipfix.truncated_record",
                 MakeError(ErrorCode::kTruncated,
                           "data set " + Str(setId) + ": " + it.GetError().message,
                           it.GetError().offset));
          }
          break;
        }
        recordLength = it.Consumed();
      }
      ByteReader record;
      (void)body.Sub(recordLength, record);
      handler.OnDataRecord(info, t, record);
    }
  }
  return first;
}

core::Status Session::DecodeTemplateSet(const MessageInfo& info, uint16_t setId, ByteReader body,
                                        MessageHandler& handler) {
  core::Status first;
  auto fail = [&first, this](const char* anomaly, core::Error e) {
    m_anomalies.Count(anomaly);
    if (first) first = std::move(e);
  };
  const bool options = setId == kOptionsTemplateSetId;
  while (body.Remaining() >= 4) {
    const size_t recOffset = body.Offset();
    uint16_t templateId = 0, fieldCount = 0;
    (void)body.ReadU16(templateId);
    (void)body.ReadU16(fieldCount);
    if (fieldCount == 0) {
      // Withdrawal (RFC 7011 section 8.1); id 2/3 withdraws all (options) templates.
      if (templateId == setId) {
        for (auto it = m_templates.begin(); it != m_templates.end();) {
          if (it->first.first == info.observationDomain && it->second.IsOptions() == options) {
            it = m_templates.erase(it);
          } else {
            ++it;
          }
        }
        handler.OnTemplateWithdrawn(info, templateId);
      } else if (templateId < 256) {
        fail("ipfix.bad_template_id", MakeError(ErrorCode::kInvalid,
                                                "withdrawal of template id " + Str(templateId) +
                                                    " at offset " + Str(recOffset),
                                                recOffset));
      } else {
        if (m_templates.erase({info.observationDomain, templateId}) == 0) {
          m_anomalies.Count("ipfix.withdraw_unknown_template");
        }
        handler.OnTemplateWithdrawn(info, templateId);
      }
      continue;
    }
    uint16_t scopeCount = 0;
    if (options) {
      if (!body.ReadU16(scopeCount)) {
        fail("ipfix.truncated_template", body.Need(2, "options template scope field count"));
        break;
      }
    }
    Template t;
    t.id = templateId;
    t.scopeFieldCount = scopeCount;
    const bool tooMany = fieldCount > m_limits.maxFieldsPerTemplate;
    if (!tooMany) t.fields.reserve(fieldCount);
    bool truncated = false;
    for (uint16_t i = 0; i < fieldCount; ++i) {
      FieldSpec f;
      if (!body.ReadU16(f.id) || !body.ReadU16(f.length)) {
        fail("ipfix.truncated_template", body.Need(4, ("template " + Str(templateId) + " field " +
                                                       Str(i) + " of " + Str(fieldCount))
                                                          .c_str()));
        truncated = true;
        break;
      }
      if (f.id & 0x8000) {
        f.id &= 0x7fff;
        if (!body.ReadU32(f.enterprise)) {
          fail("ipfix.truncated_template", body.Need(4, ("template " + Str(templateId) + " field " +
                                                         Str(i) + " enterprise number")
                                                            .c_str()));
          truncated = true;
          break;
        }
      }
      if (!tooMany) t.fields.push_back(f);
    }
    if (truncated) break;
    if (templateId < 256) {
      fail("ipfix.bad_template_id",
           MakeError(ErrorCode::kInvalid,
                     "template id " + Str(templateId) + " is below 256 at offset " + Str(recOffset),
                     recOffset));
      continue;
    }
    if (tooMany) {
      fail("ipfix.template_too_many_fields",
           MakeError(ErrorCode::kLimit,
                     "template " + Str(templateId) + " has " + Str(fieldCount) + " fields, limit " +
                         Str(m_limits.maxFieldsPerTemplate) + " at offset " + Str(recOffset),
                     recOffset));
      continue;
    }
    if (options && (scopeCount == 0 || scopeCount > fieldCount)) {
      fail("ipfix.bad_scope_count",
           MakeError(ErrorCode::kInvalid,
                     "options template " + Str(templateId) + " scope field count " +
                         Str(scopeCount) + " not in 1.." + Str(fieldCount) + " at offset " +
                         Str(recOffset),
                     recOffset));
      continue;
    }
    if (t.MinRecordLength() == 0) {
      // Every field has length 0: its records would be empty and a reader could loop on them.
      fail("ipfix.zero_length_template",
           MakeError(ErrorCode::kInvalid,
                     "template " + Str(templateId) + ": every field has length 0 at offset " +
                         Str(recOffset),
                     recOffset));
      continue;
    }
    const auto key = std::make_pair(info.observationDomain, templateId);
    if (m_templates.find(key) == m_templates.end()) {
      size_t inDomain = 0;
      for (auto it = m_templates.lower_bound({info.observationDomain, 0});
           it != m_templates.end() && it->first.first == info.observationDomain; ++it) {
        ++inDomain;
      }
      if (inDomain >= m_limits.maxTemplatesPerDomain ||
          m_templates.size() >= m_limits.maxTemplatesTotal) {
        fail("ipfix.template_limit",
             MakeError(ErrorCode::kLimit,
                       "template " + Str(templateId) + " refused: domain " +
                           Str(info.observationDomain) + " holds " + Str(inDomain) +
                           " templates, session " + Str(m_templates.size()) + " at offset " +
                           Str(recOffset),
                       recOffset));
        continue;
      }
    }
    m_templates[key] = t;
    handler.OnTemplate(info, t);
  }
  return first;
}

}  // namespace vantage::wire::ipfix
