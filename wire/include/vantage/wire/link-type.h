// Link layers of captured packets (pcap DLT values) that the packet decoder understands.
#pragma once

#include "vantage/core/result.h"

namespace vantage::wire {

/// @brief Link layers the packet decoder understands.
enum class LinkType { kEthernet, kRawIp, kLinuxSll, kLinuxSll2 };

/// @brief The link type of a pcap DLT/LINKTYPE value (1, 12/14/101, 113, 276); kUnsupported
/// error naming the value otherwise.
core::Result<LinkType> LinkTypeFromDlt(int dlt);
/// @brief The pcap DLT value written for a link type (DLT_EN10MB, DLT_RAW, ...).
int LinkTypeToDlt(LinkType link);
/// @brief "ethernet", "raw", "sll", "sll2".
const char* LinkTypeName(LinkType link);

}  // namespace vantage::wire
