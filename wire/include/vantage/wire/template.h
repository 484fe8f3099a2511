// Templates (RFC 7011 section 3.4; RFC 3954 section 5.2): an ordered list of field
// specifiers that says how to read a data record. Shared by NetFlow v9 and IPFIX.
//
//   Template t{256, {{ie::kSourceIPv4Address, 4}, {ie::kOctetDeltaCount, 8}}};
//   t.MinRecordLength();  // 12
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vantage/core/byte-reader.h"
#include "vantage/core/result.h"
#include "vantage/wire/information-element.h"

namespace vantage::wire {

/// @brief One field specifier: element id, length (kVariableLength allowed in IPFIX) and
/// enterprise number (0 for IANA).
struct FieldSpec {
  uint16_t id = 0;
  uint16_t length = 0;
  uint32_t enterprise = 0;

  friend bool operator==(const FieldSpec& a, const FieldSpec& b) {
    return a.id == b.id && a.length == b.length && a.enterprise == b.enterprise;
  }
};

/// @brief A (data or options) template. Template ids are 256..65535.
struct Template {
  uint16_t id = 0;
  std::vector<FieldSpec> fields;
  /// Number of leading scope fields; non-zero makes this an options template.
  uint16_t scopeFieldCount = 0;

  bool IsOptions() const { return scopeFieldCount > 0; }
  bool HasVariableLength() const;
  /// @brief Bytes of the smallest possible record (variable-length fields count 1 byte).
  size_t MinRecordLength() const;
  /// @brief Index of the first field with this id/enterprise, or -1.
  int FindField(uint16_t id, uint32_t enterprise = 0) const;

  friend bool operator==(const Template& a, const Template& b) {
    return a.id == b.id && a.fields == b.fields && a.scopeFieldCount == b.scopeFieldCount;
  }
};

/// @brief Limits that keep hostile input from exhausting memory.
struct DecoderLimits {
  size_t maxTemplatesPerDomain = 4096;
  size_t maxFieldsPerTemplate = 512;
  size_t maxVariableLength = 65535;
  /// Templates of all domains / source ids of one session together.
  size_t maxTemplatesTotal = 16384;
};

/// @brief Walks the fields of one data record: for each field, its spec and its bytes.
/// Handles IPFIX variable-length encoding (RFC 7011 section 7). Returns an error naming the
/// offset if the record is shorter than its template says.
class RecordFieldIterator {
 public:
  RecordFieldIterator(const Template& tmpl, core::ByteReader record)
      : m_tmpl(&tmpl), m_reader(record) {}
  /// @brief Advances to the next field; false at the end or on error (see Error()).
  bool Next(const FieldSpec*& spec, core::ByteReader& value);
  bool Failed() const { return m_failed; }
  const core::Error& GetError() const { return m_error; }
  /// @brief Bytes of the record consumed so far (the record length once Next() returned
  /// false without failing).
  size_t Consumed() const { return m_reader.Position(); }

 private:
  const Template* m_tmpl;
  core::ByteReader m_reader;
  size_t m_index = 0;
  bool m_failed = false;
  core::Error m_error;
};

}  // namespace vantage::wire
