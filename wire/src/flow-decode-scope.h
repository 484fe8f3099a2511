// Lets a data set's record walk resolve the flow decode plan of its template once for the whole
// set: inside the scope, DecodeFlowRecord recognises the template by its address instead of
// comparing its fields with those of the cached plans once per record.
//
//   const Template t = *stored;        // outlives the scope and does not change within it
//   detail::FlowDecodeScope scope(t);
//   for (each record) handler.OnDataRecord(info, t, record);  // may call DecodeFlowRecord
#pragma once

#include <memory>

#include "vantage/wire/template.h"

namespace vantage::wire::detail {

class FlowDecodeScope {
 public:
  /// @brief `tmpl` must stay alive and unchanged while the scope lives. Scopes nest (a
  /// handler may decode another message): the outer one is active again when the inner ends.
  explicit FlowDecodeScope(const Template& tmpl);
  ~FlowDecodeScope();
  FlowDecodeScope(const FlowDecodeScope&) = delete;
  FlowDecodeScope& operator=(const FlowDecodeScope&) = delete;

 private:
  std::shared_ptr<const void> m_plan;  ///< keeps the plan alive even if the cache drops it
  const Template* m_outerTemplate;
  const void* m_outerPlan;
};

}  // namespace vantage::wire::detail
