// The message framing shared by the NetFlow v9 and IPFIX writers: a message buffer that opens
// a header, groups consecutive records of one set id into one set, pads sets, and says when
// the next record needs a new message. The writers keep their headers, counts and sequences.
// RFC 7011 section 3 (IPFIX), RFC 3954 section 5 (v9).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "vantage/core/byte-reader.h"
#include "vantage/core/result.h"
#include "vantage/wire/template.h"

namespace vantage::wire::detail {

/// @brief What differs between the v9 and IPFIX message layouts.
struct FramerLayout {
  size_t headerLength;
  size_t maxMessageSize;          ///< clamped to [headerLength + 8, 65535]
  bool padSets;                   ///< pad each set to 4 bytes (v9 always; IPFIX optional)
  size_t templateSetMinRecord;    ///< shortest record of a (options) template set, for padding
  uint32_t maxRecordsPerMessage;  ///< v9's header count is 16 bits
};

/// @brief One message being built.
class MessageFramer {
 public:
  using HeaderWriter = std::function<void(core::ByteWriter&)>;
  /// @param templates the writer's registered templates (their shortest record bounds padding)
  MessageFramer(FramerLayout layout, HeaderWriter header,
                const std::map<uint16_t, Template>& templates);

  /// @brief True if a record of `size` bytes fits in an otherwise empty message.
  bool FitsAlone(size_t size) const;
  /// @brief True if the open message cannot take a record of `size` bytes for `setId`.
  bool NeedsNewMessage(uint16_t setId, size_t size) const;
  /// @brief Appends one record, opening the message and the set as needed.
  void Append(uint16_t setId, const std::vector<uint8_t>& record);
  /// @brief True if the open message holds anything beyond its header.
  bool HasContent() const { return m_msg.size() > m_layout.headerLength; }
  /// @brief Closes the open set and hands out the message (header not yet patched); the
  /// framer starts empty again. Call only when HasContent().
  std::vector<uint8_t> Take();
  /// @brief Drops an open message that holds only its header.
  void Discard();
  /// @brief Records (of any set) and data records in the open message.
  uint32_t Records() const { return m_records; }
  uint32_t DataRecords() const { return m_dataRecords; }
  size_t MaxMessageSize() const { return m_layout.maxMessageSize; }

 private:
  void Start();
  void OpenSet(uint16_t setId);
  void CloseSet();
  size_t Padding() const { return m_layout.padSets ? 3 : 0; }

  static constexpr uint32_t kNoSet = 0x10000;
  FramerLayout m_layout;
  HeaderWriter m_header;
  const std::map<uint16_t, Template>& m_templates;
  std::vector<uint8_t> m_msg;
  size_t m_setStart = 0;
  uint32_t m_openSet = kNoSet;
  uint32_t m_records = 0;
  uint32_t m_dataRecords = 0;
};

}  // namespace vantage::wire::detail
