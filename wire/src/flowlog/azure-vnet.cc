// Azure Network Watcher VNet flow logs, version 4: one JSON document {"records": [...]} whose
// records (one per NIC and minute) hold flows per ACL, flow groups per rule, and flow tuples
// "time_ms,src,dst,srcport,dstport,protocol,I|O,B|C|E|D,encryption,packets s2d,bytes s2d,
// packets d2s,bytes d2s":
//   https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
// We write one record a line ({"records":[\n{...},\n{...}\n]}) so that errors name lines.
#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <tuple>

#include "flowlog/formats.h"
#include "flowlog/json-util.h"

namespace vantage::wire::flowlog::detail {

namespace {

constexpr int kTupleFields = 13;

std::string TupleText(const FlowLogRecord& r) {
  char state = r.azureState;
  if (state == 0) state = r.action == Action::kReject ? 'D' : 'C';
  std::string t = std::to_string(r.start.Millis());
  for (const std::string& f :
       {r.src.ToString(), r.dst.ToString(), std::to_string(r.srcPort), std::to_string(r.dstPort),
        std::to_string(r.protocol), std::string(r.direction == Direction::kIngress ? "I" : "O"),
        std::string(1, state), std::string("NX"), std::to_string(r.packets),
        std::to_string(r.octets), std::to_string(r.reversePackets),
        std::to_string(r.reverseOctets)}) {
    t += ',';
    t += f;
  }
  return t;
}

std::string Guid(uint64_t a, uint64_t b) {
  std::string h = Hex(a, 16) + Hex(b, 16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// One record per NIC and aggregation window, in order of first appearance; inside it flows
// by aclID and groups by rule, also in order of first appearance.
struct RecordGroup {
  std::string mac;
  int64_t windowStartS = 0;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::vector<std::string>>>>>
      flows;
};

void AddTuple(RecordGroup& g, const FlowLogRecord& r) {
  auto flow = std::find_if(g.flows.begin(), g.flows.end(),
                           [&](const auto& f) { return f.first == r.aclId; });
  if (flow == g.flows.end()) flow = g.flows.insert(g.flows.end(), {r.aclId, {}});
  auto group = std::find_if(flow->second.begin(), flow->second.end(),
                            [&](const auto& fg) { return fg.first == r.rule; });
  if (group == flow->second.end()) group = flow->second.insert(flow->second.end(), {r.rule, {}});
  group->second.push_back(TupleText(r));
}

Json RecordJson(const Settings& s, const RecordGroup& g, int64_t intervalS) {
  Json rec;
  rec["time"] = FormatRfc3339(core::Timestamp::FromSeconds(g.windowStartS + intervalS), 7);
  rec["flowLogVersion"] = s.azureVersion;
  rec["flowLogGUID"] = Guid(Fnv1a(s.network), Fnv1a(s.account));
  rec["macAddress"] = g.mac;
  rec["category"] = "FlowLogFlowEvent";
  rec["flowLogResourceID"] = "/SUBSCRIPTIONS/" + Upper(s.account) +
                             "/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/"
                             "NETWORKWATCHERS/NETWORKWATCHER_" +
                             Upper(s.region) + "/FLOWLOGS/VANTAGE";
  rec["targetResourceID"] = s.network;
  rec["operationName"] = "FlowLogFlowEvent";
  Json flows = Json::array();
  for (const auto& [acl, groups] : g.flows) {
    Json flow;
    flow["aclID"] = acl;
    Json fgs = Json::array();
    for (const auto& [rule, tuples] : groups) {
      Json fg;
      fg["rule"] = rule;
      fg["flowTuples"] = tuples;
      fgs.push_back(std::move(fg));
    }
    flow["flowGroups"] = std::move(fgs);
    flows.push_back(std::move(flow));
  }
  rec["flowRecords"]["flows"] = std::move(flows);
  return rec;
}

// --- reading

// Finds where records, flows and tuples sit in the document, moving forward only, so that
// errors name lines (nlohmann-json reports no positions for the values it parsed).
class LineFinder {
 public:
  explicit LineFinder(std::string_view text) : m_text(text) {}
  /// @brief The line of the next `needle`, moving past it; the current line if none follows.
  uint64_t LineOf(std::string_view needle) {
    size_t at = m_text.find(needle, m_pos);
    if (at == std::string_view::npos) return m_line;
    for (size_t i = m_pos; i < at; ++i) m_line += m_text[i] == '\n' ? 1 : 0;
    m_pos = at + needle.size();
    return m_line;
  }
  /// @brief The line of the next `"key"` if `obj` has that key, else the current line.
  uint64_t LineOfKey(const Json& obj, const char* key) {
    if (!obj.is_object() || !obj.contains(key)) return m_line;
    return LineOf(std::string("\"") + key + "\"");
  }
  /// @brief The line of the next quoted `text` (or of the bare text, had it escapes).
  uint64_t LineOfString(const std::string& text) {
    size_t before = m_pos;
    uint64_t line = LineOf("\"" + text + "\"");
    return m_pos != before ? line : LineOf(text);
  }

 private:
  std::string_view m_text;
  size_t m_pos = 0;
  uint64_t m_line = 1;
};

std::vector<std::string_view> SplitCommas(std::string_view t) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t c = t.find(',', start);
    out.push_back(
        t.substr(start, c == std::string_view::npos ? std::string_view::npos : c - start));
    if (c == std::string_view::npos || out.size() > kTupleFields) return out;
    start = c + 1;
  }
}

template <typename T>
bool Field(std::string_view t, uint64_t max, T& out, const char* name, std::string& err,
           bool emptyIsZero = false) {
  if (t.empty() && emptyIsZero) return true;  // version 2 begin tuples leave counters empty
  auto n = ParseUint(t, max);
  if (!n) {
    err = std::string(name) + " '" + Excerpt(t) + "' is not a number from 0 to " +
          std::to_string(max);
    return false;
  }
  out = static_cast<T>(*n);
  return true;
}

bool ParseTuple(std::string_view t, FlowLogRecord& r, std::string& err) {
  auto f = SplitCommas(t);
  if (f.size() != kTupleFields) {
    err = "flow tuple has " + std::to_string(f.size()) + " fields, expected " +
          std::to_string(kTupleFields);
    return false;
  }
  uint64_t ms = 0;
  // Up to 2262-04-10: a window end computed from it still fits int64 nanoseconds.
  if (!Field(f[0], 9223286400000ULL, ms, "time", err)) return false;
  r.start = r.end = core::Timestamp::FromMillis(static_cast<int64_t>(ms));
  auto src = core::IpAddress::Parse(f[1]);
  auto dst = core::IpAddress::Parse(f[2]);
  if (!src || !dst) {
    err = "address '" + Excerpt(!src ? f[1] : f[2]) + "' is not an IP address";
    return false;
  }
  r.src = *src;
  r.dst = *dst;
  if (!Field(f[3], 65535, r.srcPort, "source port", err) ||
      !Field(f[4], 65535, r.dstPort, "destination port", err) ||
      !Field(f[5], 255, r.protocol, "protocol", err))
    return false;
  if (f[6] != "I" && f[6] != "O") {
    err = "direction '" + Excerpt(f[6]) + "' is not I or O";
    return false;
  }
  r.direction = f[6] == "I" ? Direction::kIngress : Direction::kEgress;
  if (f[7].size() != 1 || std::string_view("BCED").find(f[7][0]) == std::string_view::npos) {
    err = "flow state '" + Excerpt(f[7]) + "' is not B, C, E or D";
    return false;
  }
  r.azureState = f[7][0];
  r.action = r.azureState == 'D' ? Action::kReject : Action::kAccept;
  return Field(f[9], UINT64_MAX, r.packets, "packets", err, true) &&
         Field(f[10], UINT64_MAX, r.octets, "bytes", err, true) &&
         Field(f[11], UINT64_MAX, r.reversePackets, "reverse packets", err, true) &&
         Field(f[12], UINT64_MAX, r.reverseOctets, "reverse bytes", err, true);
}

struct ReadCtx {
  const RecordSink& sink;
  const ParseOptions& options;
  ReadResult& rr;
  LineFinder lines;
};

// The record's own fields were flattened into the prototype's `native` once per record.
void Native(FlowLogRecord& r, std::string_view tuple) {
  r.native.emplace_back("aclID", r.aclId);
  r.native.emplace_back("rule", r.rule);
  r.native.emplace_back("flowTuple", std::string(tuple));
}

// Tuples of one flow group; `where` names record, flow and group for messages.
void ReadGroup(ReadCtx& c, const FlowLogRecord& proto, const Json& group,
               const std::string& where) {
  const uint64_t line = c.lines.LineOfKey(group, "flowTuples");
  const Json* tuples =
      group.is_object() && group.contains("flowTuples") ? &group["flowTuples"] : nullptr;
  if (!tuples || !tuples->is_array()) {
    c.rr.errors.push_back({line, where + ": no flowTuples array"});
    return;
  }
  for (size_t t = 0; t < tuples->size(); ++t) {
    const Json& tv = (*tuples)[t];
    std::string at = where + " tuple " + std::to_string(t);
    if (!tv.is_string()) {
      c.rr.errors.push_back({line, at + ": not a string"});
      continue;
    }
    const std::string& text = tv.get_ref<const std::string&>();
    const uint64_t tupleLine = c.lines.LineOfString(text);
    FlowLogRecord r = proto;
    std::string err;
    if (!ParseTuple(text, r, err)) {
      c.rr.errors.push_back({tupleLine, at + ": " + err});
      continue;
    }
    if (c.options.keepNative) Native(r, text);
    c.sink(r);
  }
}

void ReadRecord(ReadCtx& c, const Json& rec, size_t index) {
  const std::string where = "record " + std::to_string(index);
  const uint64_t line = c.lines.LineOfKey(rec, "flowRecords");
  const Json* fr = JsonObject(rec, "flowRecords");
  if (!rec.is_object() || !fr || !fr->contains("flows") || !(*fr)["flows"].is_array()) {
    c.rr.errors.push_back({line, where + ": no flowRecords.flows"});
    return;
  }
  auto version = rec.find("flowLogVersion");
  if (version != rec.end() && !(version->is_number_unsigned() && version->get<uint64_t>() == 4)) {
    c.rr.errors.push_back({line, where + ": flowLogVersion is not 4 (VNet flow logs)"});
    return;
  }
  FlowLogRecord proto;
  proto.provider = Provider::kAzure;
  if (const std::string* mac = JsonString(rec, "macAddress")) proto.interfaceId = *mac;
  if (const std::string* t = JsonString(rec, "time")) {
    if (auto ts = ParseRfc3339(*t)) proto.delivered = *ts;
  }
  if (c.options.keepNative) {
    for (auto it = rec.begin(); it != rec.end(); ++it) {
      if (it.key() != "flowRecords") Flatten(it.value(), it.key(), proto.native);
    }
  }
  const Json& flows = (*fr)["flows"];
  for (size_t f = 0; f < flows.size(); ++f) {
    const Json& flow = flows[f];
    const Json* groups =
        flow.is_object() && flow.contains("flowGroups") ? &flow["flowGroups"] : nullptr;
    std::string fw = where + " flow " + std::to_string(f);
    const uint64_t flowLine = c.lines.LineOfKey(flow, "flowGroups");
    if (!groups || !groups->is_array()) {
      c.rr.errors.push_back({flowLine, fw + ": no flowGroups array"});
      continue;
    }
    proto.aclId = JsonString(flow, "aclID") ? *JsonString(flow, "aclID") : "";
    for (size_t g = 0; g < groups->size(); ++g) {
      const Json& group = (*groups)[g];
      proto.rule = JsonString(group, "rule") ? *JsonString(group, "rule") : "";
      ReadGroup(c, proto, group, fw + " group " + std::to_string(g));
    }
  }
}

uint64_t LineAt(std::string_view text, size_t byte) {
  uint64_t line = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

}  // namespace

ReadResult ParseAzure(std::string_view text, const RecordSink& sink, const ParseOptions& options) {
  ReadResult rr;
  rr.lines = text.empty() ? 0 : LineAt(text, text.size()) - (text.back() == '\n' ? 1 : 0);
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& ex) {
    rr.fatal = "line " + std::to_string(LineAt(text, ex.byte ? ex.byte - 1 : 0)) +
               ": not a complete JSON document (truncated or another format): " + ex.what();
    return rr;
  } catch (const nlohmann::json::exception& ex) {
    rr.fatal = std::string("line 1: not a JSON document: ") + ex.what();
    return rr;
  }
  const Json* records = doc.is_object() && doc.contains("records") ? &doc["records"] : nullptr;
  if (!records || !records->is_array()) {
    rr.fatal = "line 1: not an Azure VNet flow log: no \"records\" array";
    return rr;
  }
  ReadCtx c{sink, options, rr, LineFinder(text)};
  for (size_t i = 0; i < records->size(); ++i) ReadRecord(c, (*records)[i], i);
  return rr;
}

std::string WriteAzure(const Settings& settings, const std::vector<FlowLogRecord>& records) {
  const int64_t interval = settings.aggregationIntervalS ? settings.aggregationIntervalS : 60;
  std::vector<RecordGroup> groups;
  std::map<std::pair<std::string, int64_t>, size_t> index;
  for (const auto& r : records) {
    int64_t s = r.start.Seconds();
    int64_t window = (s >= 0 ? s : s - interval + 1) / interval * interval;
    auto key = std::make_pair(r.interfaceId, window);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, groups.size()).first;
      groups.push_back({r.interfaceId, window, {}});
    }
    AddTuple(groups[it->second], r);
  }
  std::string out = "{\"records\":[";
  for (size_t i = 0; i < groups.size(); ++i) {
    out += i ? ",\n" : "\n";
    out += RecordJson(settings, groups[i], interval)
               .dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  out += "\n]}\n";
  return out;
}

}  // namespace vantage::wire::flowlog::detail
