// Reading a manifest point's "flow_log" object (internal; docs/run-directory.md).
#pragma once

#include <nlohmann/json.hpp>

#include "vantage/planner/run-directory.h"

namespace vantage::planner::detail {

/// Fills `out` from the manifest's `flow_log` object; a non-object leaves it absent. Throws
/// nlohmann::json::exception on wrongly typed values (the manifest reader reports them).
void ReadManifestFlowLog(const nlohmann::json& j, ManifestFlowLog& out);

}  // namespace vantage::planner::detail
