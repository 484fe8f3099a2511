// IPFIX message decoding (RFC 7011) with template state for one Transport Session: templates
// and options templates per Observation Domain, withdrawal, variable-length fields,
// enterprise IEs, set padding. Malformed input yields an error naming the offset and counts a
// named anomaly ("ipfix.truncated_set", ...); decoding goes on with the next set where it can.
//
//   ipfix::Session session;
//   MyHandler h;                       // a MessageHandler
//   auto st = session.Decode(datagram, h);
#pragma once

#include <cstdint>

#include "vantage/core/anomaly.h"
#include "vantage/core/byte-reader.h"
#include "vantage/core/result.h"
#include "vantage/wire/message-handler.h"
#include "vantage/wire/template-store.h"
#include "vantage/wire/template.h"

namespace vantage::wire::detail {
class DecodeErrors;
}  // namespace vantage::wire::detail

namespace vantage::wire::ipfix {

/// @brief Template state of one IPFIX Transport Session (all its observation domains).
class Session {
 public:
  explicit Session(DecoderLimits limits = {}) : m_limits(limits), m_templates(limits) {}

  /// @brief Decodes exactly one message (the reader must start at its header). Stops at the
  /// message length; bytes after it are not read.
  core::Status Decode(core::ByteReader message, MessageHandler& handler);

  /// @brief Template `id` of `domain`, or nullptr.
  const Template* FindTemplate(uint32_t domain, uint16_t id) const;
  size_t TemplateCount() const { return m_templates.Size(); }
  /// @brief Drops all templates of a domain (e.g. on template lifetime expiry).
  void ClearTemplates();
  core::AnomalyCounters& Anomalies() { return m_anomalies; }
  const core::AnomalyCounters& Anomalies() const { return m_anomalies; }

 private:
  core::Status DecodeTemplateSet(const MessageInfo& info, uint16_t setId, core::ByteReader body,
                                 MessageHandler& handler);
  void Withdraw(const MessageInfo& info, uint16_t setId, uint16_t templateId, size_t offset,
                MessageHandler& handler, detail::DecodeErrors& errors);
  void Accept(const MessageInfo& info, const Template& t, bool options, uint16_t fieldCount,
              size_t offset, MessageHandler& handler, detail::DecodeErrors& errors);

  DecoderLimits m_limits;
  TemplateStore m_templates;
  core::AnomalyCounters m_anomalies;
};

/// @brief Reads the 16-byte header and returns the message length it announces, checking that
/// version is 10 and the length is within [16, available].
core::Result<uint16_t> PeekMessageLength(core::ByteReader stream);

}  // namespace vantage::wire::ipfix
