// The conformance report: one document model built from a Score, rendered to Markdown
// (report.md) and self-contained HTML (report.html); score.json beside them.
//
//   Document doc = BuildReport(score, regressions);
//   WriteReports("out/", score, regressions);   // score.json, report.md, report.html
#pragma once

#include <string>
#include <vector>

#include "vantage/conformance/score.h"
#include "vantage/core/result.h"

namespace vantage::conformance {

/// @brief A heading, a paragraph, a bullet list or a table.
struct Block {
  enum class Kind { kHeading, kParagraph, kList, kTable } kind = Kind::kParagraph;
  std::string text;                ///< heading or paragraph
  std::vector<std::string> items;  ///< list items, or table header cells
  std::vector<std::vector<std::string>> rows;
};

struct Document {
  std::string title;
  std::vector<Block> blocks;
};

Document BuildReport(const Score& score, const std::vector<Regression>& regressions);
std::string RenderMarkdown(const Document& doc);
std::string RenderHtml(const Document& doc);
/// @brief Writes score.json, report.md and report.html into `dir` (created if needed).
core::Status WriteReports(const std::string& dir, const Score& score,
                          const std::vector<Regression>& regressions);

}  // namespace vantage::conformance
