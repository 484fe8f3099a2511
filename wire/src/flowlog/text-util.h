// Small text helpers shared by the flow-log readers and writers: range-checked numbers,
// RFC 3339 timestamps, line splitting and printable excerpts of untrusted text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vantage/core/time.h"

namespace vantage::wire::flowlog::detail {

/// @brief A whole unsigned decimal number not above `max`; nullopt on anything else (sign,
/// spaces, overflow, empty).
std::optional<uint64_t> ParseUint(std::string_view text, uint64_t max = UINT64_MAX);

/// @brief "2024-05-01T12:00:05.123456789Z" (or "+02:00" offsets, 0 to 9 fraction digits).
std::optional<core::Timestamp> ParseRfc3339(std::string_view text);
/// @brief RFC 3339 in UTC with `digits` fraction digits (0, 3, 7 or 9), e.g. digits 9:
/// "2024-05-01T12:00:05.123456789Z".
std::string FormatRfc3339(core::Timestamp t, int digits);

/// @brief At most 40 characters of untrusted text, non-printable bytes as \xNN, for messages.
std::string Excerpt(std::string_view text);

/// @brief Walks `text` line by line (LF or CRLF; the last line may lack its LF).
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : m_text(text) {}
  /// @brief The next line without its end of line; false at the end.
  bool Next(std::string_view& line);
  uint64_t LineNumber() const { return m_line; }  ///< 1-based number of the last line given
  size_t Offset() const { return m_pos; }         ///< where the next line starts

 private:
  std::string_view m_text;
  size_t m_pos = 0;
  uint64_t m_line = 0;
};

/// @brief 64-bit FNV-1a: deterministic identifiers (insert ids, GUIDs) in written files.
uint64_t Fnv1a(std::string_view text, uint64_t seed = 1469598103934665603ULL);
/// @brief `n` lower-case hex digits of `v` (n <= 16).
std::string Hex(uint64_t v, int n);

}  // namespace vantage::wire::flowlog::detail
