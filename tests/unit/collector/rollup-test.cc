// The per-minute roll-up builder against a plain std::map aggregation of the same rows: every
// (dimension, minute, value) group with the same flows, packets and bytes, over IPv4, IPv6 and
// unset addresses, NULL, short, 4-byte and long countries, negative times and many apps.
#include "rollup.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "vantage/collector/query.h"

namespace vantage::collector::detail {
namespace {

constexpr int64_t kMinute = 60'000'000'000LL;

// One row of `rollups` with its key column as text: "N", "I:<int>", "B:<bytes>", "T:<text>".
using Row = std::tuple<std::string, int64_t, std::string, int64_t, int64_t, int64_t>;

struct Input {
  std::vector<core::FlowRecord> records;
  std::vector<uint32_t> srcAs, dstAs;
  std::vector<const std::string*> srcCountry, dstCountry;
};

const std::vector<std::string>& Countries() {
  static const std::vector<std::string> kCountries = {"",
                                                      "U",
                                                      "US",
                                                      "USA",
                                                      "ABCD",
                                                      "ABCDE",
                                                      std::string("A\0", 2),
                                                      "Republic of Nowhere",
                                                      "Sixteen bytes!!!",
                                                      "Seventeen bytes!!",
                                                      "\xe4\xb8\xad\xe5\x9b\xbd"};
  return kCountries;
}

core::IpAddress Address(std::mt19937_64& rng, uint32_t base) {
  const uint64_t x = rng();
  if (x % 10 == 0) return core::IpAddress();  // unset: NULL
  if (x % 10 < 3) {
    uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8};
    b[15] = static_cast<uint8_t>(x >> 8);
    b[14] = static_cast<uint8_t>((x >> 16) % 3);
    return core::IpAddress::V6Bytes(b);
  }
  return core::IpAddress::V4(base + static_cast<uint32_t>((x >> 8) % 3000));
}

uint16_t Port(std::mt19937_64& rng) {
  static const uint16_t kPorts[] = {0,   20,   22,   53,   67,   68,   80,   123,   443,
                                    514, 1024, 1025, 3389, 4739, 5353, 8080, 51820, 65535};
  const uint64_t x = rng();
  return x % 2 ? kPorts[(x >> 8) % (sizeof(kPorts) / sizeof(kPorts[0]))]
               : static_cast<uint16_t>(x >> 16);
}

// Minutes around 0 (incl. just before and at its boundaries) and around 2023.
int64_t StartNs(std::mt19937_64& rng) {
  static const int64_t kEdges[] = {-kMinute - 1, -kMinute, -1, 0, kMinute - 1, kMinute};
  const uint64_t x = rng();
  if (x % 8 == 0) return kEdges[(x >> 8) % 6];
  const int64_t base = x % 2 ? 0 : 1700000000LL * 1000000000LL;
  return base + static_cast<int64_t>((x >> 8) % (7 * kMinute)) - 3 * kMinute;
}

Input MakeInput(size_t n, uint64_t seed) {
  static const uint8_t kProtos[] = {6, 6, 17, 17, 132, 1, 58, 47, 0};
  static const uint32_t kAs[] = {0, 64512, 15169, 4294967295u};
  std::mt19937_64 rng(seed);
  Input in;
  for (size_t i = 0; i < n; ++i) {
    core::FlowRecord r;
    r.key.src = Address(rng, 0x0a000000u);
    r.key.dst = Address(rng, 0xc0a80000u);
    r.key.srcPort = Port(rng);
    r.key.dstPort = Port(rng);
    r.key.protocol = kProtos[rng() % sizeof(kProtos)];
    r.packets = 1 + rng() % 1000;
    r.octets = r.packets * (40 + rng() % 1460);
    r.start = core::Timestamp::FromNanos(StartNs(rng));
    r.end = r.start;
    in.records.push_back(r);
    in.srcAs.push_back(kAs[rng() % 4]);
    in.dstAs.push_back(static_cast<uint32_t>(rng() % 50));
    const size_t nc = Countries().size();
    const uint64_t c = rng();
    in.srcCountry.push_back(c % 9 == 0 ? nullptr : &Countries()[c % nc]);
    in.dstCountry.push_back((c >> 16) % 5 == 0 ? nullptr : &Countries()[(c >> 20) % nc]);
  }
  return in;
}

int64_t FloorMinuteNs(int64_t ns) {
  int64_t q = ns / kMinute;
  if (ns % kMinute != 0 && ns < 0) --q;
  return q * kMinute;
}

std::string AddrKey(const core::IpAddress& a) {
  return a.IsSet() ? "B:" + std::string(reinterpret_cast<const char*>(a.bytes.data()), a.Length())
                   : "N";
}
std::string TextKey(const std::string* s) {
  return s ? "T:" + *s : "N";
}

// The reference: one std::map per group, apps grouped by (protocol, AppPort) and named by
// AppName as the builder names them (so "dns" over TCP and UDP stays two rows).
std::vector<Row> Reference(const Input& in, size_t begin, size_t end) {
  std::map<std::tuple<int, int64_t, std::string>,
           std::tuple<std::string, int64_t, int64_t, int64_t>>
      groups;
  for (size_t i = begin; i < end; ++i) {
    const core::FlowRecord& r = in.records[i];
    const int64_t m = FloorMinuteNs(r.start.ns);
    const uint16_t appPort = AppPort(r.key.protocol, r.key.srcPort, r.key.dstPort);
    const std::pair<std::string, std::string> keys[] = {
        {AddrKey(r.key.src), ""},
        {AddrKey(r.key.dst), ""},
        {"I:" + std::to_string(r.key.srcPort), ""},
        {"I:" + std::to_string(r.key.dstPort), ""},
        {"I:" + std::to_string(r.key.protocol), ""},
        {std::to_string(r.key.protocol) + "/" + std::to_string(appPort),
         "T:" + AppName(r.key.protocol, appPort, appPort)},
        {"I:" + std::to_string(in.srcAs[i]), ""},
        {"I:" + std::to_string(in.dstAs[i]), ""},
        {TextKey(in.srcCountry[i]), ""},
        {TextKey(in.dstCountry[i]), ""}};
    for (int d = 0; d < 10; ++d) {
      auto& g = groups[{d, m, keys[d].first}];
      std::get<0>(g) = keys[d].second.empty() ? keys[d].first : keys[d].second;
      std::get<1>(g) += 1;
      std::get<2>(g) += static_cast<int64_t>(r.packets);
      std::get<3>(g) += static_cast<int64_t>(r.octets);
    }
  }
  std::vector<Row> rows;
  for (const auto& [k, g] : groups) {
    rows.emplace_back(kRollupDims[std::get<0>(k)], std::get<1>(k), std::get<0>(g), std::get<1>(g),
                      std::get<2>(g), std::get<3>(g));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

void AddRows(RollupBuilder& b, const Input& in, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    RollupRow row;
    row.record = &in.records[i];
    row.srcAs = in.srcAs[i];
    row.dstAs = in.dstAs[i];
    row.srcCountry = in.srcCountry[i];
    row.dstCountry = in.dstCountry[i];
    b.Add(row);
  }
}

std::string KeyColumn(sqlite3_stmt* st, int col) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st, col));
  const std::string bytes =
      p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st, col))) : std::string();
  switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
      return "N";
    case SQLITE_INTEGER:
      return "I:" + std::to_string(sqlite3_column_int64(st, col));
    case SQLITE_BLOB:
      return "B:" + bytes;
    default:
      return "T:" + bytes;
  }
}

class RollupDb {
 public:
  RollupDb() {
    sqlite3_open(":memory:", &m_db);
    sqlite3_exec(m_db,
                 "CREATE TABLE rollups(partition INTEGER NOT NULL, dim TEXT NOT NULL, minute_ns "
                 "INTEGER NOT NULL, key, flows INTEGER NOT NULL, packets INTEGER NOT NULL, "
                 "bytes INTEGER NOT NULL)",
                 nullptr, nullptr, nullptr);
  }
  ~RollupDb() { sqlite3_close(m_db); }
  sqlite3* Get() const { return m_db; }
  std::vector<Row> Rows(int64_t partition) const {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(m_db,
                       "SELECT dim, minute_ns, key, flows, packets, bytes FROM rollups "
                       "WHERE partition = ?",
                       -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, partition);
    std::vector<Row> rows;
    while (sqlite3_step(st) == SQLITE_ROW) {
      rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                        sqlite3_column_int64(st, 1), KeyColumn(st, 2), sqlite3_column_int64(st, 3),
                        sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5));
    }
    sqlite3_finalize(st);
    std::sort(rows.begin(), rows.end());
    return rows;
  }

 private:
  sqlite3* m_db = nullptr;
};

TEST(Rollup, WriteEqualsAReferenceAggregationOverMixedRows) {
  const Input in = MakeInput(15000, 7);
  RollupDb db;
  RollupBuilder b;
  AddRows(b, in, 0, in.records.size());
  const std::vector<Row> want = Reference(in, 0, in.records.size());
  EXPECT_EQ(b.Groups(), want.size());
  std::string error;
  ASSERT_TRUE(b.Write(db.Get(), 1, error)) << error;
  const std::vector<Row> got = db.Rows(1);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << "row " << i;
  EXPECT_EQ(b.Groups(), 0u);  // Write cleared the builder
}

TEST(Rollup, PartitionsAfterWriteAndClearStartEmpty) {
  const Input in = MakeInput(6000, 11);
  RollupDb db;
  RollupBuilder b;
  std::string error;
  AddRows(b, in, 0, 3000);
  ASSERT_TRUE(b.Write(db.Get(), 1, error)) << error;
  AddRows(b, in, 0, 5);  // pending rows dropped by Clear, never written
  b.Clear();
  EXPECT_EQ(b.Groups(), 0u);
  AddRows(b, in, 3000, 3003);  // fewer rows than are held back for prefetching
  ASSERT_TRUE(b.Write(db.Get(), 2, error)) << error;
  AddRows(b, in, 3003, 6000);
  ASSERT_TRUE(b.Write(db.Get(), 3, error)) << error;
  EXPECT_EQ(db.Rows(1), Reference(in, 0, 3000));
  EXPECT_EQ(db.Rows(2), Reference(in, 3000, 3003));
  EXPECT_EQ(db.Rows(3), Reference(in, 3003, 6000));
}

TEST(Rollup, ExtremeTimesAreBucketedWithoutOverflow) {
  Input in = MakeInput(4, 3);
  in.records[0].start.ns = INT64_MIN;
  in.records[1].start.ns = INT64_MAX;
  in.records[2].start.ns = INT64_MIN / kMinute * kMinute;  // the first whole minute
  in.records[3].start.ns = INT64_MAX / kMinute * kMinute - 1;
  RollupDb db;
  RollupBuilder b;
  std::string error;
  AddRows(b, in, 0, 4);
  ASSERT_TRUE(b.Write(db.Get(), 1, error)) << error;
  std::map<int64_t, int64_t> flowsPerMinute;
  for (const Row& r : db.Rows(1)) {
    if (std::get<0>(r) == "proto") flowsPerMinute[std::get<1>(r)] += std::get<3>(r);
  }
  const int64_t first = INT64_MIN / kMinute * kMinute;
  const int64_t last = INT64_MAX / kMinute * kMinute;
  EXPECT_EQ(flowsPerMinute,
            (std::map<int64_t, int64_t>{{first, 2}, {last - kMinute, 1}, {last, 1}}));
}

TEST(Rollup, CachedAppPortEqualsAppPort) {
  std::vector<uint16_t> ports;
  for (uint32_t p = 0; p < 400; ++p) ports.push_back(static_cast<uint16_t>(p));
  for (uint32_t p : {1023u, 1024u, 1433u, 2055u, 3306u, 3389u, 4739u, 5353u, 5432u, 6379u, 8080u,
                     8443u, 51820u, 65534u, 65535u}) {
    ports.push_back(static_cast<uint16_t>(p));
  }
  for (uint8_t proto : {0, 1, 6, 17, 58, 132}) {
    for (uint16_t s : ports) {
      for (uint16_t d : ports) {
        ASSERT_EQ(CachedAppPort(proto, s, d), AppPort(proto, s, d))
            << int(proto) << " " << s << " " << d;
      }
    }
  }
  std::mt19937_64 rng(5);
  for (int i = 0; i < 50000; ++i) {
    const auto s = static_cast<uint16_t>(rng()), d = static_cast<uint16_t>(rng());
    const auto proto = static_cast<uint8_t>(rng() % 3 == 0 ? 6 : rng() % 2 ? 17 : 132);
    ASSERT_EQ(CachedAppPort(proto, s, d), AppPort(proto, s, d));
  }
}

}  // namespace
}  // namespace vantage::collector::detail
