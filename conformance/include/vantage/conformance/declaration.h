// What an exporter under test declares about itself: the semantics a correct exporter with
// these settings has (timeouts, TCP end handling, cache, sampling, direction, exported fields,
// timestamp resolution). The reference model computes expected records from it; the scorer
// derives each field's tolerance from it.
//
//   auto decl = LoadDeclaration("softflowd.yaml");   // Result<Declaration>
//   if (!decl) std::cerr << decl.GetError().message;   // "softflowd.yaml:3:5: ..."
//   ReferenceModel model(*decl);
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/core/time.h"

namespace vantage::conformance {

/// @brief How a TCP FIN or RST ends a record.
enum class TcpEnd {
  kImmediate,  ///< the packet carrying FIN or RST is the record's last packet
  kNone,       ///< FIN/RST do not end records (only timeouts, cache and end of input do)
};

/// @brief How the two directions of a conversation become records.
enum class Direction {
  kUniflow,       ///< one record per direction, each with its own times
  kBiflow,        ///< RFC 5103: one record, reverse counters; key of the first packet
  kPerDirection,  ///< one bidirectional cache entry exported as one record per direction,
                  ///< both with the conversation's start and end (softflowd, pmacct nfprobe)
};

/// @brief What the octet counters count.
enum class OctetLayer {
  kIp,     ///< IP total length (header included): IANA octetDeltaCount
  kFrame,  ///< the whole link-layer frame as on the wire (argus and layer-2 meters)
};

/// @brief Fields a record carries that the scorer can check.
enum class Field {
  kPackets,
  kOctets,
  kStart,
  kEnd,
  kPorts,
  kIcmp,  ///< ICMP/ICMPv6 type and code
  kTcpFlags,
  kTos,
  kEndReason,
  kReverseCounters,
};
const char* FieldName(Field f);
/// @brief Every field, in report order.
const std::vector<Field>& AllFields();

struct Declaration {
  std::string exporter = "unnamed";
  /// 0 = no active timeout.
  core::Duration activeTimeout = core::Duration::Seconds(1800);
  /// 0 = records never end by inactivity (softflowd reading a file).
  core::Duration inactiveTimeout = core::Duration::Seconds(15);
  TcpEnd tcpEnd = TcpEnd::kImmediate;
  /// Flows held at once; 0 = unbounded. When full, the least recently seen flow is exported.
  uint64_t cacheSize = 0;
  /// 1-in-N packet sampling (1 = none).
  uint32_t samplingInterval = 1;
  /// The exporter multiplies its counters by N itself.
  bool samplingScaled = false;
  Direction direction = Direction::kUniflow;
  bool keyTos = true;    ///< TOS is part of the flow key
  bool keyVlan = false;  ///< the outer VLAN id is part of the flow key
  OctetLayer octets = OctetLayer::kIp;
  /// Non-first fragments count in the flow of their datagram's first fragment when it was
  /// seen before (same addresses, protocol and identification, within fragmentTimeout);
  /// otherwise, and when false, they form a flow without ports.
  bool fragmentsJoinFirst = false;
  core::Duration fragmentTimeout = core::Duration::Seconds(30);
  std::set<Field> fields;  ///< what the exporter exports (checked fields)
  /// Exported timestamps are truncated to this; also the matching tolerance.
  core::Duration timestampResolution = core::Duration::Millis(1);
  /// Some exporters stamp records up to this much away from the packet times (clock skew,
  /// wall-clock stamping); added to the timestamp tolerance.
  core::Duration timestampSlack{};
  /// Free text shown in the report (what the adapter runs, known quirks).
  std::string notes;

  bool Has(Field f) const { return fields.count(f) != 0; }
};

/// @brief The declaration of Vantage's own exporter with `vantage export`'s defaults.
Declaration DefaultDeclaration();

/// @brief Checks that the declaration does not contradict itself; every problem is listed.
std::vector<std::string> Contradictions(const Declaration& d);

/// @brief Parses YAML text; `name` is used in messages ("name:line:col: ..."). Unknown keys,
/// bad values and contradictions are errors (all of them in one message, one a line).
core::Result<Declaration> ParseDeclaration(const std::string& text, const std::string& name);
/// @brief Reads and parses a declaration file.
core::Result<Declaration> LoadDeclaration(const std::string& path);
/// @brief The declaration as YAML (ParseDeclaration reads it back to an equal declaration).
std::string DeclarationToYaml(const Declaration& d);

}  // namespace vantage::conformance
