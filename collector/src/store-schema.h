// The store's schema in one place: the columns of a flow row (the `flow_store` virtual table,
// every older partition table and the `flows` view have exactly these), the bookkeeping tables,
// and the partition catalogue. Adding a flow column: add it to kFlowColumns and give its value
// in FlowValues (flow-block.cc), in the same position; nothing else names the columns one by
// one. A store written before a column existed gets it on open (NULL in old rows), so new
// columns are nullable and come last.
#pragma once

namespace vantage::collector::detail {

/// Columns of one flow row, in insert order (docs/collector.md describes each).
inline constexpr const char* kFlowColumns = R"sql(
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  ip_version INTEGER NOT NULL,
  src BLOB,
  dst BLOB,
  src_port INTEGER NOT NULL,
  dst_port INTEGER NOT NULL,
  protocol INTEGER NOT NULL,
  tos INTEGER NOT NULL,
  tcp_flags INTEGER NOT NULL,
  packets INTEGER NOT NULL,
  octets INTEGER NOT NULL,
  rev_packets INTEGER NOT NULL,
  rev_octets INTEGER NOT NULL,
  in_if INTEGER NOT NULL,
  out_if INTEGER NOT NULL,
  src_as INTEGER NOT NULL,
  dst_as INTEGER NOT NULL,
  icmp_type INTEGER NOT NULL,
  icmp_code INTEGER NOT NULL,
  vlan INTEGER NOT NULL,
  next_hop BLOB,
  min_ttl INTEGER NOT NULL,
  max_ttl INTEGER NOT NULL,
  src_mac BLOB,
  dst_mac BLOB,
  post_nat_src BLOB,
  post_nat_dst BLOB,
  post_nat_src_port INTEGER NOT NULL,
  post_nat_dst_port INTEGER NOT NULL,
  nat_event INTEGER NOT NULL,
  end_reason INTEGER NOT NULL,
  sampling INTEGER NOT NULL,
  exporter BLOB,
  obs_domain INTEGER NOT NULL,
  src_country TEXT,
  dst_country TEXT,
  sampling_unknown INTEGER NOT NULL DEFAULT 0,
  raw_elements TEXT,
  provider TEXT,
  action TEXT,
  log_status TEXT,
  flow_direction TEXT,
  pkt_src BLOB,
  pkt_dst BLOB,
  interface_id TEXT,
  native TEXT
)sql";

/// Tables beside the flows. `flow_blocks` holds the flows: blocks of binary rows (flow-block.h),
/// id = partition << 32 | sequence, with the block's time bounds before the data so that a scan
/// of the bounds never reads the data's overflow pages. Partitions written before the block
/// store are tables of their own (`flows_pN`, in `partitions.table_name`); block partitions
/// name `flow_store`, the virtual table that reads the blocks.
inline constexpr const char* kBookkeepingSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS loss(
  exporter BLOB NOT NULL,
  exporter_text TEXT NOT NULL,
  port INTEGER NOT NULL,
  obs_domain INTEGER NOT NULL,
  version INTEGER NOT NULL,
  unit TEXT NOT NULL,
  expected INTEGER NOT NULL,
  received INTEGER NOT NULL,
  lost INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  resets INTEGER NOT NULL,
  PRIMARY KEY(exporter, port, obs_domain, version)
);
CREATE TABLE IF NOT EXISTS exporter_options(
  exporter BLOB NOT NULL,
  exporter_text TEXT NOT NULL,
  port INTEGER NOT NULL,
  obs_domain INTEGER NOT NULL,
  sampling_interval INTEGER NOT NULL,
  system_init_ms INTEGER NOT NULL,
  exported_messages INTEGER NOT NULL,
  exported_records INTEGER NOT NULL,
  exported_octets INTEGER NOT NULL,
  dropped_packets INTEGER NOT NULL,
  ignored_packets INTEGER NOT NULL,
  PRIMARY KEY(exporter, port, obs_domain)
);
CREATE TABLE IF NOT EXISTS anomalies(name TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS partitions(
  id INTEGER PRIMARY KEY,
  table_name TEXT NOT NULL,
  clock_start_ns INTEGER NOT NULL,
  first_start_ns INTEGER,
  last_end_ns INTEGER,
  rows INTEGER NOT NULL DEFAULT 0,
  closed INTEGER NOT NULL DEFAULT 0,
  rolled_up INTEGER NOT NULL DEFAULT 0,
  indexed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS flow_blocks(
  id INTEGER PRIMARY KEY,
  rows INTEGER NOT NULL,
  min_start_ns INTEGER NOT NULL,
  max_start_ns INTEGER NOT NULL,
  min_end_ns INTEGER NOT NULL,
  max_end_ns INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS rollups(
  partition INTEGER NOT NULL,
  dim TEXT NOT NULL,
  minute_ns INTEGER NOT NULL,
  key,
  flows INTEGER NOT NULL,
  packets INTEGER NOT NULL,
  bytes INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rollups_dim ON rollups(dim, minute_ns);
)sql";

}  // namespace vantage::collector::detail
