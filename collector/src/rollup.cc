// Per-minute roll-ups (see rollup.h).
#include "rollup.h"

#include <sqlite3.h>

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

void RollupBuilder::Put(uint8_t dim, int64_t minute, Kind kind, const void* value, size_t n,
                        const core::FlowRecord& r) {
  m_key.clear();
  m_key.push_back(static_cast<char>(dim));
  m_key.append(reinterpret_cast<const char*>(&minute), sizeof(minute));
  m_key.push_back(kind);
  m_key.append(static_cast<const char*>(value), n);
  Agg& a = m_groups[m_key];
  ++a.flows;
  a.packets += r.packets;
  a.bytes += r.octets;
}

void RollupBuilder::PutInt(uint8_t dim, int64_t minute, int64_t v, const core::FlowRecord& r) {
  Put(dim, minute, kInt, &v, sizeof(v), r);
}

void RollupBuilder::Add(const RollupRow& row) {
  const core::FlowRecord& r = *row.record;
  const auto& k = r.key;
  const int64_t minute = MinuteOf(r.start.ns);
  auto addr = [&](uint8_t dim, const core::IpAddress& a) {
    if (a.IsSet())
      Put(dim, minute, kBlob, a.bytes.data(), a.Length(), r);
    else
      Put(dim, minute, kNull, nullptr, 0, r);
  };
  auto text = [&](uint8_t dim, const std::string* s) {
    if (s != nullptr)
      Put(dim, minute, kText, s->data(), s->size(), r);
    else
      Put(dim, minute, kNull, nullptr, 0, r);
  };
  addr(0, k.src);
  addr(1, k.dst);
  PutInt(2, minute, k.srcPort, r);
  PutInt(3, minute, k.dstPort, r);
  PutInt(4, minute, k.protocol, r);
  const std::string app = AppName(k.protocol, k.srcPort, k.dstPort);
  Put(5, minute, kText, app.data(), app.size(), r);
  PutInt(6, minute, row.srcAs, r);
  PutInt(7, minute, row.dstAs, r);
  text(8, row.srcCountry);
  text(9, row.dstCountry);
}

bool RollupBuilder::Write(sqlite3* db, int64_t partition, std::string& error) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO rollups VALUES(?,?,?,?,?,?,?)", -1, &st, nullptr) !=
      SQLITE_OK) {
    error = sqlite3_errmsg(db);
    return false;
  }
  bool ok = true;
  for (const auto& [key, a] : m_groups) {
    const auto dim = static_cast<uint8_t>(key[0]);
    int64_t minute = 0;
    std::memcpy(&minute, key.data() + 1, sizeof(minute));
    const char kind = key[9];
    const char* value = key.data() + 10;
    const int n = static_cast<int>(key.size() - 10);
    sqlite3_bind_int64(st, 1, partition);
    sqlite3_bind_text(st, 2, kRollupDims[dim], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, minute);
    if (kind == kInt) {
      int64_t v = 0;
      std::memcpy(&v, value, sizeof(v));
      sqlite3_bind_int64(st, 4, v);
    } else if (kind == kBlob) {
      sqlite3_bind_blob(st, 4, value, n, SQLITE_STATIC);
    } else if (kind == kText) {
      sqlite3_bind_text(st, 4, value, n, SQLITE_STATIC);
    } else {
      sqlite3_bind_null(st, 4);
    }
    sqlite3_bind_int64(st, 5, static_cast<int64_t>(a.flows));
    sqlite3_bind_int64(st, 6, static_cast<int64_t>(a.packets));
    sqlite3_bind_int64(st, 7, static_cast<int64_t>(a.bytes));
    if (sqlite3_step(st) != SQLITE_DONE) {
      error = sqlite3_errmsg(db);
      ok = false;
      break;
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  if (ok) m_groups.clear();
  return ok;
}

}  // namespace vantage::collector::detail
