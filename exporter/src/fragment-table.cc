// Fragment table: first-fragment ports for later fragments of the same datagram.
#include "vantage/exporter/fragment-table.h"

#include <algorithm>
#include <cstring>

namespace vantage::exporter {

size_t FragmentTable::KeyHash::operator()(const Key& k) const noexcept {
  uint64_t h = (static_cast<uint64_t>(k.id) << 8) | k.protocol;
  for (const auto* a : {&k.src, &k.dst}) {
    uint64_t lo, hi;
    std::memcpy(&lo, a->bytes.data(), 8);
    std::memcpy(&hi, a->bytes.data() + 8, 8);
    h ^= lo + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h ^= hi + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  }
  h *= 0xff51afd7ed558ccdull;
  return static_cast<size_t>(h ^ (h >> 32));
}

FragmentTable::FragmentTable(FragmentConfig config) : m_config(config) {
  if (m_config.capacity == 0) m_config.capacity = 1;
}

void FragmentTable::Attribute(core::Timestamp now, wire::DecodedPacket& pkt) {
  Expire(now.ns);
  Key key{pkt.src, pkt.dst, pkt.fragmentId, pkt.protocol};
  const uint32_t begin = pkt.fragmentOffset;
  const uint32_t end = begin + pkt.fragmentLength;
  if (pkt.firstFragment) {
    auto it = m_map.find(key);
    if (it == m_map.end()) {
      if (m_map.size() >= m_config.capacity) EvictOldest();
      it = m_map.emplace(key, Entry{}).first;
      it->second.createdNs = now.ns;
      it->second.serial = ++m_serial;
      m_order.emplace_back(key, it->second.serial);
    }
    it->second.srcPort = pkt.srcPort;
    it->second.dstPort = pkt.dstPort;
    if (AddRange(it->second, begin, end, !pkt.moreFragments)) m_map.erase(it);
    return;
  }
  auto it = m_map.find(key);
  if (it == m_map.end()) {
    m_anomalies.Count("fragment.first_not_seen");
    return;  // ports stay 0: metered in the datagram's port-less flow
  }
  pkt.srcPort = it->second.srcPort;
  pkt.dstPort = it->second.dstPort;
  if (AddRange(it->second, begin, end, !pkt.moreFragments)) m_map.erase(it);
}

bool FragmentTable::AddRange(Entry& e, uint32_t begin, uint32_t end, bool last) {
  if (last) e.totalLength = end;
  if (e.rangeCount > kMaxRanges) return false;  // too scattered to track: wait for the timeout
  for (int i = 0; i < e.rangeCount; ++i) {
    if (begin < e.ranges[i][1] && e.ranges[i][0] < end) {
      m_anomalies.Count("fragment.overlap");
      return false;
    }
  }
  // Merge with touching ranges (in-order fragments keep a single range).
  for (int i = 0; i < e.rangeCount;) {
    if (e.ranges[i][1] == begin || e.ranges[i][0] == end) {
      begin = std::min(begin, e.ranges[i][0]);
      end = std::max(end, e.ranges[i][1]);
      e.ranges[i] = e.ranges[e.rangeCount - 1];
      --e.rangeCount;
    } else {
      ++i;
    }
  }
  if (e.rangeCount == kMaxRanges) {
    e.rangeCount = kMaxRanges + 1;
    return false;
  }
  e.ranges[e.rangeCount++] = {begin, end};
  return e.totalLength != 0 && e.rangeCount == 1 && e.ranges[0][0] == 0 &&
         e.ranges[0][1] == e.totalLength;
}

void FragmentTable::Expire(int64_t nowNs) {
  while (!m_order.empty()) {
    auto it = m_map.find(m_order.front().first);
    if (it != m_map.end() && it->second.serial == m_order.front().second) {
      if (nowNs - it->second.createdNs <= m_config.timeout.ns) break;
      m_map.erase(it);
    }
    m_order.pop_front();
  }
  // Completed datagrams leave stale order entries; keep the queue bounded by the table.
  if (m_order.size() > 2 * m_config.capacity + 16) {
    std::deque<std::pair<Key, uint64_t>> live;
    for (auto& o : m_order) {
      auto it = m_map.find(o.first);
      if (it != m_map.end() && it->second.serial == o.second) live.push_back(o);
    }
    m_order.swap(live);
  }
}

void FragmentTable::EvictOldest() {
  while (!m_order.empty()) {
    auto it = m_map.find(m_order.front().first);
    bool live = it != m_map.end() && it->second.serial == m_order.front().second;
    m_order.pop_front();
    if (live) {
      m_map.erase(it);
      m_anomalies.Count("fragment.table_full");
      return;
    }
  }
}

}  // namespace vantage::exporter
