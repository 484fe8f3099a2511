// The set walk shared by the v9 and IPFIX readers (see set-walker.h). RFC 7011 sections 3.3
// (sets, padding) and 7 (variable-length fields); RFC 3954 section 5 (FlowSets).
#include "set-walker.h"

#include <algorithm>
#include <string>
#include <utility>

#include "flow-decode-scope.h"

namespace vantage::wire::detail {
namespace {

using core::ByteReader;
using core::ErrorCode;
using core::MakeError;

std::string Str(size_t v) {
  return std::to_string(v);
}

// Length of the variable-length record at the front of `body`; 0 after counting an anomaly
// when no further record can be read (padding is not an anomaly).
size_t VariableRecordLength(const SetWalk& w, const Template& t, uint16_t setId,
                            const ByteReader& body) {
  RecordFieldIterator it(t, ByteReader(body.Current(), body.Remaining(), body.Offset()));
  const FieldSpec* spec = nullptr;
  ByteReader value;
  size_t longest = 0;
  while (it.Next(spec, value)) {
    if (spec->length == kVariableLength) longest = std::max(longest, value.Size());
  }
  if (!it.Failed() && longest > w.limits.maxVariableLength) {
    w.errors.Fail("variable_length_limit",
                  MakeError(ErrorCode::kLimit,
                            "data set " + Str(setId) + ": variable-length field of " +
                                Str(longest) + " bytes, limit " + Str(w.limits.maxVariableLength) +
                                " at offset " + Str(body.Offset()),
                            body.Offset()));
    return 0;
  }
  if (it.Failed()) {
    // Trailing zero bytes shorter than a record are padding (RFC 7011 section 3.3.1).
    if (!AllZero(body)) {
      w.errors.Fail(
          "truncated_record",
          MakeError(ErrorCode::kTruncated, "data set " + Str(setId) + ": " + it.GetError().message,
                    it.GetError().offset));
    }
    return 0;
  }
  return it.Consumed();
}

// The records of a template without variable-length fields. Each record's reader is made one
// record ahead: copying a reader into the handler's argument right after the stores that made
// it stalled on store forwarding at every record (`perf annotate`).
size_t WalkFixedRecords(const SetWalk& w, const Template& t, size_t length, ByteReader body) {
  const size_t count = body.Remaining() / length;
  ByteReader next;
  if (count == 0 || !body.Sub(length, next)) return 0;
  for (size_t i = 0; i < count; ++i) {
    const ByteReader record = next;
    if (i + 1 < count) (void)body.Sub(length, next);
    w.handler.OnDataRecord(w.info, t, record);
  }
  return count;
}

size_t WalkDataSet(const SetWalk& w, uint16_t setId, size_t setOffset, ByteReader body) {
  const Template* tmpl = w.templates.Find(w.info.observationDomain, setId);
  if (tmpl == nullptr) {
    w.errors.Count("unknown_template");
    w.handler.OnMissingTemplate(w.info, setId, body);
    return 0;
  }
  // A copy: a handler may not change templates, but keep the record walk independent of the
  // store. The scope's copy also carries the records' decode plan.
  const FlowDecodeScope scope(*tmpl);
  const Template& t = scope.HeldTemplate();
  const size_t minLength = scope.MinRecordLength();
  if (minLength == 0) {
    // Unreachable: readers refuse such templates; kept so no template can make this loop spin.
    w.errors.Fail(
        "zero_length_template",
        MakeError(ErrorCode::kInvalid,
                  "template " + Str(setId) + " has records of length 0 at offset " + Str(setOffset),
                  setOffset));
    return 0;
  }
  if (!scope.HasVariableLength()) return WalkFixedRecords(w, t, minLength, body);
  size_t records = 0;
  while (body.Remaining() >= minLength) {
    const size_t recordLength = VariableRecordLength(w, t, setId, body);
    if (recordLength == 0) break;
    ByteReader record;
    (void)body.Sub(recordLength, record);
    ++records;
    w.handler.OnDataRecord(w.info, t, record);
  }
  return records;
}

// Reads one set header and its body; false (after counting) when the walk must stop.
bool NextSet(const SetWalk& w, ByteReader& msg, uint16_t& setId, ByteReader& body) {
  const SetDialect& d = w.dialect;
  const size_t setOffset = msg.Offset();
  if (msg.Remaining() < 4) {
    if (!d.trailingZeroPadding || !AllZero(msg)) {
      w.errors.Fail("truncated_set", msg.Need(4, (std::string(d.setNoun) + " header").c_str()));
    }
    return false;
  }
  uint16_t setLength = 0;
  (void)msg.ReadU16(setId);
  (void)msg.ReadU16(setLength);
  if (setLength < 4) {
    if (d.trailingZeroPadding && setId == 0 && setLength == 0 && AllZero(msg)) return false;
    w.errors.Fail("bad_set_length",
                  MakeError(ErrorCode::kInvalid,
                            std::string(d.setNoun) + " " + Str(setId) + " length " +
                                Str(setLength) + " is below 4 at offset " + Str(setOffset),
                            setOffset));
    return false;  // the rest of the message cannot be delimited
  }
  if (!msg.Sub(setLength - 4u, body)) {
    w.errors.Fail("set_too_long",
                  MakeError(ErrorCode::kTruncated,
                            std::string(d.setNoun) + " " + Str(setId) + " length " +
                                Str(setLength) + ", only " + Str(msg.Remaining() + 4) +
                                " bytes left" + d.leftWhere + " at offset " + Str(setOffset),
                            setOffset));
    return false;
  }
  return true;
}

}  // namespace

bool AllZero(const ByteReader& r) {
  for (size_t i = 0; i < r.Remaining(); ++i) {
    if (r.Current()[i] != 0) return false;
  }
  return true;
}

void DecodeErrors::Fail(const char* what, core::Error e) {
  Count(what);
  if (m_first) m_first = std::move(e);
}

void DecodeErrors::Count(const char* what) {
  m_anomalies.Count(std::string(m_prefix) + "." + what);
}

void DecodeErrors::Keep(const core::Status& st) {
  if (!st && m_first) m_first = st;
}

size_t WalkSets(const SetWalk& w, ByteReader msg) {
  size_t records = 0;
  while (!msg.Empty()) {
    const size_t setOffset = msg.Offset();
    uint16_t setId = 0;
    ByteReader body;
    if (!NextSet(w, msg, setId, body)) break;
    if (setId == w.dialect.templateSetId || setId == w.dialect.optionsTemplateSetId) {
      w.onTemplateSet(setId, body);
    } else if (setId < 256) {
      w.errors.Fail("reserved_set_id",
                    MakeError(ErrorCode::kInvalid,
                              std::string(w.dialect.setNoun) + " id " + Str(setId) +
                                  " is reserved at offset " + Str(setOffset),
                              setOffset));
    } else {
      records += WalkDataSet(w, setId, setOffset, body);
    }
  }
  return records;
}

}  // namespace vantage::wire::detail
