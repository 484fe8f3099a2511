// One XML escaper and one small SVG writer for every picture Vantage draws (the topology map,
// the planner's plots, the query plots) and for the HTML report's text.
//
//   core::SvgWriter w('\'');
//   w.Raw("<svg xmlns='http://www.w3.org/2000/svg'>");
//   w.Element("text", {{"x", core::SvgNumber(12.5)}, {"y", "20"}}, "R&D <lab>");
//   w.Raw("</svg>\n");
//   std::string svg = w.Take();  // <text x='12.5' y='20'>R&amp;D &lt;lab&gt;</text>
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace vantage::core {

/// @brief Escapes `text` for XML or HTML element content and attribute values in either quote
/// style: & < > " ' become entities; C0 control characters other than tab, newline and
/// carriage return (not allowed in XML 1.0) are dropped; everything else, UTF-8 included,
/// passes through unchanged.
std::string XmlEscape(std::string_view text);

/// @brief `value` in fixed notation with `decimals` decimals (printf "%.Nf"), any length.
std::string SvgNumber(double value, int decimals = 1);

/// @brief `value` in printf "%g" notation (six significant digits), any length.
std::string ShortNumber(double value);

/// @brief One attribute; the value is escaped when written.
struct SvgAttr {
  std::string_view name;
  std::string value;
};

/// @brief Appends SVG markup to a string: raw fragments, escaped text and elements whose
/// attribute values and text are always escaped.
class SvgWriter {
 public:
  /// @param quote the attribute quote character, '"' or '\''.
  explicit SvgWriter(char quote = '"') : m_quote(quote) {}

  /// @brief Appends trusted markup as is (constant fragments, numbers).
  SvgWriter& Raw(std::string_view markup);
  /// @brief Same as Raw: `w << "<g>" << SvgNumber(x)`.
  SvgWriter& operator<<(std::string_view markup) { return Raw(markup); }
  /// @brief Appends `text` escaped.
  SvgWriter& Text(std::string_view text);
  /// @brief Appends `<tag a='v' ...>` (or `<tag .../>` when `selfClose`).
  SvgWriter& Open(std::string_view tag, std::initializer_list<SvgAttr> attrs,
                  bool selfClose = false);
  /// @brief Appends `</tag>`.
  SvgWriter& Close(std::string_view tag);
  /// @brief Appends `<tag a='v' ...>text</tag>` with `text` escaped.
  SvgWriter& Element(std::string_view tag, std::initializer_list<SvgAttr> attrs,
                     std::string_view text);

  const std::string& Str() const { return m_out; }
  std::string Take() { return std::move(m_out); }

 private:
  char m_quote;
  std::string m_out;
};

}  // namespace vantage::core
