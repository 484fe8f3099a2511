// 64-bit FNV-1a: a small, stable hash for hash tables and for identifiers that written files
// must repeat byte for byte from run to run (unlike std::hash, fixed by its definition).
//
//   uint64_t h = core::Fnv1a("insert-id");         // from the project's seed
//   h = core::Fnv1a(bytes.data(), bytes.size(), h);  // continued over more bytes
//
// The default seed is not FNV's offset basis (14695981039346656037) but that number without its
// last digit, as Vantage has always written it: hash-derived identifiers in run directories and
// flow-log files (and their goldens) depend on it. Pass kFnv1aOffsetBasis for standard FNV-1a.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vantage::core {

/// @brief The FNV-1a 64-bit offset basis and prime (RFC draft-eastlake-fnv).
constexpr uint64_t kFnv1aOffsetBasis = 14695981039346656037ULL;
constexpr uint64_t kFnv1aPrime = 1099511628211ULL;
/// @brief The seed Vantage's hashes start from (see the file comment).
constexpr uint64_t kFnv1aSeed = 1469598103934665603ULL;

/// @brief FNV-1a of `n` bytes at `p`, starting from `seed`.
inline uint64_t Fnv1a(const uint8_t* p, size_t n, uint64_t seed = kFnv1aSeed) {
  uint64_t h = seed;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * kFnv1aPrime;
  return h;
}

/// @brief FNV-1a of the bytes of `text`, starting from `seed`.
inline uint64_t Fnv1a(std::string_view text, uint64_t seed = kFnv1aSeed) {
  return Fnv1a(reinterpret_cast<const uint8_t*>(text.data()), text.size(), seed);
}

}  // namespace vantage::core
