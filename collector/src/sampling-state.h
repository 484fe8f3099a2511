// Sampling rates of one transport session: what the exporter's options data announced per
// observation domain and sampler/selector id (RFC 5476 PSAMP selector reports, NetFlow v9
// sampler options), and the sampled records that wait for a rate not announced yet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "vantage/core/flow.h"
#include "vantage/core/time.h"
#include "vantage/wire/flow-codec.h"

namespace vantage::collector::detail {

/// @brief The 1-in-N rate one options record states, and the sampler it belongs to.
struct AnnouncedRate {
  uint32_t rate = 0;  ///< 0: the record states none
  bool hasSelector = false;
  uint64_t selector = 0;  ///< samplerId (48) or selectorId (302)
};

/// @brief Reads samplingInterval (34), samplerRandomInterval (50), samplingPacketInterval and
/// samplingPacketSpace (305/306), samplingSize and samplingPopulation (309/310) or
/// samplingProbability (311), and the samplerId (48) or selectorId (302) they belong to.
AnnouncedRate ReadAnnouncedRate(const std::vector<wire::OptionValue>& values);

/// @brief Sampler rates and held sampled records of one transport session.
class SamplingState {
 public:
  using Emit = std::function<void(core::FlowRecord&)>;

  /// @brief Remembers the rate of one sampler of a domain (bounded; the oldest ids stay).
  void Learn(uint32_t domain, uint64_t selector, uint32_t rate);
  /// @brief Sets r.samplingInterval from the record itself, its sampler or `domainRate`; false
  /// when the record is known to be sampled (a packet header, a sampler id) and no rate is
  /// known yet.
  bool Resolve(core::FlowRecord& r, uint32_t domainRate) const;
  /// @brief Keeps a record until its rate is known; false (not kept) when `limit` are held.
  bool Hold(const core::FlowRecord& r, core::Timestamp at, size_t limit);
  /// @brief Emits the held records of `domain` whose rate is now known.
  void Release(uint32_t domain, uint32_t domainRate, const Emit& emit);
  /// @brief Emits, with the rate marked unknown, records held since before `cutoff`.
  void Expire(core::Timestamp cutoff, const Emit& emit);
  /// @brief Emits every held record with the rate marked unknown.
  void Drain(const Emit& emit);
  size_t HeldCount() const { return m_held.size(); }

 private:
  struct Held {
    core::FlowRecord record;
    core::Timestamp at;
  };
  static constexpr size_t kMaxSamplers = 4096;
  std::map<std::pair<uint32_t, uint64_t>, uint32_t> m_rates;
  std::deque<Held> m_held;
};

}  // namespace vantage::collector::detail
