// Record encoding shared by the NetFlow v9 and IPFIX message writers: look up a registered
// template and encode one record with it into a scratch buffer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vantage/core/byte-reader.h"
#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/template.h"

namespace vantage::wire::detail {

/// @brief The registered template `id`, or a kNotFound error.
inline core::Result<const Template*> FindRegistered(const std::map<uint16_t, Template>& templates,
                                                    uint16_t id) {
  auto it = templates.find(id);
  if (it == templates.end()) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           "template " + std::to_string(id) + " is not registered");
  }
  return &it->second;
}

/// @brief Encodes a flow record with registered template `id` into `out` (cleared first).
inline core::Status EncodeRegistered(const std::map<uint16_t, Template>& templates, uint16_t id,
                                     const core::FlowRecord& record, const TimeContext& ctx,
                                     std::vector<uint8_t>& out) {
  auto tmpl = FindRegistered(templates, id);
  if (!tmpl) return tmpl.GetError();
  out.clear();
  core::ByteWriter w(out);
  EncodeFlowRecord(**tmpl, record, w, ctx);
  return {};
}

/// @brief Encodes an options record with registered template `id` into `out` (cleared first).
inline core::Status EncodeRegistered(const std::map<uint16_t, Template>& templates, uint16_t id,
                                     const std::vector<OptionValue>& values,
                                     std::vector<uint8_t>& out) {
  auto tmpl = FindRegistered(templates, id);
  if (!tmpl) return tmpl.GetError();
  out.clear();
  core::ByteWriter w(out);
  EncodeGenericRecord(**tmpl, values, w);
  return {};
}

}  // namespace vantage::wire::detail
