// Text helpers of the flow-log formats (see text-util.h).
#include "flowlog/text-util.h"

#include <charconv>
#include <cstdio>

namespace vantage::wire::flowlog::detail {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

// Exactly `n` digits at `pos`.
std::optional<unsigned> Digits(std::string_view t, size_t pos, size_t n) {
  if (pos + n > t.size()) return std::nullopt;
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(t[i] - '0');
  }
  return v;
}

bool Expect(std::string_view t, size_t pos, char c) {
  return pos < t.size() && (t[pos] == c || (c == 'T' && t[pos] == 't'));
}

}  // namespace

std::optional<uint64_t> ParseUint(std::string_view text, uint64_t max) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v > max) return std::nullopt;
  return v;
}

// RFC 3339 section 5.6: date-time = full-date "T" full-time; time-offset = "Z" / numoffset.
std::optional<core::Timestamp> ParseRfc3339(std::string_view t) {
  auto year = Digits(t, 0, 4);
  auto mon = Digits(t, 5, 2);
  auto day = Digits(t, 8, 2);
  auto hh = Digits(t, 11, 2);
  auto mm = Digits(t, 14, 2);
  auto ss = Digits(t, 17, 2);
  if (!year || !mon || !day || !hh || !mm || !ss || !Expect(t, 4, '-') || !Expect(t, 7, '-') ||
      !Expect(t, 10, 'T') || !Expect(t, 13, ':') || !Expect(t, 16, ':'))
    return std::nullopt;
  if (*mon < 1 || *mon > 12 || *day < 1 || *day > 31 || *hh > 23 || *mm > 59 || *ss > 60)
    return std::nullopt;
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    int64_t scale = 100000000;
    size_t start = pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      nanos += scale * (t[pos] - '0');
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  int64_t offsetS = 0;
  if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
    ++pos;
  } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    auto oh = Digits(t, pos + 1, 2);
    auto om = Digits(t, pos + 4, 2);
    if (!oh || !om || !Expect(t, pos + 3, ':') || *oh > 23 || *om > 59) return std::nullopt;
    offsetS = (t[pos] == '-' ? -1 : 1) * static_cast<int64_t>(*oh * 3600 + *om * 60);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != t.size()) return std::nullopt;
  // Years 0000-9999 keep every value well inside int64 nanoseconds only from 1678 to 2262.
  if (*year < 1678 || *year > 2261) return std::nullopt;
  int64_t secs = DaysFromCivil(*year, *mon, *day) * 86400 + *hh * 3600 + *mm * 60 + *ss - offsetS;
  return core::Timestamp::FromNanos(secs * 1000000000 + nanos);
}

std::string FormatRfc3339(core::Timestamp t, int digits) {
  int64_t sec = t.ns / 1000000000;
  int64_t rem = t.ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    sec -= 1;
  }
  int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
  int64_t sod = sec - days * 86400;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, y, m, d);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d",
                        static_cast<long long>(y), m, d, static_cast<int>(sod / 3600),
                        static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (digits > 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, "%09lld", static_cast<long long>(rem));
    out += '.';
    out.append(frac, static_cast<size_t>(digits > 9 ? 9 : digits));
  }
  out += 'Z';
  return out;
}

std::string Excerpt(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size() && i < 40; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (text.size() > 40) out += "...";
  return out;
}

bool LineCursor::Next(std::string_view& line) {
  if (m_pos >= m_text.size()) return false;
  size_t end = m_text.find('\n', m_pos);
  size_t next = end == std::string_view::npos ? m_text.size() : end + 1;
  if (end == std::string_view::npos) end = m_text.size();
  line = m_text.substr(m_pos, end - m_pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  m_pos = next;
  ++m_line;
  return true;
}

uint64_t Fnv1a(std::string_view text, uint64_t seed) {
  uint64_t h = seed;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string Hex(uint64_t v, int n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out(static_cast<size_t>(n), '0');
  for (int i = n - 1; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = kHex[v & 15];
  return out;
}

}  // namespace vantage::wire::flowlog::detail
