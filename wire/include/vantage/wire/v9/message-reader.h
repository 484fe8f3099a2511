// NetFlow v9 decoding (RFC 3954) with template state per source id. Same MessageHandler as
// IPFIX; MessageInfo.version is 9 and sysUpTimeMs is set so sysUpTime fields become time.
//
//   v9::Session session;
//   session.Decode(datagram, handler);
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "vantage/core/anomaly.h"
#include "vantage/core/byte-reader.h"
#include "vantage/core/result.h"
#include "vantage/wire/message-handler.h"
#include "vantage/wire/template.h"

namespace vantage::wire::v9 {

/// @brief Template state of one v9 exporter (all its source ids).
class Session {
 public:
  explicit Session(DecoderLimits limits = {}) : m_limits(limits) {}
  /// @brief Decodes one export packet (a whole datagram).
  core::Status Decode(core::ByteReader packet, MessageHandler& handler);
  const Template* FindTemplate(uint32_t sourceId, uint16_t id) const;
  size_t TemplateCount() const { return m_templates.size(); }
  void ClearTemplates() { m_templates.clear(); }
  core::AnomalyCounters& Anomalies() { return m_anomalies; }
  const core::AnomalyCounters& Anomalies() const { return m_anomalies; }

 private:
  DecoderLimits m_limits;
  std::map<std::pair<uint32_t, uint16_t>, Template> m_templates;
  core::AnomalyCounters m_anomalies;
};

}  // namespace vantage::wire::v9
