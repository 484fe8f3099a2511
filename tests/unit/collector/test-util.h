// Helpers for collector tests: flow records and export messages built with the wire writers.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "vantage/collector/flow-store-module.h"
#include "vantage/core/flow.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/message-writer.h"
#include "vantage/wire/v9/message-writer.h"

namespace vantage::collector::test {

inline core::FlowRecord MakeRecord(uint32_t i) {
  core::FlowRecord r;
  r.key.src = core::IpAddress::V4(0x0a000001 + i);
  r.key.dst = core::IpAddress::V4(0xc0a80001 + (i % 7));
  r.key.srcPort = static_cast<uint16_t>(40000 + i);
  r.key.dstPort = static_cast<uint16_t>(i % 2 ? 443 : 22);
  r.key.protocol = 6;
  r.key.tos = 0x10;
  r.key.ingressInterface = 3;
  r.egressInterface = 4;
  r.packets = 10 + i;
  r.octets = 1000 + 100 * i;
  r.start = core::Timestamp::FromMillis(1700000000000 + 1000 * i);
  r.end = core::Timestamp::FromMillis(1700000000500 + 1000 * i);
  r.tcpFlags = 0x1b;
  r.minTtl = 60;
  r.maxTtl = 64;
  r.srcAs = 64512;
  r.dstAs = 64513;
  r.nextHop = core::IpAddress::V4(0x0a0000fe);
  r.endReason = core::FlowEndReason::kEndOfFlow;
  return r;
}

inline wire::ipfix::WriterConfig IpfixCfg(uint32_t domain, size_t maxSize = 1472) {
  wire::ipfix::WriterConfig c;
  c.observationDomain = domain;
  c.maxMessageSize = maxSize;
  return c;
}
inline wire::v9::WriterConfig V9Cfg(uint32_t sourceId, size_t maxSize = 1472) {
  wire::v9::WriterConfig c;
  c.sourceId = sourceId;
  c.maxMessageSize = maxSize;
  return c;
}
inline wire::FlowTemplateOptions SysUpTimeOpts() {
  wire::FlowTemplateOptions o;
  o.sysUpTime = true;
  return o;
}
inline wire::FlowTemplateOptions RichOpts() {
  wire::FlowTemplateOptions o;
  o.biflow = true;
  o.vlan = true;
  o.macs = true;
  o.nat = true;
  return o;
}

/// Collects the messages a writer emits.
struct Sink {
  std::vector<std::vector<uint8_t>> messages;
  auto Fn() {
    return [this](std::vector<uint8_t> m) { messages.push_back(std::move(m)); };
  }
};

/// A fresh temporary path (removed by the destructor).
struct TempPath {
  std::filesystem::path path;
  explicit TempPath(const std::string& name) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("vantage-collector-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
            "-" + name);
    std::filesystem::remove_all(path);
  }
  ~TempPath() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    std::filesystem::remove(path.string() + "-wal", ec);
    std::filesystem::remove(path.string() + "-shm", ec);
  }
  std::string str() const { return path.string(); }
};

/// Runs SQL statements on a store (with `flow_store`); SQLite's error message, "" on success.
inline std::string ExecSql(const std::string& db, const std::string& sql) {
  EnableFlowStoreModule();
  sqlite3* h = nullptr;
  std::string error;
  char* msg = nullptr;
  if (sqlite3_open(db.c_str(), &h) != SQLITE_OK ||
      sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    error = msg ? msg : sqlite3_errmsg(h);
  }
  sqlite3_free(msg);
  sqlite3_close(h);
  return error;
}

/// Runs a single-value integer SQL query.
inline int64_t QueryInt(const std::string& db, const std::string& sql) {
  EnableFlowStoreModule();
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    v = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

}  // namespace vantage::collector::test
