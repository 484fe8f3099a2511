// The one XML escaper and the SVG writer: every special character, control characters,
// UTF-8, numbers of any length.
#include "vantage/core/svg-writer.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace vantage::core {
namespace {

TEST(XmlEscape, EscapesEverySpecialCharacter) {
  EXPECT_EQ(XmlEscape("a<b>c&d\"e'f"), "a&lt;b&gt;c&amp;d&quot;e&#39;f");
  EXPECT_EQ(XmlEscape("&amp;"), "&amp;amp;");  // no double-escape detection: text is text
  EXPECT_EQ(XmlEscape(""), "");
}

TEST(XmlEscape, KeepsUtf8AndDropsControlCharacters) {
  const std::string utf8 = "Zürich – 東京 ×3";
  EXPECT_EQ(XmlEscape(utf8), utf8);
  EXPECT_EQ(XmlEscape(std::string("a\x01"
                                  "b\x1f"
                                  "c\td\ne\rf",
                                  11)),
            "abc\td\ne\rf");
  EXPECT_EQ(XmlEscape(std::string("x\0y", 3)), "xy");
}

TEST(SvgNumber, MatchesPrintfAndNeverCuts) {
  for (double v : {0.0, -0.04, 0.05, 0.15, 1.25, 12345.678, -98.76, 1e-7}) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    EXPECT_EQ(SvgNumber(v), buf) << v;
    std::snprintf(buf, sizeof buf, "%g", v);
    EXPECT_EQ(ShortNumber(v), buf) << v;
  }
  EXPECT_EQ(SvgNumber(2.5, 0), "2");  // round half to even, as printf
  std::string huge = SvgNumber(1e300);
  EXPECT_EQ(huge.size(), 303u);  // 301 digits, ".0"
  EXPECT_EQ(huge.substr(huge.size() - 2), ".0");
}

TEST(SvgWriter, EscapesAttributesAndTextInItsQuoteStyle) {
  SvgWriter single('\'');
  single.Open("g", {{"id", "zones"}}).Element("text", {{"x", "1"}, {"class", "a'b"}}, "R&D <x>");
  single.Open("rect", {{"width", SvgNumber(3)}}, true).Close("g");
  EXPECT_EQ(single.Str(),
            "<g id='zones'><text x='1' class='a&#39;b'>R&amp;D &lt;x&gt;</text>"
            "<rect width='3.0'/></g>");
  SvgWriter twin('"');
  twin.Element("title", {}, "\"q\"").Raw("<br/>").Text("é");
  EXPECT_EQ(twin.Take(), "<title>&quot;q&quot;</title><br/>é");
}

}  // namespace
}  // namespace vantage::core
