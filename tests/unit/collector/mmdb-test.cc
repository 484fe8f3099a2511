// MaxMind DB enrichment: AS and country lookups from .mmdb files (written here by a small
// writer, since libmaxminddb only reads), at ingest and at query time, and damaged files.
#include <gtest/gtest.h>

#include <fstream>

#include "mmdb-writer.h"
#include "test-util.h"
#include "vantage/collector/prefix-table.h"
#include "vantage/collector/query.h"
#include "vantage/collector/store.h"

namespace vantage::collector {
namespace {

using test::MmdbValue;
using V = MmdbValue;

core::IpAddress A(const char* s) {
  return *core::IpAddress::Parse(s);
}

void WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

MmdbValue AsRecord(uint32_t asn, const char* org) {
  return V::Map(
      {{"autonomous_system_number", V::U32(asn)}, {"autonomous_system_organization", V::Str(org)}});
}

MmdbValue CountryRecord(const char* iso, const char* key = "country") {
  return V::Map({{key, V::Map({{"geoname_id", V::U32(1)},
                               {"iso_code", V::Str(iso)},
                               {"names", V::Map({{"en", V::Str(std::string("land ") + iso)}})}})}});
}

/// GeoLite2-ASN-like: nested IPv4 networks, an IPv6 network.
std::vector<uint8_t> AsDatabase() {
  test::MmdbWriter w("GeoLite2-ASN");
  w.Insert("192.0.2.0/24", AsRecord(64500, "Example One"));
  w.Insert("198.51.100.0/24", AsRecord(64501, "Example Two"));
  w.Insert("198.51.100.128/25", AsRecord(4200000001u, "Example Four-Byte"));
  w.Insert("2001:db8::/32", AsRecord(64510, "Example Six"));
  return w.Serialise();
}

/// GeoLite2-Country-like: one network with only a registered country (as anycast ranges).
std::vector<uint8_t> CountryDatabase() {
  test::MmdbWriter w("GeoLite2-Country");
  w.Insert("192.0.2.0/24", CountryRecord("DE"));
  w.Insert("203.0.113.0/24", CountryRecord("FR", "registered_country"));
  w.Insert("2001:db8::/32", CountryRecord("NL"));
  w.Insert("2001:db8:ff::/48", V::Map({{"continent", V::Map({{"code", V::Str("EU")}})}}));
  return w.Serialise();
}

TEST(MmdbTable, AsNumbersByLongestNetwork) {
  test::TempPath path("GeoLite2-ASN.mmdb");
  WriteFile(path.str(), AsDatabase());
  auto t = PrefixTable::Load(path.str());  // kAuto: the database type names ASN
  ASSERT_TRUE(t) << t.GetError().message;
  EXPECT_EQ((*t)->DatabaseType(), "GeoLite2-ASN");
  const PrefixTable& table = **t;
  ASSERT_NE(table.Lookup(A("192.0.2.77")), nullptr);
  EXPECT_EQ(*table.Lookup(A("192.0.2.77")), "64500");
  EXPECT_EQ(*table.Lookup(A("198.51.100.1")), "64501");
  EXPECT_EQ(*table.Lookup(A("198.51.100.200")), "4200000001");
  EXPECT_EQ(*table.Lookup(A("2001:db8:1::5")), "64510");
  EXPECT_EQ(table.Lookup(A("192.0.3.1")), nullptr);
  EXPECT_EQ(table.Lookup(A("10.1.2.3")), nullptr);
  EXPECT_EQ(table.Lookup(A("2001:db9::1")), nullptr);
  EXPECT_EQ(table.Lookup(core::IpAddress()), nullptr);
  // The same value twice is the same interned string.
  EXPECT_EQ(table.Lookup(A("192.0.2.1")), table.Lookup(A("192.0.2.254")));
  EXPECT_EQ(table.LookupErrors(), 0u);
}

TEST(MmdbTable, CountryCodesWithRegisteredCountryFallback) {
  test::TempPath path("country.mmdb");
  WriteFile(path.str(), CountryDatabase());
  auto t = PrefixTable::Load(path.str(), PrefixTable::Value::kCountryCode);
  ASSERT_TRUE(t) << t.GetError().message;
  const PrefixTable& table = **t;
  ASSERT_NE(table.Lookup(A("192.0.2.1")), nullptr);
  EXPECT_EQ(*table.Lookup(A("192.0.2.1")), "DE");
  EXPECT_EQ(*table.Lookup(A("203.0.113.9")), "FR");
  EXPECT_EQ(*table.Lookup(A("2001:db8::1")), "NL");
  EXPECT_EQ(table.Lookup(A("2001:db8:ff::1")), nullptr);  // an entry without a country
  EXPECT_EQ(table.Lookup(A("198.51.100.1")), nullptr);
  // Asking a country database for AS numbers finds none.
  auto as = PrefixTable::Load(path.str(), PrefixTable::Value::kAsNumber);
  ASSERT_TRUE(as);
  EXPECT_EQ((*as)->Lookup(A("192.0.2.1")), nullptr);
}

TEST(MmdbTable, CsvPrefixesAddedBesideWin) {
  test::TempPath path("asn.mmdb");
  WriteFile(path.str(), AsDatabase());
  auto t = PrefixTable::Load(path.str(), PrefixTable::Value::kAsNumber);
  ASSERT_TRUE(t);
  (*t)->Add(*core::IpPrefix::Parse("192.0.2.0/25", true), "65000");
  EXPECT_EQ(*(*t)->Lookup(A("192.0.2.1")), "65000");
  EXPECT_EQ(*(*t)->Lookup(A("192.0.2.200")), "64500");
}

TEST(MmdbTable, DamagedFilesAreErrorsOrCountedNeverCrashes) {
  const std::vector<uint8_t> good = AsDatabase();
  // Metadata marker without a valid database: Load fails and names the file.
  test::TempPath junk("junk.mmdb");
  std::vector<uint8_t> bytes(64, 0x55);
  const std::string marker = "\xAB\xCD\xEFMaxMind.com";
  bytes.insert(bytes.end(), marker.begin(), marker.end());
  bytes.insert(bytes.end(), {0xe0});  // an empty map: no node_count and the rest
  WriteFile(junk.str(), bytes);
  auto j = PrefixTable::Load(junk.str());
  ASSERT_FALSE(j);
  EXPECT_NE(j.GetError().message.find(junk.str()), std::string::npos) << j.GetError().message;
  // A data section overwritten with bytes that decode to nothing valid: lookups answer no
  // match and are counted.
  std::vector<uint8_t> damaged = good;
  const size_t markerAt = std::string(damaged.begin(), damaged.end()).rfind(marker);
  ASSERT_NE(markerAt, std::string::npos);
  // The data section runs from the first record (a map whose first key is the AS number's)
  // to the marker: overwrite all of it.
  const size_t dataAt =
      std::string(damaged.begin(), damaged.end()).find("autonomous_system_number") - 2;
  for (size_t i = dataAt; i < markerAt; ++i) damaged[i] = 0xff;
  test::TempPath bad("damaged.mmdb");
  WriteFile(bad.str(), damaged);
  auto b = PrefixTable::Load(bad.str());
  ASSERT_TRUE(b) << b.GetError().message;
  EXPECT_EQ((*b)->Lookup(A("2001:db8::1")), nullptr);
  EXPECT_EQ((*b)->Lookup(A("192.0.2.1")), nullptr);
  EXPECT_GE((*b)->LookupErrors(), 2u);
  // A missing file.
  auto m = PrefixTable::Load("/nonexistent/GeoLite2-ASN.mmdb");
  ASSERT_FALSE(m);
}

TEST(MmdbTable, EnrichmentAtIngestAndAtQueryTime) {
  test::TempPath asPath("asn.mmdb"), ccPath("cc.mmdb"), db("mmdb-enrich.sqlite");
  WriteFile(asPath.str(), AsDatabase());
  WriteFile(ccPath.str(), CountryDatabase());
  StoreConfig cfg;
  cfg.asTable = *PrefixTable::Load(asPath.str(), PrefixTable::Value::kAsNumber);
  cfg.countryTable = *PrefixTable::Load(ccPath.str(), PrefixTable::Value::kCountryCode);
  ASSERT_TRUE(cfg.asTable && cfg.countryTable);
  auto r = test::MakeRecord(1);
  r.key.src = A("192.0.2.10");
  r.key.dst = A("203.0.113.20");
  r.srcAs = 0;
  r.dstAs = 0;
  {
    auto s = Store::Open(db.str(), cfg);
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->Insert(r));
    ASSERT_TRUE((*s)->Close());
  }
  EXPECT_EQ(test::QueryInt(db.str(), "SELECT src_as FROM flows"), 64500);
  EXPECT_EQ(test::QueryInt(db.str(), "SELECT dst_as FROM flows"), 0);  // not in the database
  EXPECT_EQ(test::QueryInt(db.str(),
                           "SELECT count(*) FROM flows WHERE src_country='DE' AND "
                           "dst_country='FR'"),
            1);
  // Query time: a store written without enrichment, looked up while querying.
  test::TempPath plain("mmdb-plain.sqlite");
  {
    auto s = Store::Open(plain.str(), StoreConfig{});
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->Insert(r));
    ASSERT_TRUE((*s)->Close());
  }
  QueryOptions qo;
  qo.asTable = cfg.asTable;
  qo.countryTable = cfg.countryTable;
  auto top = RunQueryOnFile(plain.str(), "top 5 srcas by bytes", qo);
  ASSERT_TRUE(top) << top.GetError().message;
  ASSERT_FALSE(top->rows.empty());
  EXPECT_EQ(top->rows[0][0], "64500");
  auto cc = RunQueryOnFile(plain.str(), "top 5 dstcountry by flows", qo);
  ASSERT_TRUE(cc) << cc.GetError().message;
  ASSERT_FALSE(cc->rows.empty());
  EXPECT_EQ(cc->rows[0][0], "FR");
}

}  // namespace
}  // namespace vantage::collector
