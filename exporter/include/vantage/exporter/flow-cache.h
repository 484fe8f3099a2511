// The flow cache: one entry per active flow key, expired by the packet clock.
//
// Expiry rules (all by packet time, never the wall clock):
//   - idle:   now - last packet  > inactiveTimeout          -> kIdleTimeout
//   - active: now - first packet > activeTimeout            -> kActiveTimeout
//   - TCP FIN or RST in a packet: exported with that packet -> kEndOfFlow
//   - cache full: least recently seen flow evicted, counted -> kLackOfResources
//   - Finish(): every flow, least recently seen first       -> kForcedEnd
//
//   FlowCache cache(CacheConfig{}, /*biflow=*/false, [](const core::FlowRecord& r) { ... });
//   cache.Update(ts, key, pkt);
//   cache.Finish();
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "vantage/core/flow.h"
#include "vantage/core/time.h"
#include "vantage/exporter/exporter.h"
#include "vantage/wire/packet-decoder.h"

namespace vantage::exporter {

/// @brief Hash of a flow key (all fields), for the cache's open-addressing table.
uint64_t HashFlowKey(const core::FlowKey& key);

class FlowCache {
 public:
  using Sink = std::function<void(const core::FlowRecord&)>;

  FlowCache(CacheConfig config, bool biflow, Sink sink);

  /// @brief Accounts one packet to the flow `key`; first expires what the packet's time
  /// (moved forward by the packet clock) makes due.
  void Update(core::Timestamp ts, const core::FlowKey& key, const wire::DecodedPacket& pkt,
              uint32_t egressIf = 0);
  /// @brief Moves the packet clock to `now` and expires what is due.
  void Advance(core::Timestamp now);
  /// @brief Expires every flow with kForcedEnd.
  void Finish();

  size_t Size() const { return m_count; }
  /// @brief Most flows held at once.
  size_t PeakSize() const { return m_peak; }
  uint64_t EvictedCacheFull() const { return m_evicted; }
  const core::PacketClock& Clock() const { return m_clock; }

 private:
  static constexpr uint32_t kNil = 0xffffffffu;

  struct Entry {
    core::FlowKey key;
    uint64_t packets;
    uint64_t octets;
    uint64_t revPackets;
    uint64_t revOctets;
    int64_t startNs;
    int64_t endNs;
    int64_t lastClock;   ///< packet clock at the last update (LRU order)
    int64_t startClock;  ///< packet clock at creation (age order)
    uint32_t egressIf;
    uint32_t hash;
    uint32_t lruPrev, lruNext;  ///< least recently seen first
    uint32_t agePrev, ageNext;  ///< oldest first
    uint8_t tcpFlags, minTtl, maxTtl, icmpType, icmpCode;
    std::array<uint8_t, 6> srcMac;
    std::array<uint8_t, 6> dstMac;
  };

  void ExpireDue();
  uint32_t Find(const core::FlowKey& key, uint32_t hash) const;
  uint32_t Insert(const core::FlowKey& key, uint32_t hash);
  void Remove(uint32_t index, core::FlowEndReason reason);
  void TableErase(uint32_t index);
  void Grow();
  void LruUnlink(uint32_t i);
  void LruAppend(uint32_t i);
  void AgeUnlink(uint32_t i);
  void AgeAppend(uint32_t i);

  CacheConfig m_config;
  bool m_biflow;
  Sink m_sink;
  core::PacketClock m_clock;
  std::vector<Entry> m_entries;
  uint32_t m_free = kNil;
  std::vector<uint32_t> m_slots;  ///< open addressing, linear probing; kNil = empty
  size_t m_mask = 0;
  size_t m_count = 0;
  size_t m_peak = 0;
  uint32_t m_lruHead = kNil, m_lruTail = kNil;
  uint32_t m_ageHead = kNil, m_ageTail = kNil;
  uint64_t m_evicted = 0;
  core::FlowRecord m_scratch;
};

/// @brief 1-in-N packet selection: count-based (the first of every N) or random with a
/// seeded generator (each packet selected with probability 1/N), deterministic per seed.
class Sampler {
 public:
  explicit Sampler(SamplingConfig config);
  /// @brief True if this packet is to be metered.
  bool Select();
  uint64_t Observed() const { return m_observed; }
  uint64_t Selected() const { return m_selected; }
  /// @brief The interval to report (0 when not sampling).
  uint32_t Interval() const;

 private:
  SamplingConfig m_config;
  uint64_t m_state;
  uint64_t m_observed = 0;
  uint64_t m_selected = 0;
};

}  // namespace vantage::exporter
