// NetFlow v9 decoding (RFC 3954 sections 5-6): template and options template FlowSets per
// source id, data FlowSets with padding; the header count is checked against the records.
#include "vantage/wire/v9/message-reader.h"

#include <string>

#include "vantage/wire/v9/message-writer.h"

namespace vantage::wire::v9 {
namespace {

using core::ByteReader;
using core::ErrorCode;
using core::MakeError;

std::string Str(size_t v) {
  return std::to_string(v);
}

bool AllZero(const ByteReader& r) {
  for (size_t i = 0; i < r.Remaining(); ++i) {
    if (r.Current()[i] != 0) return false;
  }
  return true;
}

}  // namespace

const Template* Session::FindTemplate(uint32_t sourceId, uint16_t id) const {
  auto it = m_templates.find({sourceId, id});
  return it == m_templates.end() ? nullptr : &it->second;
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

  core::Status first;
  auto fail = [&first, this](const char* anomaly, core::Error e) {
    m_anomalies.Count(anomaly);
    if (first) first = std::move(e);
  };
  size_t templateRecords = 0, dataRecords = 0;
  while (!packet.Empty()) {
    const size_t setOffset = packet.Offset();
    if (packet.Remaining() < 4) {
      if (!AllZero(packet)) fail("v9.truncated_set", packet.Need(4, "FlowSet header"));
      break;
    }
    uint16_t setId = 0, setLength = 0;
    (void)packet.ReadU16(setId);
    (void)packet.ReadU16(setLength);
    if (setLength < 4) {
      if (setId == 0 && setLength == 0 && AllZero(packet)) break;  // trailing padding
      fail("v9.bad_set_length", MakeError(ErrorCode::kInvalid,
                                          "FlowSet " + Str(setId) + " length " + Str(setLength) +
                                              " is below 4 at offset " + Str(setOffset),
                                          setOffset));
      break;
    }
    ByteReader body;
    if (!packet.Sub(setLength - 4u, body)) {
      fail("v9.set_too_long",
           MakeError(ErrorCode::kTruncated,
                     "FlowSet " + Str(setId) + " length " + Str(setLength) + ", only " +
                         Str(packet.Remaining() + 4) + " bytes left at offset " + Str(setOffset),
                     setOffset));
      break;
    }
    if (setId == kTemplateFlowSetId || setId == kOptionsTemplateFlowSetId) {
      const bool options = setId == kOptionsTemplateFlowSetId;
      while (body.Remaining() >= 4) {
        const size_t recOffset = body.Offset();
        uint16_t templateId = 0, a = 0, b = 0;
        (void)body.ReadU16(templateId);
        (void)body.ReadU16(a);
        if (templateId == 0 && a == 0 && AllZero(body)) break;  // padding
        size_t scopeCount = 0, fieldCount = a;
        if (options) {
          if (!body.ReadU16(b)) {
            fail("v9.truncated_template", body.Need(2, "options template option length"));
            break;
          }
          if (a % 4 != 0 || b % 4 != 0) {
            fail("v9.bad_options_template",
                 MakeError(ErrorCode::kInvalid,
                           "options template " + Str(templateId) + " scope length " + Str(a) +
                               " / option length " + Str(b) + " not multiples of 4 at offset " +
                               Str(recOffset),
                           recOffset));
            break;
          }
          scopeCount = a / 4;
          fieldCount = (static_cast<size_t>(a) + b) / 4;
        }
        const bool tooMany = fieldCount > m_limits.maxFieldsPerTemplate;
        Template t;
        t.id = templateId;
        t.scopeFieldCount = static_cast<uint16_t>(scopeCount);
        if (!tooMany) t.fields.reserve(fieldCount);
        bool truncated = false;
        for (size_t i = 0; i < fieldCount; ++i) {
          FieldSpec f;
          if (!body.ReadU16(f.id) || !body.ReadU16(f.length)) {
            fail("v9.truncated_template", body.Need(4, ("template " + Str(templateId) + " field " +
                                                        Str(i) + " of " + Str(fieldCount))
                                                           .c_str()));
            truncated = true;
            break;
          }
          if (!tooMany) t.fields.push_back(f);
        }
        if (truncated) break;
        ++templateRecords;
        auto refuse = [&](const char* anomaly, ErrorCode code, const std::string& why) {
          fail(anomaly,
               MakeError(code,
                         "template " + Str(templateId) + " " + why + " at offset " + Str(recOffset),
                         recOffset));
        };
        if (templateId < 256) {
          refuse("v9.bad_template_id", ErrorCode::kInvalid, "id is below 256");
          continue;
        }
        if (fieldCount == 0) {
          refuse("v9.empty_template", ErrorCode::kInvalid, "has no fields");
          continue;
        }
        if (tooMany) {
          refuse("v9.template_too_many_fields", ErrorCode::kLimit,
                 "has " + Str(fieldCount) + " fields, limit " + Str(m_limits.maxFieldsPerTemplate));
          continue;
        }
        if (options && scopeCount == 0) {
          refuse("v9.bad_scope_count", ErrorCode::kInvalid, "has no scope field");
          continue;
        }
        bool variable = false;
        for (const auto& f : t.fields) variable = variable || f.length == kVariableLength;
        if (variable) {
          refuse("v9.variable_length", ErrorCode::kInvalid, "uses length 65535 (not in v9)");
          continue;
        }
        if (t.MinRecordLength() == 0) {
          refuse("v9.zero_length_template", ErrorCode::kInvalid, "has only zero-length fields");
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
            refuse("v9.template_limit", ErrorCode::kLimit,
                   "refused: source id holds " + Str(inDomain) + " templates");
            continue;
          }
        }
        m_templates[key] = t;
        handler.OnTemplate(info, t);
      }
      continue;
    }
    if (setId < 256) {
      fail("v9.reserved_set_id",
           MakeError(ErrorCode::kInvalid,
                     "FlowSet id " + Str(setId) + " is reserved at offset " + Str(setOffset),
                     setOffset));
      continue;
    }
    const Template* tmpl = FindTemplate(info.observationDomain, setId);
    if (tmpl == nullptr) {
      m_anomalies.Count("v9.unknown_template");
      handler.OnMissingTemplate(info, setId, body);
      continue;
    }
    const Template t = *tmpl;
    const size_t recordLength = t.MinRecordLength();
    if (recordLength == 0) continue;  // refused when the template arrived
    while (body.Remaining() >= recordLength) {
      ByteReader record;
      (void)body.Sub(recordLength, record);
      ++dataRecords;
      handler.OnDataRecord(info, t, record);
    }
  }
  const size_t total = templateRecords + dataRecords;
  // softflowd leaves template records out of the count (see docs/wire.md): accept both.
  if (info.count != total && info.count != dataRecords) {
    m_anomalies.Count("v9.bad_count");
  }
  return first;
}

}  // namespace vantage::wire::v9
