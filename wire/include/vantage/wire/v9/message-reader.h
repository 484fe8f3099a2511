// NetFlow v9 decoding (RFC 3954) with template state per source id. Same MessageHandler as
// IPFIX; MessageInfo.version is 9 and sysUpTimeMs is set so sysUpTime fields become time.
//
//   v9::Session session;
//   session.Decode(datagram, handler);
#pragma once

#include <cstddef>
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

namespace vantage::wire::v9 {

/// @brief Template state of one v9 exporter (all its source ids).
class Session {
 public:
  explicit Session(DecoderLimits limits = {}) : m_limits(limits), m_templates(limits) {}
  /// @brief Decodes one export packet (a whole datagram).
  core::Status Decode(core::ByteReader packet, MessageHandler& handler);
  const Template* FindTemplate(uint32_t sourceId, uint16_t id) const;
  size_t TemplateCount() const { return m_templates.Size(); }
  void ClearTemplates() { m_templates.Clear(); }
  core::AnomalyCounters& Anomalies() { return m_anomalies; }
  const core::AnomalyCounters& Anomalies() const { return m_anomalies; }

 private:
  /// @brief Decodes one (options) template FlowSet; returns the template records it held.
  size_t DecodeTemplateSet(const MessageInfo& info, uint16_t setId, core::ByteReader body,
                           MessageHandler& handler, detail::DecodeErrors& errors);
  void Accept(const MessageInfo& info, const Template& t, bool options, size_t fieldCount,
              size_t offset, MessageHandler& handler, detail::DecodeErrors& errors);

  DecoderLimits m_limits;
  TemplateStore m_templates;
  core::AnomalyCounters m_anomalies;
};

}  // namespace vantage::wire::v9
