// Sequence-number loss accounting for one exporter stream (RFC 7011 section 10.3.2, RFC 3954
// section 5.1): each message covers a range of units (IPFIX: data records, v9: export packets,
// v5: flows); the units missing from the range spanned so far are lost. Tolerant of
// reordering (a late message fills its hole), 32-bit wrap, duplicates, restarts, and of
// exporters (softflowd) whose IPFIX sequence number already counts the current message.
//
//   SequenceTracker t;
//   t.OnMessage(seq, recordsInMessage);
//   t.Lost();   // expected - received
#pragma once

#include <cstdint>

namespace vantage::collector {

/// @brief Loss accounting of one sequence-number stream.
class SequenceTracker {
 public:
  /// @brief A message with header sequence `sequence` carrying `units` units.
  void OnMessage(uint32_t sequence, uint32_t units);

  /// @brief Units received without a range of their own (held data decoded later).
  void AddReceived(uint64_t units) { m_received += units; }
  uint64_t Expected() const;
  uint64_t Received() const { return m_received + m_prevReceived; }
  uint64_t Lost() const;
  /// @brief Units received beyond the expected count (duplicates).
  uint64_t Duplicates() const;
  uint64_t Resets() const { return m_resets; }
  /// @brief True once the stream's sequence numbers were seen to include the current message
  /// (softflowd's IPFIX quirk).
  bool InclusiveSequence() const { return m_inclusive; }

 private:
  int64_t Unwrap(uint32_t sequence) const;
  void Restart(int64_t start);

  bool m_started = false;
  bool m_modeKnown = false;
  bool m_inclusive = false;
  int64_t m_ref = 0;      ///< last unwrapped sequence (for wrap detection)
  int64_t m_min = 0;      ///< lowest unit start seen in this epoch
  int64_t m_max = 0;      ///< highest unit end seen in this epoch
  int64_t m_lastSeq = 0;  ///< previous message's sequence (mode detection)
  uint32_t m_lastUnits = 0;
  uint32_t m_firstUnits = 0;
  uint64_t m_received = 0;      ///< units received this epoch
  uint64_t m_prevExpected = 0;  ///< totals of finished epochs
  uint64_t m_prevReceived = 0;
  uint64_t m_resets = 0;
  uint64_t m_messages = 0;
};

}  // namespace vantage::collector
