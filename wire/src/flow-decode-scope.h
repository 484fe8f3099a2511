// The template of one data set, held unchanged for the walk over its records, with its flow
// decode plan resolved once for the whole set: inside the scope, DecodeFlowRecord recognises
// the held template by its address instead of comparing its fields with those of the cached
// plans once per record. The held copy is the plan cache's own, so a set costs no allocation.
//
//   detail::FlowDecodeScope scope(*stored);  // may change or go once the scope exists
//   for (each record) handler.OnDataRecord(info, scope.HeldTemplate(), record);
#pragma once

#include <cstddef>
#include <memory>

#include "vantage/wire/template.h"

namespace vantage::wire::detail {

class FlowDecodeScope {
 public:
  /// @brief Copies nothing when `tmpl` matches a cached plan. Scopes nest (a handler may
  /// decode another message): the outer one is active again when the inner ends.
  explicit FlowDecodeScope(const Template& tmpl);
  ~FlowDecodeScope();
  FlowDecodeScope(const FlowDecodeScope&) = delete;
  FlowDecodeScope& operator=(const FlowDecodeScope&) = delete;

  /// @brief A template equal to the one given, unchanged while the scope lives.
  const Template& HeldTemplate() const { return *m_template; }
  size_t MinRecordLength() const { return m_minRecordLength; }
  bool HasVariableLength() const { return m_variableLength; }

 private:
  std::shared_ptr<const void> m_plan;  ///< keeps the plan alive even if the cache drops it
  const Template* m_template = nullptr;
  size_t m_minRecordLength = 0;
  bool m_variableLength = false;
  const Template* m_outerTemplate;
  const void* m_outerPlan;
};

}  // namespace vantage::wire::detail
