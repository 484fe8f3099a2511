// ProgressLine: one rewritten line on a terminal, a line per tenth of the work in a log.
#include "progress-line.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace vantage::cli {
namespace {

/// Everything written to a temporary file.
class Capture {
 public:
  Capture() : m_file(std::tmpfile()) {}
  ~Capture() { std::fclose(m_file); }
  std::FILE* File() { return m_file; }
  std::string Text() {
    std::fflush(m_file);
    std::rewind(m_file);
    std::string s;
    for (int c = std::fgetc(m_file); c != EOF; c = std::fgetc(m_file)) s += static_cast<char>(c);
    return s;
  }

 private:
  std::FILE* m_file;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  EXPECT_EQ(start, text.size()) << "a log line without its newline";
  return out;
}

TEST(ProgressLine, LogGetsOneLinePerTenth) {
  Capture out;
  {
    ProgressLine p(true, out.File(), false);
    // A run reporting about once a second for ~45 s, as the verification run does.
    for (int i = 0; i <= 45; ++i) p.Update(i / 45.0, "simulated " + std::to_string(i) + " s");
    p.Finish();
  }
  const auto lines = Lines(out.Text());
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines.front(), "simulated 0 s (0%)");
  EXPECT_EQ(lines.back(), "simulated 45 s (100%)");
  for (size_t k = 0; k < lines.size(); ++k) {  // the first update of each tenth
    const size_t open = lines[k].rfind('(');
    ASSERT_NE(open, std::string::npos) << lines[k];
    const int pct = std::stoi(lines[k].substr(open + 1));
    EXPECT_GE(pct, static_cast<int>(10 * k)) << lines[k];
    EXPECT_LT(pct, static_cast<int>(10 * k) + 3) << lines[k];
  }
}

TEST(ProgressLine, LogSkipsTenthsNotReachedAndNeverRoundsUp) {
  Capture out;
  ProgressLine p(true, out.File(), false);
  p.Update(0.05, "a");
  p.Update(0.07, "b");   // same tenth: not printed
  p.Update(0.999, "c");  // jumps to the tenth 9: printed, and not as 100%
  p.Update(0.5, "d");    // backwards: not printed
  const auto lines = Lines(out.Text());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "a (5%)");
  EXPECT_EQ(lines[1], "c (99%)");
}

TEST(ProgressLine, LogEndsWithTheLastUpdate) {
  Capture out;
  {
    ProgressLine p(true, out.File(), false);
    p.Update(0.0, "start");
    p.Update(0.95, "late");
    p.Update(0.99, "last");  // held back: same tenth as "late"
  }                          // the destructor finishes
  const auto lines = Lines(out.Text());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "late (95%)");
  EXPECT_EQ(lines[2], "last (99%)");
  // Nothing held back: nothing repeated.
  Capture again;
  {
    ProgressLine p(true, again.File(), false);
    p.Update(0.5, "half");
    p.Finish();
    p.Finish();
  }
  EXPECT_EQ(Lines(again.Text()).size(), 1u);
}

TEST(ProgressLine, TerminalRewritesOneLine) {
  Capture out;
  {
    ProgressLine p(true, out.File(), true);
    for (int i = 0; i <= 20; ++i) p.Update(i / 20.0, "step " + std::to_string(i));
  }  // the destructor ends the line
  const std::string text = out.Text();
  size_t returns = 0;
  for (char c : text) returns += c == '\r' ? 1 : 0;
  EXPECT_EQ(returns, 21u);
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line, ended once";
  EXPECT_NE(text.find("\rstep 20 (100%)"), std::string::npos);
}

TEST(ProgressLine, QuietPrintsNothing) {
  Capture out;
  {
    ProgressLine p(false, out.File(), true);
    p.Update(0.5, "x");
    p.Finish();
  }
  EXPECT_EQ(out.Text(), "");
}

}  // namespace
}  // namespace vantage::cli
