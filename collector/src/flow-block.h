// The binary row format of the flow store's blocks (table `flow_blocks`, read through the
// `flow_store` virtual table): a flow is a few dozen bytes appended to a block, where a row of
// 47 bound columns in an SQLite table cost about 2 µs to insert (nfcapd appends binary blocks
// too). A row is
//
//   varint length of the rest | varint presence mask (bit i: column i is not NULL and not 0) |
//   the present columns in kFlowColumns order: INTEGER as a zigzag varint, BLOB/TEXT as a
//   varint length and the bytes
//
// so a column absent from the mask reads as 0 (INTEGER, all NOT NULL) or NULL (BLOB, TEXT), and
// zero-length text stays distinct from NULL. Varints are LEB128; the format is the same on
// every machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "rollup.h"

namespace vantage::collector::detail {

/// @brief The virtual table that reads the blocks (flow-store-module.h); also the
/// `partitions.table_name` of a block partition.
inline constexpr const char* kFlowStoreTable = "flow_store";

/// @brief A block's id in `flow_blocks`: partition << 32 | sequence, so that one partition is
/// one id range and blocks sort in insert order.
inline int64_t BlockId(int64_t partition, int64_t seq) {
  return (partition << 32) | seq;
}
inline int64_t PartitionOfBlock(int64_t blockId) {
  return blockId >> 32;
}
inline int64_t SequenceOfBlock(int64_t blockId) {
  return blockId & 0xffffffffLL;
}
/// @brief SQL condition on `flow_blocks.id` for partition `p` (an integer or a parameter).
inline std::string BlocksOfPartition(const std::string& p) {
  return "id >= (" + p + " << 32) AND id <= (" + p + " << 32) + 4294967295";
}

/// @brief Storage class of a flow column (from its declared type in kFlowColumns).
enum class ColumnType : uint8_t { kInteger, kBlob, kText };

/// @brief One flow column: its name, declared type and whole definition.
struct FlowColumn {
  std::string name;
  ColumnType type = ColumnType::kInteger;
  std::string definition;
};

/// @brief The flow columns, parsed once from kFlowColumns (store-schema.h).
const std::vector<FlowColumn>& FlowColumns();

/// @brief Most columns a row can have (the presence mask is 64 bits).
inline constexpr size_t kMaxFlowColumns = 64;

/// @brief A column's value in a row: NULL, an integer, or bytes (BLOB or TEXT).
struct ColumnValue {
  bool null = true;
  int64_t integer = 0;
  const uint8_t* bytes = nullptr;
  uint32_t size = 0;
};

/// @brief Appends rows to a block and keeps the block's time bounds.
class BlockWriter {
 public:
  /// @brief Encodes one stored flow (the record and its ingest enrichment).
  void Append(const RollupRow& row);
  size_t Rows() const { return m_rows; }
  size_t Bytes() const { return m_size; }
  const uint8_t* Data() const { return m_data.data(); }
  int64_t MinStart() const { return m_minStart; }
  int64_t MaxStart() const { return m_maxStart; }
  int64_t MinEnd() const { return m_minEnd; }
  int64_t MaxEnd() const { return m_maxEnd; }
  /// @brief Empties the block, keeping its buffer.
  void Clear();
  /// @brief The block's buffer, moved out (its first Bytes() bytes are the block: read Bytes()
  /// first); `spare` (a used buffer, or none) takes its place and the block is empty.
  std::vector<uint8_t> Take(std::vector<uint8_t>&& spare);

 private:
  std::vector<uint8_t> m_data;  ///< the block in its first m_size bytes (never shrinks)
  size_t m_size = 0;
  std::string m_scratch;  ///< raw elements as JSON
  size_t m_rows = 0;
  int64_t m_minStart = 0, m_maxStart = 0, m_minEnd = 0, m_maxEnd = 0;
};

/// @brief Walks the rows of one block; never reads outside it (a damaged block ends the walk
/// and sets Damaged()).
class BlockReader {
 public:
  BlockReader(const uint8_t* data, size_t size) : m_begin(data), m_pos(data), m_end(data + size) {}
  /// @brief Steps to the next row; false at the end of the block (or at damage).
  bool Next();
  /// @brief Column `i` of the current row (decoded on first use).
  const ColumnValue& Column(size_t i);
  bool Damaged() const { return m_damaged; }
  /// @brief Where the damage is: the offset in the block of the row that could not be read.
  size_t DamageOffset() const { return m_damageAt; }

 private:
  void DecodeRow();
  const uint8_t* m_begin;
  const uint8_t* m_pos;
  const uint8_t* m_end;
  const uint8_t* m_row = nullptr;
  const uint8_t* m_rowEnd = nullptr;
  bool m_decoded = false;
  bool m_damaged = false;
  size_t m_damageAt = 0;
  ColumnValue m_values[kMaxFlowColumns];
};

}  // namespace vantage::collector::detail
