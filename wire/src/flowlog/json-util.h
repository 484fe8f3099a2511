// Bounds-checked reads of untrusted JSON values (nlohmann-json) for the Google Cloud and Azure
// flow-log readers, and the flattening of a JSON object into the records' native fields.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "flowlog/text-util.h"

namespace vantage::wire::flowlog::detail {

using Json = nlohmann::ordered_json;

/// @brief An unsigned integer from a JSON number or a decimal string (Cloud Logging writes
/// int64 as strings), not above `max`. False with `err` set otherwise.
inline bool JsonUint(const Json& v, uint64_t max, uint64_t& out, std::string& err) {
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
  } else if (v.is_string()) {
    auto n = ParseUint(v.get_ref<const std::string&>(), max);
    if (!n) {
      err = "'" + Excerpt(v.get_ref<const std::string&>()) + "' is not a number from 0 to " +
            std::to_string(max);
      return false;
    }
    out = *n;
  } else {
    // Scalars only are dumped: dumping is recursive and the value is untrusted.
    err = (v.is_structured() ? std::string("a JSON ") + v.type_name()
                             : Excerpt(v.dump(-1, ' ', false, Json::error_handler_t::replace))) +
          " is not a number from 0 to " + std::to_string(max);
    return false;
  }
  if (out > max) {
    err = std::to_string(out) + " is above " + std::to_string(max);
    return false;
  }
  return true;
}

/// @brief The member `key` of object `obj` if it is a string, else nullptr.
inline const std::string* JsonString(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

/// @brief The member `key` of object `obj` if it is an object, else nullptr.
inline const Json* JsonObject(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_object()) return nullptr;
  return &*it;
}

/// @brief Whether `v` nests fewer than 8 - depth levels (safe to dump recursively).
inline bool Shallow(const Json& v, int depth) {
  if (!v.is_structured()) return true;
  if (depth >= 8) return false;
  for (const auto& e : v) {
    if (!Shallow(e, depth + 1)) return false;
  }
  return true;
}

/// @brief Every scalar under `v` as ("a.b.c", text) in document order; strings unquoted,
/// arrays as JSON text. Deeper than 8 levels only the type is kept (dumping is recursive).
inline void Flatten(const Json& v, const std::string& prefix,
                    std::vector<std::pair<std::string, std::string>>& out, int depth = 0) {
  if (depth >= 8 && v.is_structured()) {
    out.emplace_back(prefix, std::string("(nested ") + v.type_name() + ")");
  } else if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      Flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out, depth + 1);
    }
  } else if (v.is_string()) {
    out.emplace_back(prefix, v.get_ref<const std::string&>());
  } else if (v.is_array() && !Shallow(v, depth)) {
    out.emplace_back(prefix, "(nested array)");
  } else {
    out.emplace_back(prefix, v.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
}

}  // namespace vantage::wire::flowlog::detail
