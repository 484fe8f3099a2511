// The callbacks every message decoder (NetFlow v9, IPFIX) calls while walking a message, so
// collectors, dumps and tests share one decoding loop.
#pragma once

#include <cstdint>

#include "vantage/core/byte-reader.h"
#include "vantage/wire/template.h"

namespace vantage::wire {

/// @brief Header fields of the message being decoded.
struct MessageInfo {
  uint16_t version = 0;            ///< 9 or 10
  uint32_t exportTime = 0;         ///< UNIX seconds
  uint32_t sequence = 0;           ///< v9: packet sequence; IPFIX: records before this message
  uint32_t observationDomain = 0;  ///< v9 source id, IPFIX observation domain id
  uint32_t sysUpTimeMs = 0;        ///< v9 only
  uint16_t count = 0;              ///< v9 header count (records of all kinds)
  size_t offset = 0;               ///< where the message starts in its stream or file
};

/// @brief Receives what a decoder finds. Override what you need.
class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  virtual void OnMessage(const MessageInfo& /*info*/) {}
  virtual void OnTemplate(const MessageInfo& /*info*/, const Template& /*tmpl*/) {}
  virtual void OnTemplateWithdrawn(const MessageInfo& /*info*/, uint16_t /*templateId*/) {}
  /// @brief A data record (or options record, see tmpl.IsOptions()) of a known template.
  virtual void OnDataRecord(const MessageInfo& info, const Template& tmpl,
                            core::ByteReader record) = 0;
  /// @brief A data set whose template is not known (yet). `body` is the set without header.
  virtual void OnMissingTemplate(const MessageInfo& /*info*/, uint16_t /*setId*/,
                                 core::ByteReader /*body*/) {}
};

}  // namespace vantage::wire
