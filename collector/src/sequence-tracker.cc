// Sequence-number loss accounting (see sequence-tracker.h).
#include "vantage/collector/sequence-tracker.h"

#include <algorithm>

namespace vantage::collector {

namespace {
// A message this far outside the range seen so far is a restart, not loss or reordering.
constexpr int64_t kBackwardRestart = int64_t{1} << 20;
constexpr int64_t kForwardRestart = int64_t{1} << 28;
}  // namespace

int64_t SequenceTracker::Unwrap(uint32_t sequence) const {
  auto delta = static_cast<int32_t>(sequence - static_cast<uint32_t>(m_ref));
  return m_ref + delta;
}

void SequenceTracker::Restart(int64_t start) {
  if (m_started) {
    m_prevExpected += static_cast<uint64_t>(m_max - m_min);
    m_prevReceived += m_received;
    ++m_resets;
  }
  m_min = start;
  m_max = start;
  m_received = 0;
}

void SequenceTracker::OnMessage(uint32_t sequence, uint32_t units) {
  ++m_messages;
  // A message without units (templates only) covers no range and says nothing about mode.
  if (units == 0) return;
  int64_t s = m_started ? Unwrap(sequence) : static_cast<int64_t>(sequence);
  if (m_started && !m_modeKnown) {
    bool strict = s == m_lastSeq + m_lastUnits;
    bool inclusive = s == m_lastSeq + units;
    if (strict && !inclusive) {
      m_modeKnown = true;
    } else if (inclusive && !strict) {
      m_modeKnown = true;
      m_inclusive = true;
      // Ranges recorded so far assumed [seq, seq+n): shift them to [seq-n, seq).
      m_min -= m_firstUnits;
      m_max -= m_lastUnits;
    }
  }
  int64_t start = m_inclusive ? s - units : s;
  int64_t end = start + units;
  if (!m_started) {
    m_started = true;
    m_min = start;
    m_max = start;
    m_firstUnits = units;
  } else if (start < m_min - kBackwardRestart || start > m_max + kForwardRestart) {
    Restart(start);
    m_firstUnits = units;
  }
  m_min = std::min(m_min, start);
  m_max = std::max(m_max, end);
  m_received += units;
  m_ref = s;
  m_lastSeq = s;
  m_lastUnits = units;
}

uint64_t SequenceTracker::Expected() const {
  return m_prevExpected + static_cast<uint64_t>(m_max - m_min);
}

uint64_t SequenceTracker::Lost() const {
  uint64_t e = Expected();
  uint64_t r = Received();
  return e > r ? e - r : 0;
}

uint64_t SequenceTracker::Duplicates() const {
  uint64_t e = Expected();
  uint64_t r = Received();
  return r > e ? r - e : 0;
}

}  // namespace vantage::collector
