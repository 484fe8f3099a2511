// Template state of one v9 or IPFIX session (see template-store.h).
#include "vantage/wire/template-store.h"

namespace vantage::wire {

const Template* TemplateStore::Find(uint32_t domain, uint16_t id) const {
  auto it = m_templates.find({domain, id});
  return it == m_templates.end() ? nullptr : &it->second;
}

size_t TemplateStore::CountInDomain(uint32_t domain) const {
  size_t n = 0;
  for (auto it = m_templates.lower_bound({domain, 0});
       it != m_templates.end() && it->first.first == domain; ++it) {
    ++n;
  }
  return n;
}

bool TemplateStore::Put(uint32_t domain, const Template& t) {
  const auto key = std::make_pair(domain, t.id);
  if (m_templates.find(key) == m_templates.end() &&
      (CountInDomain(domain) >= m_limits.maxTemplatesPerDomain ||
       m_templates.size() >= m_limits.maxTemplatesTotal)) {
    return false;
  }
  m_templates[key] = t;
  return true;
}

bool TemplateStore::Erase(uint32_t domain, uint16_t id) {
  return m_templates.erase({domain, id}) > 0;
}

void TemplateStore::EraseAll(uint32_t domain, bool options) {
  for (auto it = m_templates.lower_bound({domain, 0});
       it != m_templates.end() && it->first.first == domain;) {
    if (it->second.IsOptions() == options) {
      it = m_templates.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace vantage::wire
