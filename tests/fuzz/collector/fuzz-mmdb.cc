// Fuzz target for MaxMind DB enrichment tables: the input is a whole .mmdb file (libmaxminddb
// parses it, memory-mapped; we read values out of the records it finds). Load must fail
// cleanly or give a table whose lookups answer or count an error, never crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "vantage/collector/prefix-table.h"

namespace {

// libmaxminddb opens files by name: every input goes through one temporary file.
struct TempFile {
  std::string path = "/tmp/vantage-fuzz-mmdb-" + std::to_string(::getpid()) + ".mmdb";
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vantage;
  static TempFile file;
  {
    std::ofstream out(file.path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  static const char* const kAddresses[] = {"192.0.2.77", "198.51.100.200",  "203.0.113.9",
                                           "0.0.0.0",    "255.255.255.255", "2001:db8::1",
                                           "::",         "ffff::1"};
  for (auto value :
       {collector::PrefixTable::Value::kAsNumber, collector::PrefixTable::Value::kCountryCode}) {
    auto table = collector::PrefixTable::Load(file.path, value);
    if (!table) continue;
    for (const char* text : kAddresses) {
      const std::string* v = (*table)->Lookup(*core::IpAddress::Parse(text));
      if (v != nullptr && v->empty()) __builtin_trap();  // an empty value is never returned
    }
  }
  return 0;
}
