// Reads a candidate point's `flow_log:` map (a cloud provider's flow-log settings) with the
// provider's defaults and allowed values, reporting every problem with file:line:col.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "vantage/model/yaml-reader.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::model::detail {

/// @brief The settings of `n` (at `path`), or nullopt after reporting why not.
std::optional<wire::flowlog::Settings> ParseFlowLog(Reader& r, const YAML::Node& n,
                                                    const std::string& path);

}  // namespace vantage::model::detail
