// Named anomaly counters: malformed input is counted by name ("ipfix.truncated_set") while
// decoding goes on, as Zeek's "weirds" are. Names sort, so reports are stable.
//
//   AnomalyCounters anomalies;
//   anomalies.Count("pcap.truncated_packet");
//   for (auto& [name, n] : anomalies.All()) ...
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace vantage::core {

/// @brief A map from anomaly name to how many times it happened.
class AnomalyCounters {
 public:
  using Map = std::map<std::string, uint64_t, std::less<>>;

  void Count(std::string_view name, uint64_t n = 1) {
    auto it = m_counts.find(name);
    if (it == m_counts.end()) {
      m_counts.emplace(std::string(name), n);
    } else {
      it->second += n;
    }
  }
  uint64_t Get(std::string_view name) const {
    auto it = m_counts.find(name);
    return it == m_counts.end() ? 0 : it->second;
  }
  uint64_t Total() const {
    uint64_t t = 0;
    for (const auto& kv : m_counts) t += kv.second;
    return t;
  }
  void Merge(const AnomalyCounters& other) {
    for (const auto& [name, n] : other.m_counts) Count(name, n);
  }
  const Map& All() const { return m_counts; }
  bool Empty() const { return m_counts.empty(); }
  void Clear() { m_counts.clear(); }

 private:
  Map m_counts;
};

}  // namespace vantage::core
