// Attributes non-first IP fragments to the flow of their datagram's first fragment.
//
// A non-first fragment has no transport header, so on its own it belongs to no port pair. The
// table remembers, per datagram (source, destination, protocol, identification), the ports of
// its first fragment; later fragments of that datagram take those ports. When the first
// fragment has not been seen (it comes later, or never) the fragment keeps ports 0 and
// "fragment.first_not_seen" is counted. Bounded: at most `capacity` datagrams, each forgotten
// `timeout` after its first fragment (packet clock), when all its bytes have been seen, or —
// oldest first, counted as "fragment.table_full" — when a new datagram needs the room.
//
//   FragmentTable table(FragmentConfig{});
//   if (pkt.fragment) table.Attribute(ts, pkt);   // before the flow key is built
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>

#include "vantage/core/anomaly.h"
#include "vantage/core/ip-address.h"
#include "vantage/core/time.h"
#include "vantage/exporter/exporter.h"
#include "vantage/wire/packet-decoder.h"

namespace vantage::exporter {

class FragmentTable {
 public:
  explicit FragmentTable(FragmentConfig config);

  /// @brief A first fragment is remembered; a later one gets its first fragment's ports.
  /// Overlapping fragments are counted ("fragment.overlap") and still metered.
  void Attribute(core::Timestamp now, wire::DecodedPacket& pkt);
  size_t Size() const { return m_map.size(); }
  const core::AnomalyCounters& Anomalies() const { return m_anomalies; }

 private:
  struct Key {
    core::IpAddress src;
    core::IpAddress dst;
    uint32_t id = 0;
    uint8_t protocol = 0;
    friend bool operator==(const Key& a, const Key& b) {
      return a.id == b.id && a.protocol == b.protocol && a.src == b.src && a.dst == b.dst;
    }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept;
  };
  static constexpr int kMaxRanges = 4;
  struct Entry {
    uint16_t srcPort = 0;
    uint16_t dstPort = 0;
    int64_t createdNs = 0;
    uint64_t serial = 0;
    uint32_t totalLength = 0;  ///< known once the last fragment (MF clear) is seen
    uint8_t rangeCount = 0;    ///< byte ranges seen, merged; more than kMaxRanges: untracked
    std::array<std::array<uint32_t, 2>, kMaxRanges> ranges{};
  };

  void Expire(int64_t nowNs);
  void EvictOldest();
  /// @brief Records [begin, end); true when the datagram is complete.
  bool AddRange(Entry& e, uint32_t begin, uint32_t end, bool last);

  FragmentConfig m_config;
  std::unordered_map<Key, Entry, KeyHash> m_map;
  std::deque<std::pair<Key, uint64_t>> m_order;  ///< insertion order, with the entry's serial
  uint64_t m_serial = 0;
  core::AnomalyCounters m_anomalies;
};

}  // namespace vantage::exporter
