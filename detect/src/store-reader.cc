// Reading flows out of a collector store (see store-reader.h).
#include "vantage/detect/store-reader.h"

#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>

#include "vantage/collector/flow-store-module.h"

namespace vantage::detect {

namespace {

core::IpAddress Addr(sqlite3_stmt* st, int col) {
  const void* p = sqlite3_column_blob(st, col);
  int n = sqlite3_column_bytes(st, col);
  if (p == nullptr) return {};
  if (n == 4) return core::IpAddress::V4Bytes(static_cast<const uint8_t*>(p));
  if (n == 16) return core::IpAddress::V6Bytes(static_cast<const uint8_t*>(p));
  return {};
}

uint64_t U64(sqlite3_stmt* st, int col) {
  int64_t v = sqlite3_column_int64(st, col);
  return v < 0 ? 0 : static_cast<uint64_t>(v);
}

struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close(db); }
};

bool HasTable(sqlite3* db, const char* name) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name=?",
                         -1, &st, nullptr) != SQLITE_OK) {
    return false;
  }
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  bool found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return found;
}

// Sampling each exporter announced (exporter address, observation domain) -> 1-in-N.
std::map<std::pair<std::vector<uint8_t>, int64_t>, uint32_t> AnnouncedSampling(sqlite3* db) {
  std::map<std::pair<std::vector<uint8_t>, int64_t>, uint32_t> out;
  if (!HasTable(db, "exporter_options")) return out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT exporter, obs_domain, sampling_interval FROM exporter_options",
                         -1, &st, nullptr) != SQLITE_OK) {
    return out;
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, 0));
    std::vector<uint8_t> key(p, p + sqlite3_column_bytes(st, 0));
    int64_t n = sqlite3_column_int64(st, 2);
    if (n > 1) out[{key, sqlite3_column_int64(st, 1)}] = static_cast<uint32_t>(n);
  }
  sqlite3_finalize(st);
  return out;
}

constexpr const char* kSelect =
    "SELECT rowid, start_ns, end_ns, src, dst, src_port, dst_port, protocol, tcp_flags, packets, "
    "octets, rev_packets, rev_octets, sampling, exporter, obs_domain FROM flows "
    "WHERE end_ns >= ? AND start_ns < ?";

}  // namespace

bool LooksLikeSqlite(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  return in.gcount() == 16 && std::string(head, 15) == "SQLite format 3";
}

core::Result<FlowSet> ReadStore(const std::string& path, const ReadOptions& options) {
  if (!LooksLikeSqlite(path)) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           path + ": not an SQLite database (no SQLite header)");
  }
  Db h;
  collector::EnableFlowStoreModule();  // the `flows` view reads the flow blocks
  if (sqlite3_open_v2(path.c_str(), &h.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return core::MakeError(core::ErrorCode::kIo, path + ": " + sqlite3_errmsg(h.db));
  }
  if (!HasTable(h.db, "flows")) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           path + ": no 'flows' table (not a collector store)");
  }
  auto announced = AnnouncedSampling(h.db);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(h.db, kSelect, -1, &st, nullptr) != SQLITE_OK) {
    return core::MakeError(
        core::ErrorCode::kInvalid,
        path + ": the flows table lacks expected columns: " + sqlite3_errmsg(h.db));
  }
  sqlite3_bind_int64(st, 1, options.sinceNs);
  sqlite3_bind_int64(st, 2, options.untilNs);
  FlowSet set;
  set.sources.push_back(path);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    Flow f;
    f.ref = U64(st, 0);
    f.startNs = static_cast<int64_t>(sqlite3_column_int64(st, 1));
    f.endNs = std::max<int64_t>(f.startNs, sqlite3_column_int64(st, 2));
    f.src = Addr(st, 3);
    f.dst = Addr(st, 4);
    f.srcPort = static_cast<uint16_t>(sqlite3_column_int(st, 5));
    f.dstPort = static_cast<uint16_t>(sqlite3_column_int(st, 6));
    f.protocol = static_cast<uint8_t>(sqlite3_column_int(st, 7));
    f.tcpFlags = static_cast<uint8_t>(sqlite3_column_int(st, 8));
    f.packets = U64(st, 9);
    f.octets = U64(st, 10);
    f.revPackets = U64(st, 11);
    f.revOctets = U64(st, 12);
    int64_t sampling = sqlite3_column_int64(st, 13);
    if (sampling <= 1 && !announced.empty()) {
      auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, 14));
      std::vector<uint8_t> key(p, p + sqlite3_column_bytes(st, 14));
      auto it = announced.find({key, sqlite3_column_int64(st, 15)});
      if (it != announced.end()) sampling = it->second;
    }
    f.sampling = sampling > 1 ? static_cast<uint32_t>(std::min<int64_t>(sampling, 1 << 30)) : 1;
    set.flows.push_back(f);
  }
  std::string err = rc == SQLITE_DONE ? "" : sqlite3_errmsg(h.db);
  sqlite3_finalize(st);
  if (!err.empty()) {
    return core::MakeError(core::ErrorCode::kIo, path + ": reading flows: " + err);
  }
  set.UpdateSpan();
  return set;
}

}  // namespace vantage::detect
