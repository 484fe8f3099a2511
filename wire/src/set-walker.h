// The walk over the sets of one NetFlow v9 or IPFIX message, shared by both readers: set
// headers, data records of known templates (IPFIX variable-length fields and set padding
// included), data sets whose template is missing. Template sets go back to the reader, which
// knows its protocol's template record layout. Anomalies keep the protocol's prefix
// ("ipfix.truncated_set", "v9.truncated_set").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "vantage/core/anomaly.h"
#include "vantage/core/byte-reader.h"
#include "vantage/core/result.h"
#include "vantage/wire/message-handler.h"
#include "vantage/wire/template-store.h"
#include "vantage/wire/template.h"

namespace vantage::wire::detail {

/// @brief What differs between the v9 and IPFIX set layers (RFC 3954 section 5, RFC 7011
/// section 3.3).
struct SetDialect {
  const char* anomalyPrefix;  ///< "ipfix" or "v9"
  const char* setNoun;        ///< "set" or "FlowSet", for error messages
  const char* leftWhere;      ///< where the remaining bytes are, for error messages
  uint16_t templateSetId;
  uint16_t optionsTemplateSetId;
  /// v9 exporters pad the packet after the last FlowSet with zeros.
  bool trailingZeroPadding;
};

/// @brief Counts anomalies under the dialect's prefix and keeps the first error.
class DecodeErrors {
 public:
  DecodeErrors(core::AnomalyCounters& anomalies, const char* prefix)
      : m_anomalies(anomalies), m_prefix(prefix) {}
  /// @brief Counts "<prefix>.<what>" and keeps `e` if it is the first error.
  void Fail(const char* what, core::Error e);
  void Count(const char* what);
  /// @brief Keeps the error of `st`, if any and the first, without counting.
  void Keep(const core::Status& st);
  const core::Status& First() const { return m_first; }

 private:
  core::AnomalyCounters& m_anomalies;
  const char* m_prefix;
  core::Status m_first;
};

/// @brief A template or options template set body, handed back to the reader: a reference to
/// the reader's callable, which outlives the walk (a std::function of the reader's lambda
/// allocated once per message).
class TemplateSetFn {
 public:
  template <typename Fn>
  explicit TemplateSetFn(Fn& fn)
      : m_fn(&fn), m_call([](void* f, uint16_t setId, core::ByteReader body) {
          (*static_cast<Fn*>(f))(setId, body);
        }) {}
  void operator()(uint16_t setId, core::ByteReader body) const { m_call(m_fn, setId, body); }

 private:
  void* m_fn;
  void (*m_call)(void*, uint16_t, core::ByteReader);
};

/// @brief Everything one message's set walk needs.
struct SetWalk {
  const SetDialect& dialect;
  const MessageInfo& info;
  const TemplateStore& templates;
  const DecoderLimits& limits;
  MessageHandler& handler;
  DecodeErrors& errors;
  TemplateSetFn onTemplateSet;
};

/// @brief Walks the sets of `msg` (the message after its header) and returns how many data
/// records were handed to the handler.
size_t WalkSets(const SetWalk& w, core::ByteReader msg);

/// @brief True if every remaining byte of `r` is zero (padding).
bool AllZero(const core::ByteReader& r);

}  // namespace vantage::wire::detail
