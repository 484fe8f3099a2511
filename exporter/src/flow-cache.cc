// Flow cache: open-addressing hash table over a slab of entries, with intrusive LRU (last
// seen) and age (first seen) lists so expiry looks only at list heads.
#include "vantage/exporter/flow-cache.h"

#include <algorithm>
#include <cstring>

namespace vantage::exporter {
namespace {

inline uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 32);
}

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

uint64_t HashFlowKey(const core::FlowKey& k) {
  uint64_t h = 0x1234567;
  h = Mix(h, Load64(k.src.bytes.data()));
  if (k.src.family == 6) h = Mix(h, Load64(k.src.bytes.data() + 8));
  h = Mix(h, Load64(k.dst.bytes.data()));
  if (k.dst.family == 6) h = Mix(h, Load64(k.dst.bytes.data() + 8));
  h = Mix(h, (static_cast<uint64_t>(k.srcPort) << 48) | (static_cast<uint64_t>(k.dstPort) << 32) |
                 (static_cast<uint64_t>(k.protocol) << 24) | (static_cast<uint64_t>(k.tos) << 16) |
                 k.vlan);
  h = Mix(h, (static_cast<uint64_t>(k.ingressInterface) << 8) | k.src.family);
  return h;
}

FlowCache::FlowCache(CacheConfig config, bool biflow, Sink sink)
    : m_config(config), m_biflow(biflow), m_sink(std::move(sink)) {
  if (m_config.capacity == 0) m_config.capacity = 1;
  size_t initial = 1024;
  while (initial < 2 * std::min<size_t>(m_config.capacity, 1 << 16)) initial <<= 1;
  m_slots.assign(initial, kNil);
  m_mask = initial - 1;
  m_entries.reserve(std::min<size_t>(m_config.capacity, 1 << 16));
}

void FlowCache::LruUnlink(uint32_t i) {
  Entry& e = m_entries[i];
  if (e.lruPrev != kNil)
    m_entries[e.lruPrev].lruNext = e.lruNext;
  else
    m_lruHead = e.lruNext;
  if (e.lruNext != kNil)
    m_entries[e.lruNext].lruPrev = e.lruPrev;
  else
    m_lruTail = e.lruPrev;
}

void FlowCache::LruAppend(uint32_t i) {
  Entry& e = m_entries[i];
  e.lruPrev = m_lruTail;
  e.lruNext = kNil;
  if (m_lruTail != kNil)
    m_entries[m_lruTail].lruNext = i;
  else
    m_lruHead = i;
  m_lruTail = i;
}

void FlowCache::AgeUnlink(uint32_t i) {
  Entry& e = m_entries[i];
  if (e.agePrev != kNil)
    m_entries[e.agePrev].ageNext = e.ageNext;
  else
    m_ageHead = e.ageNext;
  if (e.ageNext != kNil)
    m_entries[e.ageNext].agePrev = e.agePrev;
  else
    m_ageTail = e.agePrev;
}

void FlowCache::AgeAppend(uint32_t i) {
  Entry& e = m_entries[i];
  e.agePrev = m_ageTail;
  e.ageNext = kNil;
  if (m_ageTail != kNil)
    m_entries[m_ageTail].ageNext = i;
  else
    m_ageHead = i;
  m_ageTail = i;
}

uint32_t FlowCache::Find(const core::FlowKey& key, uint32_t hash) const {
  size_t pos = hash & m_mask;
  while (true) {
    uint32_t idx = m_slots[pos];
    if (idx == kNil) return kNil;
    const Entry& e = m_entries[idx];
    if (e.hash == hash && e.key == key) return idx;
    pos = (pos + 1) & m_mask;
  }
}

void FlowCache::Grow() {
  size_t newSize = m_slots.size() * 2;
  std::vector<uint32_t> slots(newSize, kNil);
  size_t mask = newSize - 1;
  for (uint32_t idx : m_slots) {
    if (idx == kNil) continue;
    size_t pos = m_entries[idx].hash & mask;
    while (slots[pos] != kNil) pos = (pos + 1) & mask;
    slots[pos] = idx;
  }
  m_slots.swap(slots);
  m_mask = mask;
}

uint32_t FlowCache::Insert(const core::FlowKey& key, uint32_t hash) {
  if ((m_count + 1) * 2 > m_slots.size()) Grow();
  uint32_t idx;
  if (m_free != kNil) {
    idx = m_free;
    m_free = m_entries[idx].lruNext;
  } else {
    idx = static_cast<uint32_t>(m_entries.size());
    m_entries.emplace_back();
  }
  Entry& e = m_entries[idx];
  e.key = key;
  e.hash = hash;
  size_t pos = hash & m_mask;
  while (m_slots[pos] != kNil) pos = (pos + 1) & m_mask;
  m_slots[pos] = idx;
  if (++m_count > m_peak) m_peak = m_count;
  return idx;
}

void FlowCache::TableErase(uint32_t idx) {
  size_t pos = m_entries[idx].hash & m_mask;
  while (m_slots[pos] != idx) pos = (pos + 1) & m_mask;
  // Backward-shift deletion keeps probe sequences intact without tombstones.
  size_t hole = pos;
  size_t next = (hole + 1) & m_mask;
  while (m_slots[next] != kNil) {
    size_t home = m_entries[m_slots[next]].hash & m_mask;
    // Move the element into the hole if its home is not in (hole, next].
    bool between = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (!between) {
      m_slots[hole] = m_slots[next];
      hole = next;
    }
    next = (next + 1) & m_mask;
  }
  m_slots[hole] = kNil;
}

void FlowCache::Remove(uint32_t idx, core::FlowEndReason reason) {
  Entry& e = m_entries[idx];
  core::FlowRecord& r = m_scratch;
  r = core::FlowRecord{};
  r.key = e.key;
  r.packets = e.packets;
  r.octets = e.octets;
  r.reversePackets = e.revPackets;
  r.reverseOctets = e.revOctets;
  r.start = core::Timestamp::FromNanos(e.startNs);
  r.end = core::Timestamp::FromNanos(e.endNs);
  r.tcpFlags = e.tcpFlags;
  r.minTtl = e.minTtl;
  r.maxTtl = e.maxTtl;
  r.egressInterface = e.egressIf;
  r.icmpType = e.icmpType;
  r.icmpCode = e.icmpCode;
  r.srcMac = e.srcMac;
  r.dstMac = e.dstMac;
  r.endReason = reason;
  TableErase(idx);
  LruUnlink(idx);
  AgeUnlink(idx);
  e.lruNext = m_free;
  m_free = idx;
  --m_count;
  if (m_sink) m_sink(r);
}

void FlowCache::ExpireDue() {
  const int64_t now = m_clock.Now().ns;
  const int64_t idle = m_config.inactiveTimeout.ns;
  const int64_t active = m_config.activeTimeout.ns;
  while (m_lruHead != kNil && now - m_entries[m_lruHead].lastClock > idle) {
    Remove(m_lruHead, core::FlowEndReason::kIdleTimeout);
  }
  while (m_ageHead != kNil && now - m_entries[m_ageHead].startClock > active) {
    Remove(m_ageHead, core::FlowEndReason::kActiveTimeout);
  }
}

void FlowCache::Advance(core::Timestamp now) {
  m_clock.Advance(now);
  ExpireDue();
}

void FlowCache::Update(core::Timestamp ts, const core::FlowKey& key, const wire::DecodedPacket& pkt,
                       uint32_t egressIf) {
  m_clock.Advance(ts);
  ExpireDue();
  const int64_t now = m_clock.Now().ns;
  uint32_t hash = static_cast<uint32_t>(HashFlowKey(key));
  uint32_t idx = Find(key, hash);
  bool reverse = false;
  if (idx == kNil && m_biflow) {
    core::FlowKey rk = key.Reversed();
    uint32_t rhash = static_cast<uint32_t>(HashFlowKey(rk));
    idx = Find(rk, rhash);
    reverse = idx != kNil;
  }
  if (idx == kNil) {
    if (m_count >= m_config.capacity && m_lruHead != kNil) {
      ++m_evicted;
      Remove(m_lruHead, core::FlowEndReason::kLackOfResources);
    }
    idx = Insert(key, hash);
    Entry& e = m_entries[idx];
    e.packets = e.octets = e.revPackets = e.revOctets = 0;
    e.startNs = e.endNs = ts.ns;
    e.startClock = now;
    e.egressIf = egressIf;
    e.tcpFlags = 0;
    e.minTtl = e.maxTtl = pkt.ttl;
    e.icmpType = pkt.icmpType;
    e.icmpCode = pkt.icmpCode;
    e.srcMac = pkt.srcMac;
    e.dstMac = pkt.dstMac;
    LruAppend(idx);
    AgeAppend(idx);
  } else {
    LruUnlink(idx);
    LruAppend(idx);
  }
  Entry& e = m_entries[idx];
  e.lastClock = now;
  if (ts.ns < e.startNs) e.startNs = ts.ns;
  if (ts.ns > e.endNs) e.endNs = ts.ns;
  if (reverse) {
    ++e.revPackets;
    e.revOctets += pkt.ipOctets;
  } else {
    ++e.packets;
    e.octets += pkt.ipOctets;
    e.tcpFlags |= pkt.tcpFlags;
    if (pkt.ttl < e.minTtl) e.minTtl = pkt.ttl;
    if (pkt.ttl > e.maxTtl) e.maxTtl = pkt.ttl;
    if (egressIf != 0) e.egressIf = egressIf;
  }
  if (key.protocol == 6 && (pkt.tcpFlags & 0x05) != 0) {  // FIN or RST
    Remove(idx, core::FlowEndReason::kEndOfFlow);
  }
}

void FlowCache::Finish() {
  while (m_lruHead != kNil) Remove(m_lruHead, core::FlowEndReason::kForcedEnd);
}

Sampler::Sampler(SamplingConfig config) : m_config(config), m_state(config.seed) {
  if (m_config.interval == 0) m_config.interval = 1;
}

uint32_t Sampler::Interval() const {
  return m_config.mode == SamplingConfig::Mode::kNone ? 0 : m_config.interval;
}

bool Sampler::Select() {
  uint64_t n = m_observed++;
  bool take = true;
  switch (m_config.mode) {
    case SamplingConfig::Mode::kNone:
      break;
    case SamplingConfig::Mode::kCount:
      take = n % m_config.interval == 0;
      break;
    case SamplingConfig::Mode::kRandom: {
      // splitmix64: a fixed, portable sequence for a given seed.
      uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      z ^= z >> 31;
      take = z % m_config.interval == 0;
      break;
    }
  }
  if (take) ++m_selected;
  return take;
}

}  // namespace vantage::exporter
