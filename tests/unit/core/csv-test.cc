// core::CsvReader / AppendCsvRow / CsvRow: quoting round trip, line numbers and offsets in
// errors, limits, typed cells.
#include "vantage/core/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vantage::core {
namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& text, Error* error = nullptr,
                                              CsvLimits limits = {}) {
  CsvReader reader(text, "t.csv", limits);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> cells;
  while (true) {
    auto more = reader.Next(cells);
    if (!more) {
      if (error) *error = more.GetError();
      break;
    }
    if (!*more) break;
    rows.push_back(cells);
  }
  return rows;
}

TEST(Csv, QuotesOnlyWhereNeeded) {
  EXPECT_EQ(CsvQuote("plain"), "plain");
  EXPECT_EQ(CsvQuote("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvQuote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvQuote("two\nlines"), "\"two\nlines\"");
  std::string out;
  AppendCsvRow(out, {"1", "", "x,y"});
  EXPECT_EQ(out, "1,,\"x,y\"\n");
}

TEST(Csv, RoundTripsAwkwardFields) {
  const std::vector<std::string> row = {"", "a,b", "\"", "line1\nline2", "cr\r", " sp "};
  std::string text;
  AppendCsvRow(text, row);
  AppendCsvRow(text, {"last"});
  auto rows = ReadAll(text);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], row);
  EXPECT_EQ(rows[1], std::vector<std::string>{"last"});
}

TEST(Csv, SkipsBlankLinesAndCountsLines) {
  CsvReader reader("a,b\r\n\r\n\nc,d\n", "t.csv");
  std::vector<std::string> cells;
  ASSERT_TRUE(*reader.Next(cells));
  EXPECT_EQ(reader.Line(), 1u);
  EXPECT_EQ(cells, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(*reader.Next(cells));
  EXPECT_EQ(reader.Line(), 4u);
  EXPECT_EQ(reader.Where(), "t.csv:4");
  EXPECT_FALSE(*reader.Next(cells));
}

TEST(Csv, LineNumbersCountBreaksInsideQuotes) {
  CsvReader reader("\"a\nb\",c\nd\n", "t.csv");
  std::vector<std::string> cells;
  ASSERT_TRUE(*reader.Next(cells));
  ASSERT_TRUE(*reader.Next(cells));
  EXPECT_EQ(reader.Line(), 3u);
  EXPECT_EQ(cells, std::vector<std::string>{"d"});
}

TEST(Csv, BadInputNamesLineColumnAndOffset) {
  Error e;
  ReadAll("a,b\nc,\"open\n", &e);
  EXPECT_EQ(e.code, ErrorCode::kParse);
  EXPECT_NE(e.message.find("t.csv:3"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("not closed"), std::string::npos) << e.message;

  ReadAll("ok\nab\"c\n", &e);
  EXPECT_NE(e.message.find("t.csv:2: quote inside an unquoted field (at column 3)"),
            std::string::npos)
      << e.message;
  EXPECT_EQ(e.offset, 5u);

  ReadAll("\"q\"x\n", &e);
  EXPECT_NE(e.message.find("t.csv:1: expected ','"), std::string::npos) << e.message;
}

TEST(Csv, LimitsAreEnforced) {
  Error e;
  CsvLimits limits;
  limits.maxFields = 3;
  EXPECT_EQ(ReadAll("a,b,c\n", &e, limits).size(), 1u);
  ReadAll("a,b,c,d\n", &e, limits);
  EXPECT_NE(e.message.find("too many fields"), std::string::npos) << e.message;
  limits = {};
  limits.maxFieldBytes = 4;
  ReadAll("abcde\n", &e, limits);
  EXPECT_NE(e.message.find("longer than the limit"), std::string::npos) << e.message;
}

TEST(Csv, TypedCellsByHeaderName) {
  CsvColumns cols({"port", "n", "ip", "t"});
  std::vector<std::string> cells = {"443", "12", "10.0.0.1", "-5"};
  CsvRow row(cells, cols, "f:2");
  EXPECT_EQ(row.Port("port"), 443);
  EXPECT_EQ(row.U64("n"), 12u);
  EXPECT_EQ(row.Ip("ip", false).ToString(), "10.0.0.1");
  EXPECT_EQ(row.I64("t"), -5);
  EXPECT_EQ(row.Str("absent"), "");
  EXPECT_EQ(row.U64("absent"), 0u);
  EXPECT_TRUE(row.Ok());

  std::vector<std::string> bad = {"70000", "-1", "10.0.0.300", "x"};
  CsvRow b(bad, cols, "f:9");
  b.Port("port");
  EXPECT_EQ(b.ErrorText(), "f:9: column port: port out of range");
  b.U64("n");  // the first problem is kept
  EXPECT_EQ(b.ErrorText(), "f:9: column port: port out of range");
  CsvRow c(bad, cols, "f:9");
  c.U64("n");
  EXPECT_EQ(c.ErrorText(), "f:9: column n: not an unsigned integer: '-1'");
  CsvRow d(bad, cols, "f:9");
  d.Ip("ip", false);
  EXPECT_NE(d.ErrorText().find("bad address '10.0.0.300'"), std::string::npos);
  CsvRow e(bad, cols, "f:9");
  EXPECT_EQ(e.Bounded("t", 255), 0u);
  EXPECT_NE(e.ErrorText().find("column t: not an unsigned integer"), std::string::npos);
}

}  // namespace
}  // namespace vantage::core
