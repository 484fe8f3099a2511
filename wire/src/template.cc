// Templates shared by NetFlow v9 and IPFIX, and the walk over one data record's fields
// (RFC 7011 section 7 variable-length encoding).
#include "vantage/wire/template.h"

#include <string>

namespace vantage::wire {

bool Template::HasVariableLength() const {
  for (const auto& f : fields) {
    if (f.length == kVariableLength) return true;
  }
  return false;
}

size_t Template::MinRecordLength() const {
  size_t n = 0;
  for (const auto& f : fields) n += f.length == kVariableLength ? 1 : f.length;
  return n;
}

int Template::FindField(uint16_t fieldId, uint32_t enterprise) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].id == fieldId && fields[i].enterprise == enterprise) return static_cast<int>(i);
  }
  return -1;
}

bool RecordFieldIterator::Next(const FieldSpec*& spec, core::ByteReader& value) {
  if (m_failed || m_index >= m_tmpl->fields.size()) return false;
  const FieldSpec& f = m_tmpl->fields[m_index];
  size_t len = f.length;
  if (f.length == kVariableLength) {
    // RFC 7011 section 7: one length octet, or 255 followed by a two-octet length.
    uint8_t l8 = 0;
    if (!m_reader.ReadU8(l8)) {
      m_failed = true;
      m_error = m_reader.Need(1, "variable-length field length");
      return false;
    }
    len = l8;
    if (l8 == 255) {
      uint16_t l16 = 0;
      if (!m_reader.ReadU16(l16)) {
        m_failed = true;
        m_error = m_reader.Need(2, "variable-length field long length");
        return false;
      }
      len = l16;
    }
  }
  if (!m_reader.Sub(len, value)) {
    m_failed = true;
    m_error = m_reader.Need(
        len,
        ("field " + std::to_string(m_index) + " (element " + std::to_string(f.id) + ")").c_str());
    return false;
  }
  spec = &f;
  ++m_index;
  return true;
}

}  // namespace vantage::wire
