// Longest-prefix-match enrichment tables loaded from CSV or MaxMind DB files (see
// prefix-table.h).
#include "vantage/collector/prefix-table.h"

#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace vantage::collector {

namespace detail {

/// A MaxMind DB opened with libmaxminddb (memory-mapped). Lookups give one value of the entry
/// found; values are interned, so the pointers Lookup returns stay valid as long as the source.
class MmdbSource {
 public:
  static core::Result<std::shared_ptr<MmdbSource>> Open(const std::string& path,
                                                        PrefixTable::Value value);
  ~MmdbSource() { MMDB_close(&m_db); }
  MmdbSource(const MmdbSource&) = delete;
  MmdbSource& operator=(const MmdbSource&) = delete;

  const std::string* Lookup(const core::IpAddress& a) const;
  std::string Type() const {
    return m_db.metadata.database_type ? m_db.metadata.database_type : "";
  }
  uint64_t Errors() const { return m_errors.load(std::memory_order_relaxed); }

 private:
  MmdbSource() = default;
  std::optional<std::string> ValueOf(MMDB_entry_s& entry) const;
  const std::string* Intern(uint32_t entryOffset, MMDB_entry_s& entry) const;

  // Caps on the caches: a database with more distinct values or entries than this is not one
  // of the AS or country databases this reads; beyond them lookups still work, uncached.
  static constexpr size_t kMaxValues = 1 << 20;
  static constexpr size_t kMaxEntries = 1 << 20;

  MMDB_s m_db{};
  PrefixTable::Value m_value = PrefixTable::Value::kCountryCode;
  mutable std::mutex m_mutex;
  mutable std::unordered_set<std::string> m_values;  ///< interned values, never erased
  mutable std::unordered_map<uint32_t, const std::string*> m_byEntry;  ///< data offset -> value
  mutable std::atomic<uint64_t> m_errors{0};
};

core::Result<std::shared_ptr<MmdbSource>> MmdbSource::Open(const std::string& path,
                                                           PrefixTable::Value value) {
  std::shared_ptr<MmdbSource> src(new MmdbSource());
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &src->m_db);
  if (status != MMDB_SUCCESS) {
    src->m_db = MMDB_s{};  // nothing to close
    return core::MakeError(core::ErrorCode::kParse,
                           "MaxMind DB " + path + ": " + MMDB_strerror(status));
  }
  if (value == PrefixTable::Value::kAuto) {
    value = src->Type().find("ASN") != std::string::npos ? PrefixTable::Value::kAsNumber
                                                         : PrefixTable::Value::kCountryCode;
  }
  src->m_value = value;
  return src;
}

std::optional<std::string> MmdbSource::ValueOf(MMDB_entry_s& entry) const {
  static const char* const kAs[] = {"autonomous_system_number", nullptr};
  static const char* const kTraitsAs[] = {"traits", "autonomous_system_number", nullptr};
  static const char* const kCountry[] = {"country", "iso_code", nullptr};
  static const char* const kRegistered[] = {"registered_country", "iso_code", nullptr};
  const bool as = m_value == PrefixTable::Value::kAsNumber;
  for (const char* const* path : {as ? kAs : kCountry, as ? kTraitsAs : kRegistered}) {
    MMDB_entry_data_s d{};
    const int st = MMDB_aget_value(&entry, &d, path);
    if (st == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || st == MMDB_INVALID_LOOKUP_PATH_ERROR) {
      continue;  // this database has no such field
    }
    if (st != MMDB_SUCCESS) {
      m_errors.fetch_add(1, std::memory_order_relaxed);
      return std::nullopt;
    }
    if (!d.has_data) continue;
    if (as) {
      if (d.type == MMDB_DATA_TYPE_UINT16) return std::to_string(d.uint16);
      if (d.type == MMDB_DATA_TYPE_UINT32) return std::to_string(d.uint32);
      if (d.type == MMDB_DATA_TYPE_UINT64) return std::to_string(d.uint64);
      if (d.type == MMDB_DATA_TYPE_INT32 && d.int32 >= 0) return std::to_string(d.int32);
    } else if (d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size > 0) {
      return std::string(d.utf8_string, d.data_size);
    }
  }
  return std::nullopt;
}

const std::string* MmdbSource::Intern(uint32_t entryOffset, MMDB_entry_s& entry) const {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_byEntry.find(entryOffset);
    if (it != m_byEntry.end()) return it->second;
  }
  std::optional<std::string> v = ValueOf(entry);
  std::lock_guard<std::mutex> lock(m_mutex);
  const std::string* interned = nullptr;
  if (v) {
    auto found = m_values.find(*v);
    if (found != m_values.end()) {
      interned = &*found;
    } else if (m_values.size() < kMaxValues) {
      interned = &*m_values.insert(std::move(*v)).first;
    } else {
      m_errors.fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (m_byEntry.size() >= kMaxEntries) m_byEntry.clear();
  m_byEntry.emplace(entryOffset, interned);
  return interned;
}

const std::string* MmdbSource::Lookup(const core::IpAddress& a) const {
  sockaddr_storage ss{};
  if (a.IsV4()) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    std::memcpy(&in->sin_addr, a.bytes.data(), 4);
  } else if (a.IsV6()) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    std::memcpy(&in6->sin6_addr, a.bytes.data(), 16);
  } else {
    return nullptr;
  }
  int mmdbError = MMDB_SUCCESS;
  MMDB_lookup_result_s r =
      MMDB_lookup_sockaddr(&m_db, reinterpret_cast<const sockaddr*>(&ss), &mmdbError);
  if (mmdbError == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) return nullptr;  // not a fault
  if (mmdbError != MMDB_SUCCESS) {
    m_errors.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  if (!r.found_entry) return nullptr;
  return Intern(r.entry.offset, r.entry);
}

}  // namespace detail

namespace {
// A MaxMind DB ends with its metadata, which starts with this marker within the last 128 KiB
// (MaxMind DB format 2.0, "Database Metadata").
bool HasMmdbMarker(std::ifstream& in) {
  static const std::string kMarker = "\xAB\xCD\xEFMaxMind.com";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff tail = std::min<std::streamoff>(size, 128 * 1024);
  std::string text(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(text.data(), tail);
  in.clear();
  in.seekg(0);
  return text.find(kMarker) != std::string::npos;
}
}  // namespace

core::Result<std::shared_ptr<PrefixTable>> PrefixTable::Load(const std::string& path, Value value) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::MakeError(core::ErrorCode::kIo, "cannot open prefix table " + path);
  if (!HasMmdbMarker(in)) {
    std::stringstream ss;
    ss << in.rdbuf();
    return Parse(ss.str(), path);
  }
  auto src = detail::MmdbSource::Open(path, value);
  if (!src) return src.GetError();
  auto table = std::make_shared<PrefixTable>();
  table->m_mmdb = std::move(*src);
  return table;
}

std::string PrefixTable::DatabaseType() const {
  return m_mmdb ? m_mmdb->Type() : std::string();
}

uint64_t PrefixTable::LookupErrors() const {
  return m_mmdb ? m_mmdb->Errors() : 0;
}

core::Result<std::shared_ptr<PrefixTable>> PrefixTable::Parse(const std::string& text,
                                                              const std::string& name) {
  auto table = std::make_shared<PrefixTable>();
  VANTAGE_RETURN_IF_ERROR(
      core::ParsePrefixLines(text, name,
                             [&table](const core::IpPrefix& prefix, const std::string& value,
                                      const std::string&) -> core::Status {
                               table->Add(prefix, value);
                               return {};
                             }));
  return table;
}

void PrefixTable::Add(const core::IpPrefix& prefix, std::string value) {
  m_prefixes.Add(prefix, std::move(value));
}

const std::string* PrefixTable::Lookup(const core::IpAddress& a) const {
  if (const std::string* v = m_prefixes.Lookup(a)) return v;
  return m_mmdb && a.IsSet() ? m_mmdb->Lookup(a) : nullptr;
}

}  // namespace vantage::collector
