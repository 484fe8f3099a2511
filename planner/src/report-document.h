// The report as one document model (headings, paragraphs, lists, tables, figures) rendered to
// Markdown (report.md) and to self-contained HTML (report.html): the HTML is built from the
// blocks, never by re-reading the Markdown. Inline text keeps Markdown's **bold** and `code`
// spans; the HTML renderer turns them into <strong> and <code> on escaped text.
//
//   Document doc;
//   doc.Heading(1, "Capture plan: office");
//   doc.Paragraph("**Recommendation:** 2 points.");
//   doc.Table({"point", "mode"}, {{"fw", "flow export"}});
//   doc.Figure("Map of the plan", "map.svg");
//   std::string md = doc.ToMarkdown();
//   std::string html = doc.ToHtml([](const std::string& file) { return InlineSvg(file); });
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vantage/planner/blind-spots.h"
#include "vantage/planner/detectability.h"
#include "vantage/planner/metrics.h"

namespace vantage::planner::detail {

class Document {
 public:
  using Row = std::vector<std::string>;

  void Heading(int level, std::string text);
  void Paragraph(std::string text);
  /// Bulleted ("- ") or numbered ("1. ") items.
  void List(std::vector<std::string> items, bool numbered = false);
  void Table(Row header, std::vector<Row> rows);
  /// A picture kept beside the report (`file`); the HTML inlines it.
  void Figure(std::string alt, std::string file);
  /// Appends another document's blocks (a section written elsewhere).

  std::string ToMarkdown() const;
  /// @param figure returns the inline SVG for a figure's file.
  std::string ToHtml(const std::string& title,
                     const std::function<std::string(const std::string&)>& figure) const;

 private:
  enum class Kind { kHeading, kParagraph, kList, kNumberedList, kTable, kFigure };
  struct Block {
    Kind kind;
    int level = 0;
    std::string text;       // heading, paragraph, figure alt text
    std::string file;       // figure
    std::vector<Row> rows;  // list items (one cell each) or table rows, header first
  };
  std::vector<Block> m_blocks;
};

/// The detectability section (written beside the detectability model).
void DetectabilitySection(Document& doc, const Detectability& d, const Metrics& m);

/// The flow-log blind spots section (report-blind-spots.cc); nothing without flow-log points.
void BlindSpotsSection(Document& doc, const std::vector<PointBlindSpots>& spots,
                       const Problem& problem, const Placement& plan);

/// **bold** and `code` spans of escaped text as HTML.
std::string InlineHtml(const std::string& s);

}  // namespace vantage::planner::detail
