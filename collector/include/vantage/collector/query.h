// Flow queries over a Store: a small language for Top-N and time series, translated to SQL
// over the flows table, or plain SQL. Errors say where (column) and why.
//
//   top 10 srcip by bytes scaled where dstport = 22 and proto = tcp between 2024-01-01T00:00:00Z
//   and 2024-01-02T00:00:00Z series bytes every 1m where srcip in 10.0.0.0/8 select count(*) from
//   flows
//
//   auto q = ParseQuery("top 5 dstport by packets");
//   auto table = RunQuery(db, text, {});
//   std::cout << FormatTable(*table, OutputFormat::kTable);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vantage/core/result.h"

struct sqlite3;

namespace vantage::collector {

class PrefixTable;

/// @brief A query result: column names and rows of text cells.
struct QueryTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  bool timeSeries = false;         ///< first column is a bin start time, others are numbers
  std::string sql;                 ///< the SQL that ran
  std::vector<std::string> notes;  ///< what the reader must know (e.g. unknown sampling rates)
};

/// @brief Query-time enrichment and options.
struct QueryOptions {
  std::shared_ptr<const PrefixTable> asTable;       ///< query-time AS lookup
  std::shared_ptr<const PrefixTable> countryTable;  ///< query-time country lookup
};

/// @brief Parsed form of a query-language statement.
struct ParsedQuery {
  enum class Kind { kTop, kSeries, kSql } kind = Kind::kSql;
  size_t limit = 10;
  std::string dimension;           ///< top: srcip, dstip, srcport, dstport, proto, app, srcas, ...
  std::string metric = "bytes";    ///< bytes, packets, flows
  int64_t binNs = 60'000'000'000;  ///< series bin
  /// Packets and bytes multiplied by each flow's sampling rate ("scaled"): estimates of what
  /// crossed the observation point, not what was sampled.
  bool scaled = false;
  std::string where;  ///< SQL condition (with ? parameters)
  struct Param {
    bool isBlob = false;
    std::vector<uint8_t> blob;  ///< address bytes
    int64_t value = 0;
    std::string text;  ///< string comparisons (country)
    bool isText = false;
  };
  std::vector<Param> params;  ///< one per '?' in `where`, in order
  std::string sql;            ///< kSql: the statement
};

/// @brief Parses a statement; errors are "column N: why" (1-based).
core::Result<ParsedQuery> ParseQuery(const std::string& text);
/// @brief Parses and runs a statement against an open database.
core::Result<QueryTable> RunQuery(sqlite3* db, const std::string& text,
                                  const QueryOptions& options = {});
/// @brief Opens DB read-only and runs the statement.
core::Result<QueryTable> RunQueryOnFile(const std::string& dbPath, const std::string& text,
                                        const QueryOptions& options = {});

enum class OutputFormat { kTable, kCsv, kJson };
std::string FormatTable(const QueryTable& t, OutputFormat format);
/// @brief An SVG line chart of a time-series table (one line per numeric column).
std::string PlotSvg(const QueryTable& t, const std::string& title);

/// @brief Application name of a flow from its ports and protocol ("https", "dns", ...), or
/// "proto/port" of the lower port.
std::string AppName(uint8_t protocol, uint16_t srcPort, uint16_t dstPort);
/// @brief The port AppName names a flow by (0 for protocols without ports):
/// AppName(p, s, d) == AppName(p, AppPort(p, s, d), AppPort(p, s, d)).
uint16_t AppPort(uint8_t protocol, uint16_t srcPort, uint16_t dstPort);
/// @brief Parses "2024-01-02T03:04:05Z", "2024-01-02 03:04:05", "2024-01-02" or UNIX seconds.
core::Result<int64_t> ParseTimeNs(const std::string& text);

}  // namespace vantage::collector
