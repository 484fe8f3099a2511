// Sampling rates from options data and records waiting for them (see sampling-state.h).
// IE meanings: RFC 7012 / IANA (34, 48, 50 from NetFlow v9; 302-311 from RFC 5477).
#include "sampling-state.h"

#include <cmath>
#include <cstring>

#include "vantage/wire/information-element.h"

namespace vantage::collector::detail {
namespace {

// samplingProbability is float64, or float32 in reduced-size encoding (RFC 7011 section 6.2).
double ProbabilityOf(const wire::OptionValue& v) {
  if (v.spec.length == 8) {
    double d = 0;
    std::memcpy(&d, &v.value, sizeof d);
    return d;
  }
  if (v.spec.length == 4) {
    const auto bits = static_cast<uint32_t>(v.value);
    float f = 0;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  return 0;
}

uint32_t Clamp(double rate) {
  if (!(rate >= 1) || rate > 4294967295.0) return 0;
  return static_cast<uint32_t>(std::llround(rate));
}

void MarkUnknown(core::FlowRecord& r) {
  r.samplingRateUnknown = true;
}

}  // namespace

AnnouncedRate ReadAnnouncedRate(const std::vector<wire::OptionValue>& values) {
  AnnouncedRate a;
  uint64_t interval = 0, randomInterval = 0, packetInterval = 0, packetSpace = 0;
  uint64_t size = 0, population = 0;
  double probability = 0;
  for (const auto& v : values) {
    if (v.spec.enterprise != 0) continue;
    switch (v.spec.id) {
      case wire::ie::kSamplerId:
      case wire::ie::kSelectorId:
        a.hasSelector = true;
        a.selector = v.value;
        break;
      case wire::ie::kSamplingInterval:
        interval = v.value;
        break;
      case wire::ie::kSamplerRandomInterval:
        randomInterval = v.value;
        break;
      case wire::ie::kSamplingPacketInterval:
        packetInterval = v.value;
        break;
      case wire::ie::kSamplingPacketSpace:
        packetSpace = v.value;
        break;
      case wire::ie::kSamplingSize:
        size = v.value;
        break;
      case wire::ie::kSamplingPopulation:
        population = v.value;
        break;
      case wire::ie::kSamplingProbability:
        probability = ProbabilityOf(v);
        break;
      default:
        break;
    }
  }
  if (interval != 0) {
    a.rate = Clamp(static_cast<double>(interval));
  } else if (randomInterval != 0) {
    a.rate = Clamp(static_cast<double>(randomInterval));
  } else if (packetInterval != 0) {
    // Systematic count-based sampling: `interval` packets taken out of interval + space.
    a.rate = Clamp(static_cast<double>(packetInterval + packetSpace) /
                   static_cast<double>(packetInterval));
  } else if (size != 0 && population != 0) {
    a.rate = Clamp(static_cast<double>(population) / static_cast<double>(size));
  } else if (probability > 0) {
    a.rate = Clamp(1.0 / probability);
  }
  return a;
}

void SamplingState::Learn(uint32_t domain, uint64_t selector, uint32_t rate) {
  const auto key = std::make_pair(domain, selector);
  if (m_rates.size() >= kMaxSamplers && m_rates.find(key) == m_rates.end()) return;
  m_rates[key] = rate;
}

bool SamplingState::Resolve(core::FlowRecord& r, uint32_t domainRate) const {
  if (r.samplingInterval != 0) return true;
  if (r.selectorId != 0) {
    auto it = m_rates.find({r.observationDomain, r.selectorId});
    if (it != m_rates.end()) {
      r.samplingInterval = it->second;
      return true;
    }
  }
  if (domainRate > 1) {
    r.samplingInterval = domainRate;
    return true;
  }
  return !r.fromPacketSection && r.selectorId == 0;
}

bool SamplingState::Hold(const core::FlowRecord& r, core::Timestamp at, size_t limit) {
  if (m_held.size() >= limit) return false;
  m_held.push_back(Held{r, at});
  return true;
}

void SamplingState::Release(uint32_t domain, uint32_t domainRate, const Emit& emit) {
  for (auto it = m_held.begin(); it != m_held.end();) {
    if (it->record.observationDomain == domain && Resolve(it->record, domainRate)) {
      emit(it->record);
      it = m_held.erase(it);
    } else {
      ++it;
    }
  }
}

void SamplingState::Expire(core::Timestamp cutoff, const Emit& emit) {
  while (!m_held.empty() && m_held.front().at < cutoff) {
    MarkUnknown(m_held.front().record);
    emit(m_held.front().record);
    m_held.pop_front();
  }
}

void SamplingState::Drain(const Emit& emit) {
  while (!m_held.empty()) {
    MarkUnknown(m_held.front().record);
    emit(m_held.front().record);
    m_held.pop_front();
  }
}

}  // namespace vantage::collector::detail
