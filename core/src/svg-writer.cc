// The XML escaper and SVG writer shared by the map, the planner's plots and the query plots.
#include "vantage/core/svg-writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

namespace vantage::core {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        // Numeric, not &apos;: valid in XML and in every HTML version.
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

namespace {

std::string ToChars(double value, std::chars_format format, int precision) {
  // 400 characters hold any double in fixed notation with up to ~60 decimals; a larger
  // request grows the buffer rather than cutting the number.
  std::vector<char> buf(400 + static_cast<size_t>(std::max(precision, 0)));
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value, format, precision);
  if (ec != std::errc()) return std::isnan(value) ? "nan" : "inf";
  return std::string(buf.data(), end);
}

}  // namespace

std::string SvgNumber(double value, int decimals) {
  return ToChars(value, std::chars_format::fixed, decimals);
}

std::string ShortNumber(double value) {
  return ToChars(value, std::chars_format::general, 6);
}

SvgWriter& SvgWriter::Raw(std::string_view markup) {
  m_out += markup;
  return *this;
}

SvgWriter& SvgWriter::Text(std::string_view text) {
  m_out += XmlEscape(text);
  return *this;
}

SvgWriter& SvgWriter::Open(std::string_view tag, std::initializer_list<SvgAttr> attrs,
                           bool selfClose) {
  m_out += '<';
  m_out += tag;
  for (const auto& a : attrs) {
    m_out += ' ';
    m_out += a.name;
    m_out += '=';
    m_out += m_quote;
    m_out += XmlEscape(a.value);
    m_out += m_quote;
  }
  m_out += selfClose ? "/>" : ">";
  return *this;
}

SvgWriter& SvgWriter::Close(std::string_view tag) {
  m_out += "</";
  m_out += tag;
  m_out += '>';
  return *this;
}

SvgWriter& SvgWriter::Element(std::string_view tag, std::initializer_list<SvgAttr> attrs,
                              std::string_view text) {
  Open(tag, attrs);
  Text(text);
  return Close(tag);
}

}  // namespace vantage::core
