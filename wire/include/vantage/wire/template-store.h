// The template state of one NetFlow v9 or IPFIX session: templates per observation domain
// (v9: source id), bounded by DecoderLimits so hostile input cannot exhaust memory.
// RFC 7011 section 8 (IPFIX), RFC 3954 section 5.2 (v9).
//
//   TemplateStore store(limits);
//   if (!store.Put(domain, tmpl)) { /* refused: a limit was reached */ }
//   const Template* t = store.Find(domain, 256);
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>

#include "vantage/wire/template.h"

namespace vantage::wire {

/// @brief Templates of one session, keyed by (observation domain, template id).
class TemplateStore {
 public:
  explicit TemplateStore(DecoderLimits limits = {}) : m_limits(limits) {}

  /// @brief Template `id` of `domain`, or nullptr.
  const Template* Find(uint32_t domain, uint16_t id) const;
  /// @brief Templates of all domains.
  size_t Size() const { return m_templates.size(); }
  /// @brief Templates of one domain.
  size_t CountInDomain(uint32_t domain) const;
  /// @brief Adds or replaces template `t.id` of `domain`. A new template is refused (false,
  /// nothing stored) when the domain or the session already holds as many as the limits allow.
  bool Put(uint32_t domain, const Template& t);
  /// @brief Removes one template; false if it was not there.
  bool Erase(uint32_t domain, uint16_t id);
  /// @brief Removes every (options, if `options`) template of a domain.
  void EraseAll(uint32_t domain, bool options);
  void Clear() { m_templates.clear(); }

 private:
  DecoderLimits m_limits;
  std::map<std::pair<uint32_t, uint16_t>, Template> m_templates;
};

}  // namespace vantage::wire
