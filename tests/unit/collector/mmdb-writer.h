// A small MaxMind DB writer for the tests (libmaxminddb only reads): an IPv6 search tree with
// 24-bit records, IPv4 networks under ::/96 as GeoLite2 has them, a data section and the
// metadata, as the MaxMind DB format 2.0 describes (https://maxmind.github.io/MaxMind-DB/).
//
//   test::MmdbWriter w("GeoLite2-ASN");
//   w.Insert("192.0.2.0/24", test::MmdbValue::Map({{"autonomous_system_number",
//                                                   test::MmdbValue::U32(64500)}}));
//   std::vector<uint8_t> bytes = w.Serialise();
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "vantage/core/ip-address.h"

namespace vantage::collector::test {

/// A value of the MaxMind DB data section (the types the tests need).
struct MmdbValue {
  enum class Type { kString, kUint16, kUint32, kUint64, kMap, kArray } type = Type::kString;
  std::string text;
  uint64_t number = 0;
  std::vector<std::pair<std::string, MmdbValue>> entries;  ///< map (in order)
  std::vector<MmdbValue> items;                            ///< array

  static MmdbValue Str(std::string s) {
    MmdbValue v;
    v.text = std::move(s);
    return v;
  }
  static MmdbValue Num(Type t, uint64_t n) {
    MmdbValue v;
    v.type = t;
    v.number = n;
    return v;
  }
  static MmdbValue U16(uint16_t n) { return Num(Type::kUint16, n); }
  static MmdbValue U32(uint32_t n) { return Num(Type::kUint32, n); }
  static MmdbValue U64(uint64_t n) { return Num(Type::kUint64, n); }
  static MmdbValue Map(std::vector<std::pair<std::string, MmdbValue>> e) {
    MmdbValue v;
    v.type = Type::kMap;
    v.entries = std::move(e);
    return v;
  }
  static MmdbValue Array(std::vector<MmdbValue> i) {
    MmdbValue v;
    v.type = Type::kArray;
    v.items = std::move(i);
    return v;
  }
};

/// Data section encoding: a control byte (type in the top 3 bits, types above 7 as 0 plus an
/// extension byte), the size in the low 5 bits with 1-3 more bytes past 28, then the payload.
inline void EncodeMmdb(const MmdbValue& v, std::vector<uint8_t>& out) {
  auto control = [&out](unsigned type, size_t size) {
    const uint8_t high = type <= 7 ? static_cast<uint8_t>(type << 5) : 0;
    std::vector<uint8_t> extra;
    uint8_t low = 0;
    if (size < 29) {
      low = static_cast<uint8_t>(size);
    } else if (size < 285) {
      low = 29;
      extra = {static_cast<uint8_t>(size - 29)};
    } else if (size < 65821) {
      low = 30;
      const size_t s = size - 285;
      extra = {static_cast<uint8_t>(s >> 8), static_cast<uint8_t>(s)};
    } else {
      throw std::length_error("value too large for the test writer");
    }
    out.push_back(high | low);
    if (type > 7) out.push_back(static_cast<uint8_t>(type - 7));
    out.insert(out.end(), extra.begin(), extra.end());
  };
  auto number = [&](unsigned type, uint64_t n) {
    std::vector<uint8_t> bytes;
    for (; n != 0; n >>= 8) bytes.insert(bytes.begin(), static_cast<uint8_t>(n));
    control(type, bytes.size());
    out.insert(out.end(), bytes.begin(), bytes.end());
  };
  switch (v.type) {
    case MmdbValue::Type::kString:
      control(2, v.text.size());
      out.insert(out.end(), v.text.begin(), v.text.end());
      break;
    case MmdbValue::Type::kUint16:
      number(5, v.number);
      break;
    case MmdbValue::Type::kUint32:
      number(6, v.number);
      break;
    case MmdbValue::Type::kUint64:
      number(9, v.number);
      break;
    case MmdbValue::Type::kMap:
      control(7, v.entries.size());
      for (const auto& [key, value] : v.entries) {
        EncodeMmdb(MmdbValue::Str(key), out);
        EncodeMmdb(value, out);
      }
      break;
    case MmdbValue::Type::kArray:
      control(11, v.items.size());
      for (const auto& item : v.items) EncodeMmdb(item, out);
      break;
  }
}

class MmdbWriter {
 public:
  explicit MmdbWriter(std::string databaseType) : m_type(std::move(databaseType)) {
    m_nodes.push_back({kEmpty, kEmpty});
  }

  /// Inserts a network ("192.0.2.0/24", "2001:db8::/32"); insert shorter prefixes first.
  void Insert(const std::string& cidr, const MmdbValue& value) {
    auto prefix = core::IpPrefix::Parse(cidr, true);
    if (!prefix) throw std::invalid_argument("bad prefix " + cidr);
    std::array<uint8_t, 16> key{};
    unsigned bits = prefix->length;
    if (prefix->network.IsV4()) {  // IPv4 lives at ::a.b.c.d/96+len
      std::copy_n(prefix->network.bytes.begin(), 4, key.begin() + 12);
      bits += 96;
    } else {
      key = prefix->network.bytes;
    }
    std::vector<uint8_t> data;
    EncodeMmdb(value, data);
    const uint32_t record = kData | static_cast<uint32_t>(m_data.size());
    m_data.insert(m_data.end(), data.begin(), data.end());
    uint32_t node = 0;
    for (unsigned i = 0; i < bits; ++i) {
      const int bit = (key[i / 8] >> (7 - i % 8)) & 1;
      if (i + 1 == bits) {
        m_nodes[node][bit] = record;
        break;
      }
      uint32_t next = m_nodes[node][bit];
      if (next == kEmpty || (next & kData) != 0) {  // split an empty or shorter network
        m_nodes.push_back({next, next});
        next = static_cast<uint32_t>(m_nodes.size() - 1);
        m_nodes[node][bit] = next;
      }
      node = next;
    }
  }

  std::vector<uint8_t> Serialise() const {
    const uint32_t n = static_cast<uint32_t>(m_nodes.size());
    std::vector<uint8_t> out;
    auto record = [&](uint32_t r) {
      // Node index, "no data" (= node count), or data offset + node count + 16.
      const uint32_t v = r == kEmpty ? n : (r & kData) != 0 ? n + 16 + (r & ~kData) : r;
      out.push_back(static_cast<uint8_t>(v >> 16));
      out.push_back(static_cast<uint8_t>(v >> 8));
      out.push_back(static_cast<uint8_t>(v));
    };
    for (const auto& node : m_nodes) {
      record(node[0]);
      record(node[1]);
    }
    out.insert(out.end(), 16, 0);  // data section separator
    out.insert(out.end(), m_data.begin(), m_data.end());
    static const uint8_t kMarker[] = {0xAB, 0xCD, 0xEF, 'M', 'a', 'x', 'M',
                                      'i',  'n',  'd',  '.', 'c', 'o', 'm'};
    out.insert(out.end(), std::begin(kMarker), std::end(kMarker));
    using V = MmdbValue;
    EncodeMmdb(V::Map({{"binary_format_major_version", V::U16(2)},
                       {"binary_format_minor_version", V::U16(0)},
                       {"build_epoch", V::U64(1767600000)},
                       {"database_type", V::Str(m_type)},
                       {"description", V::Map({{"en", V::Str("vantage test database")}})},
                       {"ip_version", V::U16(6)},
                       {"languages", V::Array({V::Str("en")})},
                       {"node_count", V::U32(n)},
                       {"record_size", V::U16(24)}}),
               out);
    return out;
  }

 private:
  static constexpr uint32_t kEmpty = 0xffffffffu;
  static constexpr uint32_t kData = 0x80000000u;
  std::string m_type;
  std::vector<std::array<uint32_t, 2>> m_nodes;
  std::vector<uint8_t> m_data;
};

}  // namespace vantage::collector::test
