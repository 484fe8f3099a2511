// `vantage query`: Top-N, time series and plain SQL over a collector store.
#ifdef VANTAGE_HAVE_collector
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "vantage/collector/prefix-table.h"
#include "vantage/collector/query.h"

namespace {

struct QueryCliOptions {
  std::string db;
  std::string query;
  std::string format = "table";
  std::string svg;
  std::string asTable;
  std::string countryTable;
  bool showSql = false;
};

int RunQueryCommand(const QueryCliOptions& o) {
  using namespace vantage::collector;
  QueryOptions qo;
  if (!o.asTable.empty()) {
    auto t = PrefixTable::Load(o.asTable, PrefixTable::Value::kAsNumber);
    if (!t) {
      std::cerr << "vantage query: " << t.GetError().ToString() << "\n";
      return 1;
    }
    qo.asTable = *t;
  }
  if (!o.countryTable.empty()) {
    auto t = PrefixTable::Load(o.countryTable, PrefixTable::Value::kCountryCode);
    if (!t) {
      std::cerr << "vantage query: " << t.GetError().ToString() << "\n";
      return 1;
    }
    qo.countryTable = *t;
  }
  auto r = RunQueryOnFile(o.db, o.query, qo);
  if (!r) {
    const auto& e = r.GetError();
    std::cerr << "vantage query: " << e.message << "\n";
    if (e.code == vantage::core::ErrorCode::kParse && e.offset != vantage::core::Error::kNoOffset &&
        e.offset >= 1 && e.offset <= o.query.size() + 1) {
      std::cerr << "  " << o.query << "\n  " << std::string(e.offset - 1, ' ') << "^\n";
    }
    return 1;
  }
  if (o.showSql) std::cerr << "sql: " << r->sql << "\n";
  for (const auto& note : r->notes) std::cerr << "note: " << note << "\n";
  OutputFormat f = OutputFormat::kTable;
  if (o.format == "csv")
    f = OutputFormat::kCsv;
  else if (o.format == "json")
    f = OutputFormat::kJson;
  std::cout << FormatTable(*r, f);
  if (!o.svg.empty()) {
    if (!r->timeSeries) {
      std::cerr << "vantage query: --svg needs a time series ('series bytes every 1m ...')\n";
      return 1;
    }
    std::ofstream out(o.svg);
    out << PlotSvg(*r, o.query);
    if (!out) {
      std::cerr << "vantage query: cannot write " << o.svg << "\n";
      return 1;
    }
  }
  return 0;
}

vantage::cli::Registrar reg{
    "query", "Query a collector store: top N, time series, or plain SQL",
    [](CLI::App& app) {
      auto o = std::make_shared<QueryCliOptions>();
      app.add_option("db", o->db, "SQLite store written by 'vantage collect'")->required();
      app.add_option("query", o->query,
                     "e.g. \"top 10 srcip by bytes where dstport = 22 between T1 and T2\", "
                     "\"series bytes every 1m\", \"top 10 srcip by bytes scaled\" (packets "
                     "and bytes x each flow's sampling rate), or SQL (see docs/collector.md)")
          ->required();
      app.add_option("--format", o->format, "table, csv or json")
          ->check(CLI::IsMember({"table", "csv", "json"}));
      app.add_option("--svg", o->svg, "write an SVG plot of a time series to this file");
      app.add_option("--as-table", o->asTable,
                     "CSV prefix,AS table or MaxMind DB (.mmdb) for query-time lookup");
      app.add_option("--country-table", o->countryTable,
                     "CSV prefix,country table or MaxMind DB (.mmdb) for query-time lookup");
      app.add_flag("--show-sql", o->showSql, "print the SQL that ran");
      return [o] { return RunQueryCommand(*o); };
    },
    41};

}  // namespace
#endif  // VANTAGE_HAVE_collector
