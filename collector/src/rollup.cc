// Per-minute roll-ups (see rollup.h).
#include "rollup.h"

#include <sqlite3.h>

#include <cstddef>
#include <cstring>

#include "vantage/collector/query.h"

namespace vantage::collector::detail {
namespace {

constexpr int64_t kMinuteNs = 60'000'000'000LL;

int64_t MinuteOf(int64_t ns) {
  return ns >= 0 ? ns / kMinuteNs * kMinuteNs : -((-ns + kMinuteNs - 1) / kMinuteNs) * kMinuteNs;
}

}  // namespace

bool HasRollup(const std::string& dim) {
  for (const char* d : kRollupDims) {
    if (dim == d) return true;
  }
  return false;
}

static uint64_t HashKeyBytes(const void* p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  const auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

uint64_t RollupBuilder::Hash(const Key& key) {
  // The fields only, never the padding after them: four words, mixed.
  uint64_t w[4] = {0, 0, 0, 0};
  static_assert(offsetof(Key, value) + sizeof(Key::value) <= sizeof(w));
  std::memcpy(w, &key, offsetof(Key, value) + sizeof(Key::value));
  uint64_t h = w[0] * 0x9e3779b97f4a7c15ull;
  for (int i = 1; i < 4; ++i) h = (h ^ (h >> 29) ^ w[i]) * 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 32);
}

void RollupBuilder::Clear() {
  m_slots.clear();
  m_count = 0;
  m_longText.clear();
}

void RollupBuilder::Grow() {
  std::vector<Slot> old;
  old.swap(m_slots);
  m_slots.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  m_count = 0;
  for (const Slot& s : old) {
    if (s.flows == 0) continue;
    const size_t mask = m_slots.size() - 1;
    size_t pos = Hash(s.key) & mask;
    while (m_slots[pos].flows != 0) pos = (pos + 1) & mask;
    m_slots[pos] = s;
    ++m_count;
  }
}

void RollupBuilder::Put(const Key& key, uint64_t hash, const core::FlowRecord& r) {
  if ((m_count + 1) * 2 > m_slots.size()) Grow();
  const size_t mask = m_slots.size() - 1;
  size_t pos = hash & mask;
  while (m_slots[pos].flows != 0 && !(m_slots[pos].key == key)) pos = (pos + 1) & mask;
  Slot& s = m_slots[pos];
  if (s.flows == 0) {
    s.key = key;
    ++m_count;
  }
  ++s.flows;
  s.packets += r.packets;
  s.bytes += r.octets;
}

RollupBuilder::Key RollupBuilder::IntKey(uint8_t dim, int64_t minute, int64_t v) {
  Key k;
  k.minute = minute;
  k.dim = dim;
  k.kind = kInt;
  std::memcpy(k.value.data(), &v, sizeof(v));
  return k;
}

RollupBuilder::Key RollupBuilder::BytesKey(uint8_t dim, int64_t minute, Kind kind, const void* p,
                                           size_t n) {
  Key k;
  k.minute = minute;
  k.dim = dim;
  k.kind = kind;
  if (n > k.value.size()) {  // a long country name: grouped by its hash
    const uint64_t h = HashKeyBytes(p, n);
    m_longText.emplace(h, std::string(static_cast<const char*>(p), n));
    k.kind = kLongText;
    std::memcpy(k.value.data(), &h, sizeof(h));
  } else {
    k.len = static_cast<uint8_t>(n);
    if (n > 0) std::memcpy(k.value.data(), p, n);
  }
  return k;
}

// The ten groups of a row are looked up together: their slots are prefetched first, so the
// cache misses of the large dimensions (addresses, ports) overlap instead of queueing (the
// first probe's miss was 78% of the roll-up time in `perf annotate`).
void RollupBuilder::Add(const RollupRow& row) {
  const core::FlowRecord& r = *row.record;
  const auto& k = r.key;
  const int64_t minute = MinuteOf(r.start.ns);
  auto addr = [&](uint8_t dim, const core::IpAddress& a) {
    return a.IsSet() ? BytesKey(dim, minute, kBlob, a.bytes.data(), a.Length())
                     : BytesKey(dim, minute, kNull, nullptr, 0);
  };
  auto text = [&](uint8_t dim, const std::string* s) {
    return s != nullptr ? BytesKey(dim, minute, kText, s->data(), s->size())
                        : BytesKey(dim, minute, kNull, nullptr, 0);
  };
  // The application by protocol and the port it is named by: its name is made once per group.
  Key app;
  app.minute = minute;
  app.dim = 5;
  app.kind = kApp;
  app.value[0] = k.protocol;
  const uint16_t port = AppPort(k.protocol, k.srcPort, k.dstPort);
  std::memcpy(app.value.data() + 1, &port, sizeof(port));
  const Key keys[] = {addr(0, k.src),
                      addr(1, k.dst),
                      IntKey(2, minute, k.srcPort),
                      IntKey(3, minute, k.dstPort),
                      IntKey(4, minute, k.protocol),
                      app,
                      IntKey(6, minute, row.srcAs),
                      IntKey(7, minute, row.dstAs),
                      text(8, row.srcCountry),
                      text(9, row.dstCountry)};
  constexpr size_t kKeys = sizeof(keys) / sizeof(keys[0]);
  if ((m_count + kKeys) * 2 > m_slots.size()) Grow();  // no growth between prefetch and use
  uint64_t hashes[kKeys];
  const size_t mask = m_slots.size() - 1;
  for (size_t i = 0; i < kKeys; ++i) {
    hashes[i] = Hash(keys[i]);
    __builtin_prefetch(&m_slots[hashes[i] & mask]);
  }
  for (size_t i = 0; i < kKeys; ++i) Put(keys[i], hashes[i], r);
}

// Binds the group's value as the `key` column: integer, address blob, text or NULL.
static void BindKey(sqlite3_stmt* st, const uint8_t kind, const uint8_t* value, uint8_t len,
                    const std::unordered_map<uint64_t, std::string>& longText,
                    std::string& scratch) {
  enum : uint8_t { kNull, kInt, kBlob, kText, kApp, kLongText };
  if (kind == kInt) {
    int64_t v = 0;
    std::memcpy(&v, value, sizeof(v));
    sqlite3_bind_int64(st, 4, v);
  } else if (kind == kBlob) {
    sqlite3_bind_blob(st, 4, value, len, SQLITE_TRANSIENT);
  } else if (kind == kText) {
    sqlite3_bind_text(st, 4, reinterpret_cast<const char*>(value), len, SQLITE_TRANSIENT);
  } else if (kind == kApp) {
    uint16_t port = 0;
    std::memcpy(&port, value + 1, sizeof(port));
    scratch = AppName(value[0], port, port);
    sqlite3_bind_text(st, 4, scratch.c_str(), -1, SQLITE_TRANSIENT);
  } else if (kind == kLongText) {
    uint64_t h = 0;
    std::memcpy(&h, value, sizeof(h));
    auto it = longText.find(h);
    scratch = it == longText.end() ? std::string() : it->second;
    sqlite3_bind_text(st, 4, scratch.c_str(), -1, SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_null(st, 4);
  }
}

bool RollupBuilder::Write(sqlite3* db, int64_t partition, std::string& error) {
  // Several port-level app groups can carry one name (tcp/1024 and tcp/1025 do not, but "dns"
  // over 17/53 and 6/53 does): rows are summed per (dim, minute, key) by the query anyway.
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO rollups VALUES(?,?,?,?,?,?,?)", -1, &st, nullptr) !=
      SQLITE_OK) {
    error = sqlite3_errmsg(db);
    return false;
  }
  bool ok = true;
  std::string scratch;
  for (const Slot& s : m_slots) {
    if (s.flows == 0) continue;
    sqlite3_bind_int64(st, 1, partition);
    sqlite3_bind_text(st, 2, kRollupDims[s.key.dim], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, s.key.minute);
    BindKey(st, s.key.kind, s.key.value.data(), s.key.len, m_longText, scratch);
    sqlite3_bind_int64(st, 5, static_cast<int64_t>(s.flows));
    sqlite3_bind_int64(st, 6, static_cast<int64_t>(s.packets));
    sqlite3_bind_int64(st, 7, static_cast<int64_t>(s.bytes));
    if (sqlite3_step(st) != SQLITE_DONE) {
      error = sqlite3_errmsg(db);
      ok = false;
      break;
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  if (ok) Clear();
  return ok;
}

}  // namespace vantage::collector::detail
