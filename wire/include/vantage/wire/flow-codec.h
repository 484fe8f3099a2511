// Maps FlowRecord fields to Information Elements and back: the one place that knows which
// IE carries which flow field, used by every exporter and collector path (v9 and IPFIX).
//
//   Template t = MakeFlowTemplate(256, FlowTemplateOptions{.ipv6 = false});
//   EncodeFlowRecord(t, record, writer);                       // exporter
//   DecodeFlowRecord(t, recordBytes, context, record, &anomalies);  // collector
#pragma once

#include <cstdint>
#include <vector>

#include "vantage/core/anomaly.h"
#include "vantage/core/byte-reader.h"
#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/wire/template.h"

namespace vantage::wire {

/// @brief Which optional fields a flow template carries.
struct FlowTemplateOptions {
  bool ipv6 = false;    ///< IPv6 addresses instead of IPv4
  bool biflow = false;  ///< RFC 5103 reverse packet/octet counters
  bool vlan = false;
  bool macs = false;
  bool nat = false;  ///< post-NAT address/port IEs 225-228 (281/282 for v6) and natEvent
  bool asNumbers = true;
  bool nanoseconds = false;  ///< flowStart/EndNanoseconds instead of milliseconds
  bool sysUpTime = false;    ///< NetFlow v9 style flowStart/EndSysUpTime instead of absolute
  bool sampling = false;     ///< samplingInterval (IE 34 with sysUpTime, else IE 305)
  bool endReason = true;     ///< flowEndReason (IE 136)
  // Encapsulation (FlowRecord::encap).
  uint8_t mplsLabels = 0;      ///< IEs 70.. for this many labels of the stack (0-10)
  bool layer2Segment = false;  ///< layer2SegmentId (IE 351); IPFIX only
  uint8_t tunnelFamily = 0;    ///< 4 or 6: outer tunnel endpoints (kVantagePen); IPFIX only
};

/// @brief The template Vantage exports for flows with these options.
Template MakeFlowTemplate(uint16_t id, const FlowTemplateOptions& options);

/// @brief Times a decoder needs to turn sysUpTime-relative fields into absolute time.
struct TimeContext {
  uint32_t exportTimeSeconds = 0;  ///< message header export time (UNIX seconds)
  uint32_t sysUpTimeMs = 0;        ///< v9 header sysUpTime; 0 if unknown
  int64_t systemInitTimeMs = 0;    ///< from an options record (IE 160), 0 if unknown
};

/// @brief Appends one data record for `tmpl` with values from `r`. Fields the record lacks
/// are written as zero. `ctx` is needed only for sysUpTime fields.
void EncodeFlowRecord(const Template& tmpl, const core::FlowRecord& r, core::ByteWriter& out,
                      const TimeContext& ctx = {});

/// @brief Fills `out` from one data record. Elements no FlowRecord field holds are kept in
/// `out.rawElements` (those the registry does not know are also counted as "flow.unknown_ie").
/// A sampled packet header (IEs 313-315) is decoded after the walk and fills the fields the
/// record's own elements left empty (see packet-section.h). Errors name the offset.
core::Status DecodeFlowRecord(const Template& tmpl, core::ByteReader record, const TimeContext& ctx,
                              core::FlowRecord& out, core::AnomalyCounters* anomalies = nullptr);

/// @brief A decoded options-record field: unsigned value when it fits in 8 bytes, raw bytes
/// otherwise.
struct OptionValue {
  FieldSpec spec;
  uint64_t value = 0;
  std::vector<uint8_t> bytes;
};

/// @brief Decodes any record into (spec, value) pairs; used for options records.
core::Result<std::vector<OptionValue>> DecodeGenericRecord(const Template& tmpl,
                                                           core::ByteReader record);
/// @brief Encodes (spec, value) pairs as one record of `tmpl` (values in template order).
void EncodeGenericRecord(const Template& tmpl, const std::vector<OptionValue>& values,
                         core::ByteWriter& out);

}  // namespace vantage::wire
