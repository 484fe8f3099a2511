// Timestamps with nanosecond precision, and the packet clock that drives flow expiry.
//
// Flow caches never read the wall clock: time advances only with the packets (or the
// simulator), so the same input always gives the same flows.
//
//   PacketClock clock;
//   clock.Advance(Timestamp::FromNanos(pkt.ns));
//   if (clock.Now() - flow.last > Duration::Seconds(15)) ...
#pragma once

#include <cstdint>
#include <string>

namespace vantage::core {

/// @brief A span of time in nanoseconds (signed).
struct Duration {
  int64_t ns = 0;

  static constexpr Duration Nanos(int64_t v) { return Duration{v}; }
  static constexpr Duration Micros(int64_t v) { return Duration{v * 1000}; }
  static constexpr Duration Millis(int64_t v) { return Duration{v * 1000000}; }
  static constexpr Duration Seconds(double v) { return Duration{static_cast<int64_t>(v * 1e9)}; }
  constexpr double ToSeconds() const { return static_cast<double>(ns) / 1e9; }
  constexpr int64_t ToMillis() const { return ns / 1000000; }

  friend constexpr bool operator<(Duration a, Duration b) { return a.ns < b.ns; }
  friend constexpr bool operator>(Duration a, Duration b) { return a.ns > b.ns; }
  friend constexpr bool operator<=(Duration a, Duration b) { return a.ns <= b.ns; }
  friend constexpr bool operator>=(Duration a, Duration b) { return a.ns >= b.ns; }
  friend constexpr bool operator==(Duration a, Duration b) { return a.ns == b.ns; }
  friend constexpr bool operator!=(Duration a, Duration b) { return a.ns != b.ns; }
  friend constexpr Duration operator+(Duration a, Duration b) { return Duration{a.ns + b.ns}; }
  friend constexpr Duration operator-(Duration a, Duration b) { return Duration{a.ns - b.ns}; }
};

/// @brief A point in time: nanoseconds since the Unix epoch (UTC).
struct Timestamp {
  int64_t ns = 0;

  static constexpr Timestamp FromNanos(int64_t v) { return Timestamp{v}; }
  static constexpr Timestamp FromMicros(int64_t v) { return Timestamp{v * 1000}; }
  static constexpr Timestamp FromMillis(int64_t v) { return Timestamp{v * 1000000}; }
  static constexpr Timestamp FromSeconds(int64_t v) { return Timestamp{v * 1000000000}; }
  /// @brief From a struct timeval-like pair (pcap headers).
  static constexpr Timestamp FromSecMicro(int64_t sec, int64_t usec) {
    return Timestamp{sec * 1000000000 + usec * 1000};
  }
  constexpr int64_t Seconds() const { return ns / 1000000000; }
  constexpr int64_t Millis() const { return ns / 1000000; }
  constexpr int64_t Micros() const { return ns / 1000; }
  /// @brief NTP 64-bit format (RFC 5905): seconds since 1900 and a binary fraction.
  uint64_t ToNtp64() const;
  static Timestamp FromNtp64(uint64_t ntp);
  /// @brief ISO 8601 UTC with milliseconds, e.g. "2024-01-02T03:04:05.678Z".
  std::string ToIso8601() const;

  friend constexpr bool operator<(Timestamp a, Timestamp b) { return a.ns < b.ns; }
  friend constexpr bool operator>(Timestamp a, Timestamp b) { return a.ns > b.ns; }
  friend constexpr bool operator<=(Timestamp a, Timestamp b) { return a.ns <= b.ns; }
  friend constexpr bool operator>=(Timestamp a, Timestamp b) { return a.ns >= b.ns; }
  friend constexpr bool operator==(Timestamp a, Timestamp b) { return a.ns == b.ns; }
  friend constexpr bool operator!=(Timestamp a, Timestamp b) { return a.ns != b.ns; }
  friend constexpr Duration operator-(Timestamp a, Timestamp b) { return Duration{a.ns - b.ns}; }
  friend constexpr Timestamp operator+(Timestamp a, Duration d) { return Timestamp{a.ns + d.ns}; }
  friend constexpr Timestamp operator-(Timestamp a, Duration d) { return Timestamp{a.ns - d.ns}; }
};

/// @brief Time as the packets tell it: never moves backwards, starts at the first packet.
///
/// Out-of-order packets (earlier than Now) do not move the clock back; the count of such
/// packets is kept so callers can report it.
class PacketClock {
 public:
  /// @brief Moves the clock to t if t is later; returns false if t was earlier than Now().
  bool Advance(Timestamp t) {
    if (!m_started || t > m_now) {
      m_now = t;
      m_started = true;
      return true;
    }
    if (t < m_now) {
      ++m_backwards;
      return false;
    }
    return true;
  }
  Timestamp Now() const { return m_now; }
  bool Started() const { return m_started; }
  uint64_t BackwardSteps() const { return m_backwards; }

 private:
  Timestamp m_now;
  bool m_started = false;
  uint64_t m_backwards = 0;
};

}  // namespace vantage::core
