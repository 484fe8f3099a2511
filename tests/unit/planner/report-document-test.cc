// The report's document model: one set of blocks, two renderings. The HTML comes from the
// blocks, so text that looks like Markdown structure stays text.
#include "report-document.h"

#include <gtest/gtest.h>

#include "xml-check.h"

namespace vantage::planner::detail {
namespace {

Document Sample() {
  Document doc;
  doc.Heading(1, "Plan: R&D <lab>");
  doc.Paragraph("1. not a list: **bold** and `code` | not a cell");
  doc.List({"a", "b"});
  doc.List({"first", "second"}, true);
  doc.Table({"", "value"}, {{"x | y", ""}, {"Zürich", "'q'"}});
  doc.Figure("Map", "map.svg");
  return doc;
}

TEST(ReportDocument, MarkdownLayout) {
  EXPECT_EQ(Sample().ToMarkdown(),
            "# Plan: R&D <lab>\n\n"
            "1. not a list: **bold** and `code` | not a cell\n\n"
            "- a\n- b\n\n"
            "1. first\n2. second\n\n"
            "| | value |\n|---|---|\n| x \\| y |  |\n| Zürich | 'q' |\n\n"
            "![Map](map.svg)\n");
}

TEST(ReportDocument, HtmlFromBlocksEscapedAndSelfContained) {
  std::string html = Sample().ToHtml(
      "T <1>", [](const std::string& file) { return "<svg><title>" + file + "</title></svg>\n"; });
  EXPECT_EQ(test::CheckHtml(html), "");
  EXPECT_NE(html.find("<title>T &lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<h1>Plan: R&amp;D &lt;lab&gt;</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p>1. not a list: <strong>bold</strong> and <code>code</code> | not a "
                      "cell</p>"),
            std::string::npos);
  EXPECT_NE(html.find("<ul>\n<li>a</li>\n<li>b</li>\n</ul>"), std::string::npos);
  EXPECT_NE(html.find("<ol>\n<li>first</li>\n<li>second</li>\n</ol>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th></th><th>value</th></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>x | y</td><td></td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<td>Zürich</td><td>&#39;q&#39;</td>"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"figure\">\n<svg><title>map.svg</title></svg>\n</div>"),
            std::string::npos);
}

}  // namespace
}  // namespace vantage::planner::detail
