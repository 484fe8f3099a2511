// The flow store's block rows (see flow-block.h).
#include "flow-block.h"

#include <algorithm>
#include <cstring>

#include "store-schema.h"

namespace vantage::collector::detail {

const std::vector<FlowColumn>& FlowColumns() {
  // kFlowColumns split at its commas (no definition holds one).
  static const std::vector<FlowColumn> kColumns = [] {
    std::vector<FlowColumn> cols;
    const std::string all = kFlowColumns;
    size_t pos = 0;
    while (pos < all.size()) {
      size_t end = all.find(',', pos);
      if (end == std::string::npos) end = all.size();
      std::string d = all.substr(pos, end - pos);
      const size_t a = d.find_first_not_of(" \n\t");
      const size_t b = d.find_last_not_of(" \n\t");
      if (a != std::string::npos) {
        d = d.substr(a, b - a + 1);
        FlowColumn c;
        c.name = d.substr(0, d.find(' '));
        c.type = d.find(" BLOB") != std::string::npos   ? ColumnType::kBlob
                 : d.find(" TEXT") != std::string::npos ? ColumnType::kText
                                                        : ColumnType::kInteger;
        c.definition = d;
        cols.push_back(std::move(c));
      }
      pos = end + 1;
    }
    return cols;
  }();
  return kColumns;
}

namespace {

// Writes at `p` (room for 10 bytes), returns the end.
uint8_t* PutVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

constexpr size_t kMaxVarint = 10;

// False past `end` or past 10 bytes.
bool GetVarint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// The encoder visits a row's columns twice, in kFlowColumns order (FlowValues): RowShape
// finds which are present and how many bytes they can take, RowWriter then writes them. Two
// passes over the record's fields cost less than one that stored 47 cells to read them back
// (perf). ColumnSink gives both the column kinds built on Int and Bytes.
template <class Sink>
class ColumnSink {
 public:
  void Addr(const core::IpAddress& a) { Self().Bytes(a.bytes.data(), a.Length(), !a.IsSet()); }
  void Mac(const std::array<uint8_t, 6>& m) {
    const bool any = std::any_of(m.begin(), m.end(), [](uint8_t b) { return b != 0; });
    Self().Bytes(m.data(), m.size(), !any);
  }
  // A country: NULL when absent, "" kept as "".
  void Text(const std::string* s) {
    Self().Bytes(s ? s->data() : nullptr, s ? s->size() : 0, s == nullptr);
  }
  // A flow-log field: "" is NULL.
  void OptionalText(const std::string& s) { Self().Bytes(s.data(), s.size(), s.empty()); }

 private:
  Sink& Self() { return static_cast<Sink&>(*this); }
};

class RowShape : public ColumnSink<RowShape> {
 public:
  void Int(int64_t v) {
    if (v != 0) {
      m_mask |= uint64_t{1} << m_count;
      m_bound += kMaxVarint;
    }
    ++m_count;
  }
  void Bytes(const void*, size_t n, bool null) {
    if (!null) {
      m_mask |= uint64_t{1} << m_count;
      m_bound += kMaxVarint + n;
    }
    ++m_count;
  }
  uint64_t Mask() const { return m_mask; }
  size_t Bound() const { return m_bound; }  ///< most bytes the present columns take

 private:
  size_t m_count = 0;
  uint64_t m_mask = 0;  ///< bit i: column i present
  size_t m_bound = 0;
};

class RowWriter : public ColumnSink<RowWriter> {
 public:
  explicit RowWriter(uint8_t* p) : m_p(p) {}
  void Int(int64_t v) {
    if (v != 0) m_p = PutVarint(m_p, ZigZag(v));
  }
  void Bytes(const void* p, size_t n, bool null) {
    if (null) return;
    m_p = PutVarint(m_p, n);
    if (n > 0) std::memcpy(m_p, p, n);
    m_p += n;
  }
  uint8_t* End() const { return m_p; }

 private:
  uint8_t* m_p;
};

// Elements no column holds, as JSON: [{"id":61,"pen":0,"hex":"01"},...].
void RawElementsJson(const std::vector<core::RawElement>& raw, std::string& json) {
  static const char kHex[] = "0123456789abcdef";
  json = "[";
  for (const auto& e : raw) {
    if (json.size() > 1) json += ',';
    json += "{\"id\":" + std::to_string(e.id) + ",\"pen\":" + std::to_string(e.enterprise) +
            ",\"hex\":\"";
    for (uint8_t b : e.bytes) {
      json += kHex[b >> 4];
      json += kHex[b & 15];
    }
    json += "\"}";
  }
  json += ']';
}

// The flow-log columns (provider ... native); all NULL for NetFlow and IPFIX records.
template <class Sink>
void CloudValues(const core::CloudFlowFields* c, Sink& v) {
  static const core::CloudFlowFields kNone;
  const core::CloudFlowFields& f = c ? *c : kNone;
  v.OptionalText(f.provider);
  v.OptionalText(f.action);
  v.OptionalText(f.logStatus);
  v.OptionalText(f.direction);
  v.Addr(f.pktSrc);
  v.Addr(f.pktDst);
  v.OptionalText(f.interfaceId);
  v.OptionalText(f.nativeJson);
}

// One row's values in the order of kFlowColumns (store-schema.h): INTEGER columns through
// Int, BLOB and TEXT through Bytes (and the kinds built on it).
template <class Sink>
void FlowValues(const RollupRow& row, const std::string& rawJson, Sink& v) {
  const core::FlowRecord& r = *row.record;
  const auto& k = r.key;
  v.Int(r.start.ns);
  v.Int(r.end.ns);
  v.Int(k.src.family ? k.src.family : k.dst.family);
  v.Addr(k.src);
  v.Addr(k.dst);
  v.Int(k.srcPort);
  v.Int(k.dstPort);
  v.Int(k.protocol);
  v.Int(k.tos);
  v.Int(r.tcpFlags);
  v.Int(static_cast<int64_t>(r.packets));
  v.Int(static_cast<int64_t>(r.octets));
  v.Int(static_cast<int64_t>(r.reversePackets));
  v.Int(static_cast<int64_t>(r.reverseOctets));
  v.Int(k.ingressInterface);
  v.Int(r.egressInterface);
  v.Int(row.srcAs);
  v.Int(row.dstAs);
  v.Int(r.icmpType);
  v.Int(r.icmpCode);
  v.Int(k.vlan);
  v.Addr(r.nextHop);
  v.Int(r.minTtl);
  v.Int(r.maxTtl);
  v.Mac(r.srcMac);
  v.Mac(r.dstMac);
  v.Addr(r.postNatSrc);
  v.Addr(r.postNatDst);
  v.Int(r.postNatSrcPort);
  v.Int(r.postNatDstPort);
  v.Int(static_cast<int64_t>(r.natEvent));
  v.Int(static_cast<int64_t>(r.endReason));
  v.Int(r.samplingInterval);
  v.Addr(r.exporter);
  v.Int(r.observationDomain);
  v.Text(row.srcCountry);
  v.Text(row.dstCountry);
  v.Int(r.samplingRateUnknown ? 1 : 0);
  v.Bytes(rawJson.data(), rawJson.size(), r.rawElements.empty());
  CloudValues(r.cloud.get(), v);
}

}  // namespace

void BlockWriter::Append(const RollupRow& row) {
  const core::FlowRecord& r = *row.record;
  if (!r.rawElements.empty()) RawElementsJson(r.rawElements, m_scratch);
  RowShape shape;
  FlowValues(row, m_scratch, shape);
  const size_t need = m_size + 3 * kMaxVarint + shape.Bound();
  if (m_data.size() < need) m_data.resize(std::max<size_t>(2 * need, 1 << 20));
  // The row goes one byte after the block's end, where a length under 128 (most rows) fits; a
  // longer row is moved up to make room for its length.
  uint8_t* const start = m_data.data() + m_size + 1;
  RowWriter writer(PutVarint(start, shape.Mask()));
  FlowValues(row, m_scratch, writer);
  const auto rowSize = static_cast<size_t>(writer.End() - start);
  uint8_t len[kMaxVarint];
  const auto lenSize = static_cast<size_t>(PutVarint(len, rowSize) - len);
  if (lenSize > 1) std::memmove(m_data.data() + m_size + lenSize, start, rowSize);
  std::memcpy(m_data.data() + m_size, len, lenSize);
  m_size += lenSize + rowSize;
  if (m_rows == 0) {
    m_minStart = m_maxStart = r.start.ns;
    m_minEnd = m_maxEnd = r.end.ns;
  } else {
    m_minStart = std::min(m_minStart, r.start.ns);
    m_maxStart = std::max(m_maxStart, r.start.ns);
    m_minEnd = std::min(m_minEnd, r.end.ns);
    m_maxEnd = std::max(m_maxEnd, r.end.ns);
  }
  ++m_rows;
}

std::vector<uint8_t> BlockWriter::Take(std::vector<uint8_t>&& spare) {
  std::vector<uint8_t> out = std::move(m_data);
  m_data = std::move(spare);  // its size kept: no zeroing when it is written again
  Clear();
  return out;
}

void BlockWriter::Clear() {
  m_size = 0;
  m_rows = 0;
}

bool BlockReader::Next() {
  if (m_damaged || m_pos >= m_end) return false;
  uint64_t n = 0;
  const uint8_t* row = m_pos;
  if (!GetVarint(m_pos, m_end, n) || n > static_cast<uint64_t>(m_end - m_pos)) {
    m_damaged = true;
    m_damageAt = static_cast<size_t>(row - m_begin);
    return false;
  }
  m_row = m_pos;
  m_rowEnd = m_pos + n;
  m_pos = m_rowEnd;
  m_decoded = false;
  return true;
}

const ColumnValue& BlockReader::Column(size_t i) {
  if (!m_decoded) DecodeRow();
  static const ColumnValue kNull;
  return i < kMaxFlowColumns ? m_values[i] : kNull;
}

// A damaged row reads as far as it is whole; the rest of its columns are NULL or 0.
void BlockReader::DecodeRow() {
  m_decoded = true;
  const auto& cols = FlowColumns();
  const uint8_t* p = m_row;
  uint64_t mask = 0;
  bool ok = GetVarint(p, m_rowEnd, mask);
  const size_t n = std::min(cols.size(), kMaxFlowColumns);
  for (size_t i = 0; i < n; ++i) {
    m_values[i] = ColumnValue{};
    m_values[i].null = cols[i].type != ColumnType::kInteger;  // NOT NULL: absent is 0
  }
  for (size_t i = 0; ok && i < n; ++i) {
    ColumnValue& c = m_values[i];
    if ((mask >> i & 1) == 0) continue;
    uint64_t v = 0;
    ok = GetVarint(p, m_rowEnd, v);
    if (!ok) break;
    if (cols[i].type == ColumnType::kInteger) {
      c.integer = UnZigZag(v);
      continue;
    }
    if (v > static_cast<uint64_t>(m_rowEnd - p)) {
      ok = false;
      break;
    }
    c.null = false;
    c.bytes = p;
    c.size = static_cast<uint32_t>(v);
    p += v;
  }
  if (!ok) {
    m_damaged = true;
    m_damageAt = static_cast<size_t>(m_row - m_begin);
  }
}

}  // namespace vantage::collector::detail
