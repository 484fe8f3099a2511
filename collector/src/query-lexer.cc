// The query language's lexer: tokens with their columns, and small word helpers.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>
#include <unordered_map>

#include "query-internal.h"

namespace vantage::collector::detail {

core::Error At(size_t column, const std::string& why) {
  return core::MakeError(core::ErrorCode::kParse, "column " + std::to_string(column) + ": " + why,
                         column);
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
         c == '/' || c == '-' || c == '+' || c == '*';
}

core::Result<std::vector<Token>> Tokenize(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      ++i;
      continue;
    }
    Token t;
    t.column = i + 1;
    if (c == '\'' || c == '"') {
      size_t end = s.find(c, i + 1);
      if (end == std::string::npos) return At(i + 1, "unterminated quoted string");
      t.text = s.substr(i + 1, end - i - 1);
      t.quoted = true;
      i = end + 1;
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      size_t n = 1;
      if (i + 1 < s.size() && (s[i + 1] == '=' || (c == '<' && s[i + 1] == '>'))) n = 2;
      t.text = s.substr(i, n);
      if (t.text == "!") return At(i + 1, "'!' must be followed by '='");
      i += n;
    } else if (IsWordChar(c)) {
      size_t j = i;
      while (j < s.size() && IsWordChar(s[j])) ++j;
      t.text = s.substr(i, j - i);
      i = j;
    } else {
      return At(i + 1, std::string("unexpected character '") + c + "'");
    }
    out.push_back(t);
  }
  return out;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ParseUint(const std::string& s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

}  // namespace vantage::collector::detail
