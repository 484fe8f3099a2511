// Per-minute roll-ups (see rollup.h).
#include "rollup.h"

#include <sqlite3.h>
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vantage/collector/query.h"

namespace vantage::collector::detail {
namespace {

constexpr int64_t kMinuteNs = 60'000'000'000LL;
constexpr size_t kDims = sizeof(kRollupDims) / sizeof(kRollupDims[0]);
enum Dim : uint8_t {
  kSrcIp,
  kDstIp,
  kSrcPort,
  kDstPort,
  kProto,
  kApp,
  kSrcAs,
  kDstAs,
  kSrcCountry,
  kDstCountry
};

// Floor division: minute -1 holds [-60 s, 0). The first partial minute of the int64 range
// (before -2^63 + 28 s) counts as the next one, whose start `* kMinuteNs` can still represent.
int64_t MinuteNumber(int64_t ns) {
  int64_t q = ns / kMinuteNs;
  if (ns % kMinuteNs != 0 && ns < 0 && q > INT64_MIN / kMinuteNs) --q;
  return q;
}

// A fast key: minute number (signed, 30 bits: +-1,000 years of minutes) in bits 34-63, a tag in
// bits 32-33, the value in bits 0-31. Tags: a value (integer, IPv4 address, or text of up to 3
// bytes with its length in bits 24-31), NULL, text of exactly 4 bytes.
constexpr uint64_t kTagValue = 0, kTagNull = 1, kTagText4 = 2;

uint64_t MinuteBits(int64_t minute) {
  return static_cast<uint64_t>(minute) << 34;
}
int64_t MinuteOfKey(uint64_t key) {
  return static_cast<int64_t>(key) >> 34;
}
uint64_t TagOfKey(uint64_t key) {
  return (key >> 32) & 3;
}

// Text of up to 4 bytes as a key, or false (longer texts go to the generic table).
bool TextKey(uint64_t minuteBits, const std::string* s, uint64_t& key) {
  if (s == nullptr) {
    key = minuteBits | kTagNull << 32;
    return true;
  }
  const size_t n = s->size();
  if (n > 4) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    v |= static_cast<uint32_t>(static_cast<uint8_t>((*s)[i])) << (8 * i);
  }
  if (n == 4) {
    key = minuteBits | kTagText4 << 32 | v;
  } else {
    key = minuteBits | kTagValue << 32 | static_cast<uint64_t>(n) << 24 | v;
  }
  return true;
}

// An unset or IPv4 address as a key, or false (IPv6 goes to the generic table).
bool AddrKey(uint64_t minuteBits, const core::IpAddress& a, uint64_t& key) {
  if (a.IsV4()) {
    key = minuteBits | a.V4Value();
    return true;
  }
  if (a.IsSet()) return false;
  key = minuteBits | kTagNull << 32;
  return true;
}

// Which ports the query layer knows an application for, per port-carrying protocol: AppPort
// decides by these alone. A port x >= 1 is known iff AppPort(p, 0, x) == x (port 0 names no
// application; the unit test checks the two functions agree).
struct KnownPorts {
  std::bitset<65536> tcp, udp, sctp;
  KnownPorts() {
    for (uint32_t x = 1; x < 65536; ++x) {
      const auto port = static_cast<uint16_t>(x);
      tcp[x] = AppPort(6, 0, port) == port;
      udp[x] = AppPort(17, 0, port) == port;
      sctp[x] = AppPort(132, 0, port) == port;
    }
  }
};

}  // namespace

bool HasRollup(const std::string& dim) {
  for (const char* d : kRollupDims) {
    if (dim == d) return true;
  }
  return false;
}

uint16_t CachedAppPort(uint8_t protocol, uint16_t srcPort, uint16_t dstPort) {
  static const KnownPorts kKnown;
  const std::bitset<65536>* known = protocol == 6     ? &kKnown.tcp
                                    : protocol == 17  ? &kKnown.udp
                                    : protocol == 132 ? &kKnown.sctp
                                                      : nullptr;
  if (known == nullptr) return 0;
  const bool a = (*known)[dstPort];
  const bool b = (*known)[srcPort];
  if (a && (!b || dstPort <= srcPort)) return dstPort;
  if (b) return srcPort;
  return std::min(srcPort, dstPort);
}

namespace {

struct alignas(32) Slot {
  uint64_t key = 0;
  uint64_t flows = 0;  ///< 0: empty slot
  uint64_t packets = 0, bytes = 0;
};

// Zeroed slots: from the allocator when small; when large, mapped on 2 MiB boundaries and
// marked for transparent huge pages, so a table of a million groups costs 32 page faults
// instead of 16,000 and its random probes few TLB misses.
class SlotArray {
 public:
  SlotArray() = default;
  explicit SlotArray(size_t n) : m_size(n) {
    const size_t bytes = n * sizeof(Slot);
    if (bytes < kHuge) {
      m_slots = new Slot[n]();
      return;
    }
    m_mapped = bytes + kHuge;
    m_base = mmap(nullptr, m_mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m_base == MAP_FAILED) throw std::bad_alloc();
    const auto a = (reinterpret_cast<uintptr_t>(m_base) + kHuge - 1) & ~(kHuge - 1);
    m_slots = reinterpret_cast<Slot*>(a);
    (void)madvise(m_slots, bytes, MADV_HUGEPAGE);  // a hint: fine if refused
  }
  ~SlotArray() { Release(); }
  SlotArray(const SlotArray&) = delete;
  SlotArray& operator=(const SlotArray&) = delete;
  SlotArray(SlotArray&& o) noexcept { *this = std::move(o); }
  SlotArray& operator=(SlotArray&& o) noexcept {
    if (this != &o) {
      Release();
      m_slots = std::exchange(o.m_slots, nullptr);
      m_size = std::exchange(o.m_size, 0);
      m_base = std::exchange(o.m_base, nullptr);
      m_mapped = std::exchange(o.m_mapped, 0);
    }
    return *this;
  }
  size_t Size() const { return m_size; }
  void Zero() { std::fill(m_slots, m_slots + m_size, Slot{}); }
  Slot& operator[](size_t i) { return m_slots[i]; }
  const Slot& operator[](size_t i) const { return m_slots[i]; }
  const Slot* begin() const { return m_slots; }
  const Slot* end() const { return m_slots + m_size; }

 private:
  static constexpr size_t kHuge = size_t{2} << 20;
  void Release() {
    if (m_base != nullptr) {
      munmap(m_base, m_mapped);
    } else {
      delete[] m_slots;
    }
    m_slots = nullptr;
    m_base = nullptr;
  }
  Slot* m_slots = nullptr;
  size_t m_size = 0;
  void* m_base = nullptr;  ///< the mapping, when mapped
  size_t m_mapped = 0;
};

// Flows, packets and bytes per 8-byte key: open addressing, linear probing, multiplicative
// hash, at most half full; two slots per cache line.
class IntTable {
 public:
  IntTable() { Reset(0); }
  /// Empties the table, sized for `expected` groups (the last partition's: no growth in the
  /// steady state).
  void Reset(size_t expected) {
    int bits = kMinBits;
    while ((size_t{1} << bits) < expected * 2) ++bits;
    if (m_slots.Size() == size_t{1} << bits) {
      m_slots.Zero();  // its pages stay mapped: no page faults again
    } else {
      m_slots = SlotArray(size_t{1} << bits);
    }
    m_shift = 64 - bits;
    m_count = 0;
  }
  size_t Count() const { return m_count; }
  const SlotArray& Slots() const { return m_slots; }
  void Prefetch(uint64_t key) const { __builtin_prefetch(&m_slots[Pos(key)], 1); }
  void Add(uint64_t key, uint64_t packets, uint64_t bytes) {
    const size_t mask = m_slots.Size() - 1;
    size_t pos = Pos(key);
    while (m_slots[pos].flows != 0 && m_slots[pos].key != key) pos = (pos + 1) & mask;
    Slot* s = &m_slots[pos];
    if (s->flows == 0) {
      if ((m_count + 1) * 2 > m_slots.Size()) {
        Grow();
        return Add(key, packets, bytes);
      }
      s->key = key;
      ++m_count;
    }
    ++s->flows;
    s->packets += packets;
    s->bytes += bytes;
  }

 private:
  static constexpr int kMinBits = 4;
  size_t Pos(uint64_t key) const { return (key * 0x9e3779b97f4a7c15ull) >> m_shift; }
  // Rehashes into twice the slots, each target prefetched a few groups ahead (the targets are
  // random: without it every move is a miss).
  void Grow() {
    SlotArray old(m_slots.Size() * 2);
    std::swap(old, m_slots);
    --m_shift;
    const size_t mask = m_slots.Size() - 1;
    constexpr size_t kAhead = 16;
    const size_t n = old.Size();
    for (size_t i = 0; i < n; ++i) {
      if (i + kAhead < n && old[i + kAhead].flows != 0) {
        __builtin_prefetch(&m_slots[Pos(old[i + kAhead].key)], 1);
      }
      const Slot& s = old[i];
      if (s.flows == 0) continue;
      size_t pos = Pos(s.key);
      while (m_slots[pos].flows != 0) pos = (pos + 1) & mask;
      m_slots[pos] = s;
    }
  }

  SlotArray m_slots;
  int m_shift = 64;
  size_t m_count = 0;
};

// The groups whose value does not fit a fast key (IPv6 addresses, texts over 4 bytes): rare,
// so one table for all dimensions, keyed by minute, dimension and up to 16 bytes (a longer
// text by its hash, the text kept in `longText`).
class GenericTable {
 public:
  enum Kind : uint8_t { kBlob, kText, kLongText };
  struct Key {
    int64_t minute = 0;
    uint8_t dim = 0, kind = 0, len = 0;
    std::array<uint8_t, 16> value{};
    bool operator==(const Key& o) const {
      return minute == o.minute && dim == o.dim && kind == o.kind && len == o.len &&
             value == o.value;
    }
  };
  struct Group {
    uint64_t flows = 0, packets = 0, bytes = 0;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      uint64_t h = static_cast<uint64_t>(k.minute) * 0x9e3779b97f4a7c15ull;
      h ^= (static_cast<uint64_t>(k.dim) << 16 | static_cast<uint64_t>(k.kind) << 8 | k.len);
      for (uint8_t b : k.value) h = (h ^ b) * 0x100000001b3ull;
      return static_cast<size_t>(h ^ (h >> 32));
    }
  };

  void Add(uint8_t dim, int64_t minute, Kind kind, const void* p, size_t n,
           const core::FlowRecord& r) {
    Key k;
    k.minute = minute;
    k.dim = dim;
    k.kind = kind;
    if (n > k.value.size()) {  // a long text: grouped by its hash
      uint64_t h = 0xcbf29ce484222325ull;
      const auto* b = static_cast<const uint8_t*>(p);
      for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
      longText.emplace(h, std::string(static_cast<const char*>(p), n));
      k.kind = kLongText;
      std::memcpy(k.value.data(), &h, sizeof(h));
    } else {
      k.len = static_cast<uint8_t>(n);
      if (n > 0) std::memcpy(k.value.data(), p, n);
    }
    Group& g = groups[k];
    ++g.flows;
    g.packets += r.packets;
    g.bytes += r.octets;
  }

  std::unordered_map<Key, Group, KeyHash> groups;
  std::unordered_map<uint64_t, std::string> longText;
};

// One row applied late: its fast keys (bit d of `fast` set when dimension d has one).
struct Pending {
  std::array<uint64_t, kDims> keys;
  uint64_t packets = 0, bytes = 0;
  uint32_t fast = 0;
};

}  // namespace

class RollupBuilder::Impl {
 public:
  void Add(const RollupRow& row);
  void Flush();
  size_t Groups();
  void Clear();
  bool Write(sqlite3* db, int64_t partition, std::string& error);

 private:
  // Rows applied this many Adds after their slots were prefetched: enough to cover a miss to
  // memory at a few tens of ns per Add.
  static constexpr size_t kDepth = 8;
  void Apply(const Pending& p);
  void Slow(const Pending& p, const RollupRow& row, int64_t minute);
  bool WriteFast(sqlite3_stmt* st, int64_t partition, std::string& error);
  bool WriteGeneric(sqlite3_stmt* st, int64_t partition, std::string& error);

  std::array<IntTable, kDims> m_dims;
  GenericTable m_generic;
  std::array<Pending, kDepth> m_ring{};
  size_t m_head = 0;     ///< next ring entry to fill (the oldest when the ring is full)
  size_t m_pending = 0;  ///< entries filled and not yet applied
};

void RollupBuilder::Impl::Apply(const Pending& p) {
  for (size_t d = 0; d < kDims; ++d) {
    if (p.fast & (1u << d)) m_dims[d].Add(p.keys[d], p.packets, p.bytes);
  }
}

// The dimensions without a fast key, straight into the generic table.
void RollupBuilder::Impl::Slow(const Pending& p, const RollupRow& row, int64_t minute) {
  const core::FlowRecord& r = *row.record;
  const auto addr = [&](uint8_t dim, const core::IpAddress& a) {
    if (!(p.fast & (1u << dim))) {
      m_generic.Add(dim, minute, GenericTable::kBlob, a.bytes.data(), a.Length(), r);
    }
  };
  const auto text = [&](uint8_t dim, const std::string* s) {
    if (!(p.fast & (1u << dim))) {
      m_generic.Add(dim, minute, GenericTable::kText, s->data(), s->size(), r);
    }
  };
  addr(kSrcIp, r.key.src);
  addr(kDstIp, r.key.dst);
  text(kSrcCountry, row.srcCountry);
  text(kDstCountry, row.dstCountry);
}

void RollupBuilder::Impl::Add(const RollupRow& row) {
  const core::FlowRecord& r = *row.record;
  const auto& k = r.key;
  Pending& p = m_ring[m_head];
  if (m_pending == kDepth) {
    Apply(p);
  } else {
    ++m_pending;
  }
  m_head = (m_head + 1) % kDepth;
  const int64_t minute = MinuteNumber(r.start.ns);
  const uint64_t mb = MinuteBits(minute);
  p.packets = r.packets;
  p.bytes = r.octets;
  p.fast = (1u << kDims) - 1;
  if (!AddrKey(mb, k.src, p.keys[kSrcIp])) p.fast &= ~(1u << kSrcIp);
  if (!AddrKey(mb, k.dst, p.keys[kDstIp])) p.fast &= ~(1u << kDstIp);
  p.keys[kSrcPort] = mb | k.srcPort;
  p.keys[kDstPort] = mb | k.dstPort;
  p.keys[kProto] = mb | k.protocol;
  p.keys[kApp] = mb | static_cast<uint64_t>(k.protocol) << 16 |
                 CachedAppPort(k.protocol, k.srcPort, k.dstPort);
  p.keys[kSrcAs] = mb | row.srcAs;
  p.keys[kDstAs] = mb | row.dstAs;
  if (!TextKey(mb, row.srcCountry, p.keys[kSrcCountry])) p.fast &= ~(1u << kSrcCountry);
  if (!TextKey(mb, row.dstCountry, p.keys[kDstCountry])) p.fast &= ~(1u << kDstCountry);
  if (p.fast != (1u << kDims) - 1) Slow(p, row, minute);
  // Only the large dimensions miss; the small tables stay in cache.
  m_dims[kSrcIp].Prefetch(p.keys[kSrcIp]);
  m_dims[kDstIp].Prefetch(p.keys[kDstIp]);
  m_dims[kSrcPort].Prefetch(p.keys[kSrcPort]);
}

void RollupBuilder::Impl::Flush() {
  const size_t first = (m_head + kDepth - m_pending) % kDepth;
  for (size_t i = 0; i < m_pending; ++i) Apply(m_ring[(first + i) % kDepth]);
  m_pending = 0;
}

size_t RollupBuilder::Impl::Groups() {
  Flush();
  size_t n = m_generic.groups.size();
  for (const IntTable& t : m_dims) n += t.Count();
  return n;
}

void RollupBuilder::Impl::Clear() {
  m_pending = 0;
  for (IntTable& t : m_dims) t.Reset(t.Count());
  m_generic = GenericTable();
}

namespace {

void BindCounts(sqlite3_stmt* st, int64_t partition, uint8_t dim, int64_t minute, uint64_t flows,
                uint64_t packets, uint64_t bytes) {
  sqlite3_bind_int64(st, 1, partition);
  sqlite3_bind_text(st, 2, kRollupDims[dim], -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, minute * kMinuteNs);
  sqlite3_bind_int64(st, 5, static_cast<int64_t>(flows));
  sqlite3_bind_int64(st, 6, static_cast<int64_t>(packets));
  sqlite3_bind_int64(st, 7, static_cast<int64_t>(bytes));
}

// Binds a fast key's value as the `key` column: address blob, integer, application name,
// text or NULL (as the row values were stored).
void BindFastKey(sqlite3_stmt* st, uint8_t dim, uint64_t key, std::string& scratch) {
  const uint64_t tag = TagOfKey(key);
  const auto v = static_cast<uint32_t>(key);
  if (tag == kTagNull) {
    sqlite3_bind_null(st, 4);
  } else if (dim == kSrcIp || dim == kDstIp) {
    const uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    sqlite3_bind_blob(st, 4, b, 4, SQLITE_TRANSIENT);
  } else if (dim == kSrcCountry || dim == kDstCountry) {
    const size_t n = tag == kTagText4 ? 4 : v >> 24;
    char text[4];
    for (size_t i = 0; i < 4; ++i) text[i] = static_cast<char>(v >> (8 * i));
    sqlite3_bind_text(st, 4, text, static_cast<int>(n), SQLITE_TRANSIENT);
  } else if (dim == kApp) {
    // Named once per group, as the query names rows (AppName of the port it is named by).
    const auto port = static_cast<uint16_t>(v);
    scratch = AppName(static_cast<uint8_t>(v >> 16), port, port);
    sqlite3_bind_text(st, 4, scratch.c_str(), -1, SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_int64(st, 4, static_cast<int64_t>(v));
  }
}

// Inserts the bound row; false with `error` set (before the reset) on failure.
bool Step(sqlite3_stmt* st, std::string& error) {
  const bool ok = sqlite3_step(st) == SQLITE_DONE;
  if (!ok) error = sqlite3_errmsg(sqlite3_db_handle(st));
  sqlite3_reset(st);
  return ok;
}

}  // namespace

bool RollupBuilder::Impl::WriteFast(sqlite3_stmt* st, int64_t partition, std::string& error) {
  std::string scratch;
  for (size_t d = 0; d < kDims; ++d) {
    const auto dim = static_cast<uint8_t>(d);
    for (const Slot& s : m_dims[d].Slots()) {
      if (s.flows == 0) continue;
      BindCounts(st, partition, dim, MinuteOfKey(s.key), s.flows, s.packets, s.bytes);
      BindFastKey(st, dim, s.key, scratch);
      if (!Step(st, error)) return false;
    }
  }
  return true;
}

bool RollupBuilder::Impl::WriteGeneric(sqlite3_stmt* st, int64_t partition, std::string& error) {
  for (const auto& [k, g] : m_generic.groups) {
    BindCounts(st, partition, k.dim, k.minute, g.flows, g.packets, g.bytes);
    if (k.kind == GenericTable::kBlob) {
      sqlite3_bind_blob(st, 4, k.value.data(), k.len, SQLITE_TRANSIENT);
    } else if (k.kind == GenericTable::kText) {
      sqlite3_bind_text(st, 4, reinterpret_cast<const char*>(k.value.data()), k.len,
                        SQLITE_TRANSIENT);
    } else {
      uint64_t h = 0;
      std::memcpy(&h, k.value.data(), sizeof(h));
      const std::string& text = m_generic.longText[h];
      sqlite3_bind_text(st, 4, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    if (!Step(st, error)) return false;
  }
  return true;
}

bool RollupBuilder::Impl::Write(sqlite3* db, int64_t partition, std::string& error) {
  // Several port-level app groups can carry one name (tcp/1024 and tcp/1025 do not, but "dns"
  // over 17/53 and 6/53 does): rows are summed per (dim, minute, key) by the query anyway.
  Flush();
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO rollups VALUES(?,?,?,?,?,?,?)", -1, &st, nullptr) !=
      SQLITE_OK) {
    error = sqlite3_errmsg(db);
    return false;
  }
  const bool ok = WriteFast(st, partition, error) && WriteGeneric(st, partition, error);
  sqlite3_finalize(st);
  if (ok) Clear();
  return ok;
}

RollupBuilder::RollupBuilder() : m_impl(std::make_unique<Impl>()) {}
RollupBuilder::~RollupBuilder() = default;
RollupBuilder::RollupBuilder(RollupBuilder&&) noexcept = default;
RollupBuilder& RollupBuilder::operator=(RollupBuilder&&) noexcept = default;

void RollupBuilder::Add(const RollupRow& row) {
  m_impl->Add(row);
}
bool RollupBuilder::Write(sqlite3* db, int64_t partition, std::string& error) {
  return m_impl->Write(db, partition, error);
}
size_t RollupBuilder::Groups() const {
  return m_impl->Groups();
}
void RollupBuilder::Clear() {
  m_impl->Clear();
}

}  // namespace vantage::collector::detail
