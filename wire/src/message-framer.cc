// Message framing shared by the v9 and IPFIX writers (see message-framer.h).
#include "message-framer.h"

#include <algorithm>
#include <utility>

namespace vantage::wire::detail {
namespace {

constexpr size_t kSetHeaderLength = 4;

}  // namespace

MessageFramer::MessageFramer(FramerLayout layout, HeaderWriter header,
                             const std::map<uint16_t, Template>& templates)
    : m_layout(layout), m_header(std::move(header)), m_templates(templates) {
  m_layout.maxMessageSize = std::min<size_t>(m_layout.maxMessageSize, 65535);
  m_layout.maxMessageSize = std::max<size_t>(m_layout.maxMessageSize, m_layout.headerLength + 8);
}

bool MessageFramer::FitsAlone(size_t size) const {
  return m_layout.headerLength + kSetHeaderLength + size + Padding() <= m_layout.maxMessageSize;
}

bool MessageFramer::NeedsNewMessage(uint16_t setId, size_t size) const {
  const size_t used = m_msg.empty() ? m_layout.headerLength : m_msg.size();
  const size_t need = (m_openSet == setId ? 0 : kSetHeaderLength) + size + Padding();
  return used + need > m_layout.maxMessageSize || m_records >= m_layout.maxRecordsPerMessage;
}

void MessageFramer::Append(uint16_t setId, const std::vector<uint8_t>& record) {
  if (m_msg.empty()) Start();
  if (m_openSet != setId) OpenSet(setId);
  m_msg.insert(m_msg.end(), record.begin(), record.end());
  ++m_records;
  if (setId >= 256) ++m_dataRecords;
}

std::vector<uint8_t> MessageFramer::Take() {
  CloseSet();
  std::vector<uint8_t> out;
  out.swap(m_msg);
  m_records = 0;
  m_dataRecords = 0;
  return out;
}

void MessageFramer::Discard() {
  m_msg.clear();
  m_openSet = kNoSet;
  m_records = 0;
  m_dataRecords = 0;
}

void MessageFramer::Start() {
  m_msg.clear();
  core::ByteWriter w(m_msg);
  m_header(w);
  m_openSet = kNoSet;
  m_records = 0;
  m_dataRecords = 0;
}

void MessageFramer::OpenSet(uint16_t setId) {
  CloseSet();
  m_setStart = m_msg.size();
  core::ByteWriter w(m_msg);
  w.WriteU16(setId);
  w.WriteU16(0);  // length, patched in CloseSet
  m_openSet = setId;
}

void MessageFramer::CloseSet() {
  if (m_openSet == kNoSet) return;
  if (m_layout.padSets) {
    // RFC 7011 section 3.3.1, RFC 3954 section 5.3: sets are padded to 4 bytes, with padding
    // shorter than any record of the set so a reader cannot take it for one.
    const size_t pad = (4 - (m_msg.size() - m_setStart) % 4) % 4;
    size_t minRecord = m_layout.templateSetMinRecord;
    if (m_openSet >= 256) {
      auto it = m_templates.find(static_cast<uint16_t>(m_openSet));
      minRecord = it == m_templates.end() ? 0 : it->second.MinRecordLength();
    }
    if (pad > 0 && pad < minRecord) m_msg.insert(m_msg.end(), pad, 0);
  }
  core::ByteWriter w(m_msg);
  w.PatchU16(m_setStart + 2, static_cast<uint16_t>(m_msg.size() - m_setStart));
  m_openSet = kNoSet;
}

}  // namespace vantage::wire::detail
