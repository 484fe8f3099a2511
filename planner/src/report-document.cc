// The report's document model and its Markdown and HTML renderers.
#include "report-document.h"

#include <sstream>

#include "vantage/core/svg-writer.h"

namespace vantage::planner::detail {

void Document::Heading(int level, std::string text) {
  m_blocks.push_back({Kind::kHeading, level, std::move(text), {}, {}});
}

void Document::Paragraph(std::string text) {
  m_blocks.push_back({Kind::kParagraph, 0, std::move(text), {}, {}});
}

void Document::List(std::vector<std::string> items, bool numbered) {
  Block b{numbered ? Kind::kNumberedList : Kind::kList, 0, {}, {}, {}};
  for (auto& i : items) b.rows.push_back({std::move(i)});
  m_blocks.push_back(std::move(b));
}

void Document::Table(Row header, std::vector<Row> rows) {
  Block b{Kind::kTable, 0, {}, {}, {}};
  b.rows.push_back(std::move(header));
  for (auto& r : rows) b.rows.push_back(std::move(r));
  m_blocks.push_back(std::move(b));
}

void Document::Figure(std::string alt, std::string file) {
  m_blocks.push_back({Kind::kFigure, 0, std::move(alt), std::move(file), {}});
}

namespace {

// An empty header cell is "| |" (the corner of a table whose rows are named), an empty data
// cell "|  |", as report.md always spelled them. A "|" in a cell is escaped.
void MarkdownRow(std::ostringstream& o, const Document::Row& row, bool header) {
  o << "|";
  for (const auto& c : row) {
    std::string cell;
    for (char ch : c) cell += ch == '|' ? std::string("\\|") : std::string(1, ch);
    o << (header && cell.empty() ? " " : " " + cell + " ") << "|";
  }
  o << "\n";
}

}  // namespace

std::string Document::ToMarkdown() const {
  std::ostringstream o;
  for (size_t i = 0; i < m_blocks.size(); ++i) {
    if (i) o << "\n";
    const Block& b = m_blocks[i];
    switch (b.kind) {
      case Kind::kHeading:
        o << std::string(static_cast<size_t>(b.level), '#') << " " << b.text << "\n";
        break;
      case Kind::kParagraph:
        o << b.text << "\n";
        break;
      case Kind::kList:
      case Kind::kNumberedList:
        for (size_t k = 0; k < b.rows.size(); ++k) {
          o << (b.kind == Kind::kNumberedList ? std::to_string(k + 1) + ". " : std::string("- "))
            << b.rows[k][0] << "\n";
        }
        break;
      case Kind::kTable:
        MarkdownRow(o, b.rows.front(), true);
        o << "|";
        for (size_t c = 0; c < b.rows.front().size(); ++c) o << "---|";
        o << "\n";
        for (size_t r = 1; r < b.rows.size(); ++r) MarkdownRow(o, b.rows[r], false);
        break;
      case Kind::kFigure:
        o << "![" << b.text << "](" << b.file << ")\n";
        break;
    }
  }
  return o.str();
}

std::string InlineHtml(const std::string& s) {
  std::string e = core::XmlEscape(s), out;
  bool bold = false, code = false;
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i] == '*' && i + 1 < e.size() && e[i + 1] == '*') {
      out += bold ? "</strong>" : "<strong>";
      bold = !bold;
      ++i;
    } else if (e[i] == '`') {
      out += code ? "</code>" : "<code>";
      code = !code;
    } else {
      out += e[i];
    }
  }
  if (bold) out += "</strong>";
  if (code) out += "</code>";
  return out;
}

namespace {

const char* kStyle =
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "color:#222;line-height:1.45}\n"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
    "text-align:left;vertical-align:top}th{background:#f0f0f0}\n"
    "code{background:#f4f4f4;padding:0 3px}svg{max-width:100%;height:auto}\n"
    ".figure{overflow-x:auto;border:1px solid #ddd;padding:.5em;margin:1em 0}\n";

void HtmlTable(std::ostringstream& o, const std::vector<Document::Row>& rows) {
  o << "<table>\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    const char* cell = r == 0 ? "th" : "td";
    o << "<tr>";
    for (const auto& c : rows[r]) o << "<" << cell << ">" << InlineHtml(c) << "</" << cell << ">";
    o << "</tr>\n";
  }
  o << "</table>\n";
}

}  // namespace

std::string Document::ToHtml(const std::string& title,
                             const std::function<std::string(const std::string&)>& figure) const {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
    << core::XmlEscape(title) << "</title>\n<style>\n"
    << kStyle << "</style>\n</head>\n<body>\n";
  for (const Block& b : m_blocks) {
    switch (b.kind) {
      case Kind::kHeading:
        o << "<h" << b.level << ">" << InlineHtml(b.text) << "</h" << b.level << ">\n";
        break;
      case Kind::kParagraph:
        o << "<p>" << InlineHtml(b.text) << "</p>\n";
        break;
      case Kind::kList:
      case Kind::kNumberedList:
        o << (b.kind == Kind::kList ? "<ul>\n" : "<ol>\n");
        for (const auto& item : b.rows) o << "<li>" << InlineHtml(item[0]) << "</li>\n";
        o << (b.kind == Kind::kList ? "</ul>\n" : "</ol>\n");
        break;
      case Kind::kTable:
        HtmlTable(o, b.rows);
        break;
      case Kind::kFigure:
        o << "<div class=\"figure\">\n" << figure(b.file) << "</div>\n";
        break;
    }
  }
  o << "</body>\n</html>\n";
  return o.str();
}

}  // namespace vantage::planner::detail
