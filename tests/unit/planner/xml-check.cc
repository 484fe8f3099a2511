// A small well-formedness checker for the SVG and HTML the planner writes (tests only).
#include "xml-check.h"

#include <cctype>
#include <set>
#include <vector>

namespace vantage::planner::test {
namespace {

std::string Check(const std::string& s, bool html) {
  static const std::set<std::string> kVoid = {"meta", "br", "img", "hr", "link", "input"};
  std::vector<std::string> stack;
  size_t roots = 0;
  size_t i = 0;
  auto where = [&](size_t pos) { return " at offset " + std::to_string(pos); };
  while (i < s.size()) {
    char c = s[i];
    if (c == '&') {
      size_t semi = s.find(';', i);
      if (semi == std::string::npos || semi - i > 10) return "bad entity" + where(i);
      std::string ent = s.substr(i + 1, semi - i - 1);
      static const std::set<std::string> kEnt = {"amp", "lt", "gt", "quot", "apos", "#39"};
      if (!kEnt.count(ent)) return "unknown entity &" + ent + ";" + where(i);
      i = semi + 1;
      continue;
    }
    if (c != '<') {
      if (c == '>') return "stray '>'" + where(i);
      if (stack.empty() && !std::isspace(static_cast<unsigned char>(c))) {
        return "text outside the root element" + where(i);
      }
      ++i;
      continue;
    }
    if (s.compare(i, 5, "<?xml") == 0) {
      size_t end = s.find("?>", i);
      if (end == std::string::npos || i != 0) return "bad XML declaration" + where(i);
      i = end + 2;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      size_t end = s.find("-->", i);
      if (end == std::string::npos) return "unterminated comment" + where(i);
      i = end + 3;
      continue;
    }
    if (html && s.compare(i, 9, "<!DOCTYPE") == 0) {
      size_t end = s.find('>', i);
      if (end == std::string::npos) return "bad doctype" + where(i);
      i = end + 1;
      continue;
    }
    bool closing = i + 1 < s.size() && s[i + 1] == '/';
    size_t j = i + (closing ? 2 : 1);
    size_t nameStart = j;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-' ||
                            s[j] == ':' || s[j] == '_')) {
      ++j;
    }
    std::string name = s.substr(nameStart, j - nameStart);
    if (name.empty()) return "bad tag name" + where(i);
    bool selfClosing = false;
    // Attributes: name="value" or name='value'.
    while (true) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j >= s.size()) return "unterminated tag <" + name + where(i);
      if (s[j] == '>') {
        ++j;
        break;
      }
      if (s[j] == '/' && j + 1 < s.size() && s[j + 1] == '>') {
        selfClosing = true;
        j += 2;
        break;
      }
      if (closing) return "attributes in end tag </" + name + where(i);
      size_t a = j;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-' ||
                              s[j] == ':' || s[j] == '_')) {
        ++j;
      }
      if (a == j) return "bad attribute in <" + name + where(j);
      if (j >= s.size() || s[j] != '=') return "attribute without value in <" + name + where(j);
      ++j;
      if (j >= s.size() || (s[j] != '"' && s[j] != '\'')) {
        return "unquoted attribute in <" + name + where(j);
      }
      char q = s[j];
      size_t end = s.find(q, j + 1);
      if (end == std::string::npos) return "unterminated attribute" + where(j);
      std::string value = s.substr(j + 1, end - j - 1);
      if (value.find('<') != std::string::npos) return "'<' in attribute" + where(j);
      j = end + 1;
    }
    if (closing) {
      if (stack.empty() || stack.back() != name) {
        return "end tag </" + name + "> does not match <" +
               (stack.empty() ? std::string("nothing") : stack.back()) + ">" + where(i);
      }
      stack.pop_back();
    } else if (!selfClosing && !(html && kVoid.count(name))) {
      if (stack.empty()) ++roots;
      stack.push_back(name);
      if (html && (name == "style" || name == "script")) {
        size_t end = s.find("</" + name + ">", j);
        if (end == std::string::npos) return "unterminated <" + name + ">" + where(i);
        j = end;
      }
    } else if (stack.empty()) {
      ++roots;
    }
    i = j;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (roots != 1) return "expected one root element, found " + std::to_string(roots);
  return {};
}

}  // namespace

std::string CheckXml(const std::string& text) {
  return Check(text, false);
}
std::string CheckHtml(const std::string& text) {
  return Check(text, true);
}

}  // namespace vantage::planner::test
