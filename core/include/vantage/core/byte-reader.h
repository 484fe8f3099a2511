// Bounds-checked big-endian reading and writing of untrusted bytes. Every read checks the
// remaining length; a length field becomes a sub-reader so a set cannot read past itself.
//
//   ByteReader msg(data, size);
//   uint16_t version, length;
//   if (!msg.ReadU16(version) || !msg.ReadU16(length)) return msg.Need(4, "header");
//   ByteReader set;
//   if (!msg.Sub(length - 4, set)) return msg.Need(length - 4, "set body");
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "vantage/core/result.h"

namespace vantage::core {

/// @brief Reads big-endian integers and byte ranges; never reads past its end.
///
/// Offsets reported in errors are absolute: a sub-reader remembers where it starts in the
/// outermost buffer, so "offset 40" points at the 41st byte of the datagram or file.
class ByteReader {
 public:
  ByteReader() = default;
  ByteReader(const uint8_t* data, size_t size, size_t baseOffset = 0)
      : m_data(data), m_size(size), m_base(baseOffset) {}
  explicit ByteReader(const std::vector<uint8_t>& bytes) : ByteReader(bytes.data(), bytes.size()) {}

  size_t Remaining() const { return m_size - m_pos; }
  size_t Size() const { return m_size; }
  size_t Position() const { return m_pos; }
  /// @brief Absolute offset of the next byte to read.
  size_t Offset() const { return m_base + m_pos; }
  bool Empty() const { return m_pos >= m_size; }
  const uint8_t* Current() const { return m_data + m_pos; }
  const uint8_t* Data() const { return m_data; }

  bool ReadU8(uint8_t& out) {
    if (Remaining() < 1) return false;
    out = m_data[m_pos++];
    return true;
  }
  bool ReadU16(uint16_t& out) {
    if (Remaining() < 2) return false;
    out = static_cast<uint16_t>((m_data[m_pos] << 8) | m_data[m_pos + 1]);
    m_pos += 2;
    return true;
  }
  bool ReadU32(uint32_t& out) {
    if (Remaining() < 4) return false;
    out = LoadU32(m_data + m_pos);
    m_pos += 4;
    return true;
  }
  bool ReadU64(uint64_t& out) {
    if (Remaining() < 8) return false;
    out = (static_cast<uint64_t>(LoadU32(m_data + m_pos)) << 32) | LoadU32(m_data + m_pos + 4);
    m_pos += 8;
    return true;
  }
  /// @brief Reads an unsigned big-endian integer of 1..8 bytes (reduced-size encoding).
  bool ReadUnsigned(size_t width, uint64_t& out) {
    if (width == 0 || width > 8 || Remaining() < width) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | m_data[m_pos + i];
    m_pos += width;
    out = v;
    return true;
  }
  bool ReadBytes(void* out, size_t n) {
    if (Remaining() < n) return false;
    if (n > 0) std::memcpy(out, m_data + m_pos, n);
    m_pos += n;
    return true;
  }
  bool Skip(size_t n) {
    if (Remaining() < n) return false;
    m_pos += n;
    return true;
  }
  /// @brief Splits off the next n bytes as their own reader and advances past them.
  bool Sub(size_t n, ByteReader& out) {
    if (Remaining() < n) return false;
    out = ByteReader(m_data + m_pos, n, m_base + m_pos);
    m_pos += n;
    return true;
  }
  /// @brief Reads at an absolute position within this reader without moving.
  bool PeekU8(size_t at, uint8_t& out) const {
    if (at >= m_size) return false;
    out = m_data[at];
    return true;
  }
  bool PeekU16(size_t at, uint16_t& out) const {
    if (at + 2 > m_size || at + 2 < at) return false;
    out = static_cast<uint16_t>((m_data[at] << 8) | m_data[at + 1]);
    return true;
  }

  /// @brief The error for a read that wanted n bytes: "WHAT: need N bytes, M available at
  /// offset X".
  Error Need(size_t n, const char* what) const;

 private:
  static uint32_t LoadU32(const uint8_t* p) {
    return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
           (static_cast<uint32_t>(p[2]) << 8) | p[3];
  }

  const uint8_t* m_data = nullptr;
  size_t m_size = 0;
  size_t m_pos = 0;
  size_t m_base = 0;
};

/// @brief Appends big-endian integers and bytes to a growing buffer; can patch lengths later.
class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(std::vector<uint8_t>& out) : m_out(&out) {}

  size_t Size() const { return Buf().size(); }
  const std::vector<uint8_t>& Bytes() const { return Buf(); }
  std::vector<uint8_t> Take() { return std::move(Buf()); }
  void Clear() { Buf().clear(); }

  void WriteU8(uint8_t v) { Buf().push_back(v); }
  void WriteU16(uint16_t v) { WriteUnsigned(2, v); }
  void WriteU32(uint32_t v) { WriteUnsigned(4, v); }
  void WriteU64(uint64_t v) { WriteUnsigned(8, v); }
  /// @brief Writes the low `width` bytes (1..8) of v, big-endian (reduced-size encoding).
  void WriteUnsigned(size_t width, uint64_t v) {
    // One size change per value rather than one push_back per byte: encoding is on the
    // exporter's per-record path.
    uint8_t* p = Extend(width);
    for (size_t i = width; i > 0; --i) *p++ = static_cast<uint8_t>(v >> (8 * (i - 1)));
  }
  void WriteBytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    Buf().insert(Buf().end(), b, b + n);
  }
  void WriteZeros(size_t n) { Buf().insert(Buf().end(), n, 0); }
  /// @brief Overwrites a 16-bit value already written at `at` (for lengths known later).
  void PatchU16(size_t at, uint16_t v) {
    Buf().at(at) = static_cast<uint8_t>(v >> 8);
    Buf().at(at + 1) = static_cast<uint8_t>(v);
  }
  void PatchU32(size_t at, uint32_t v) {
    PatchU16(at, static_cast<uint16_t>(v >> 16));
    PatchU16(at + 2, static_cast<uint16_t>(v));
  }

 private:
  std::vector<uint8_t>& Buf() { return m_out ? *m_out : m_own; }
  uint8_t* Extend(size_t n) {
    std::vector<uint8_t>& b = Buf();
    const size_t at = b.size();
    b.resize(at + n);
    return b.data() + at;
  }
  const std::vector<uint8_t>& Buf() const { return m_out ? *m_out : m_own; }

  std::vector<uint8_t>* m_out = nullptr;
  std::vector<uint8_t> m_own;
};

}  // namespace vantage::core
