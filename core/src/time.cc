// Timestamp conversions (NTP, ISO 8601).
#include "vantage/core/time.h"

#include <cstdio>
#include <ctime>

namespace vantage::core {

namespace {
// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01.
constexpr int64_t kNtpUnixOffset = 2208988800LL;
}  // namespace

uint64_t Timestamp::ToNtp64() const {
  int64_t sec = ns / 1000000000;
  int64_t frac = ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    sec -= 1;
  }
  uint64_t ntpSec = static_cast<uint64_t>(sec + kNtpUnixOffset) & 0xffffffffULL;
  uint64_t ntpFrac = (static_cast<uint64_t>(frac) << 32) / 1000000000ULL;
  return (ntpSec << 32) | ntpFrac;
}

Timestamp Timestamp::FromNtp64(uint64_t ntp) {
  int64_t sec = static_cast<int64_t>(ntp >> 32) - kNtpUnixOffset;
  uint64_t frac = ntp & 0xffffffffULL;
  // Round to nearest nanosecond so that FromNtp64(ToNtp64(t)) == t.
  int64_t nanos = static_cast<int64_t>((frac * 1000000000ULL + (1ULL << 31)) >> 32);
  return Timestamp{sec * 1000000000 + nanos};
}

std::string Timestamp::ToIso8601() const {
  int64_t sec = ns / 1000000000;
  int64_t rem = ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    sec -= 1;
  }
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(rem / 1000000));
  return buf;
}

}  // namespace vantage::core
