// A small well-formedness checker for the SVG and HTML the planner writes (tests only).
#pragma once

#include <string>

namespace vantage::planner::test {

/// @brief Empty if `text` is well-formed XML (one root, balanced tags, quoted attributes,
/// known entities); otherwise what is wrong and where.
std::string CheckXml(const std::string& text);

/// @brief Same for HTML: void elements (meta, br, img, hr, link, input) need no end tag and a
/// leading <!DOCTYPE html> is allowed.
std::string CheckHtml(const std::string& text);

}  // namespace vantage::planner::test
