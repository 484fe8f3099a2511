// One progress line for the long commands (simulate, plan): on a terminal it rewrites itself in
// place; in a log (stderr is not a terminal: CI, `2> file`, a parent process's pipe) it prints
// a line only when the work reaches a further tenth, and the last update at the end, so a run
// leaves at most 12 lines.
//
//   ProgressLine progress(!quiet);
//   ... progress.Update(done / total, "simulated 12 / 305 s");   // as often as you like
//   progress.Finish();
#pragma once

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace vantage::cli {

class ProgressLine {
 public:
  /// @param enabled false prints nothing (--quiet)
  explicit ProgressLine(bool enabled)
      : ProgressLine(enabled, stderr, ::isatty(STDERR_FILENO) != 0) {}
  /// @brief Writes to `out`, as to a terminal or not (tests).
  ProgressLine(bool enabled, std::FILE* out, bool terminal)
      : m_enabled(enabled), m_terminal(enabled && terminal), m_out(out) {}
  ~ProgressLine() { Finish(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool Terminal() const { return m_terminal; }

  /// @brief Shows `text` with the share of work done (`fraction`, 0..1) after it. In a log
  /// only the first update of each tenth is printed.
  void Update(double fraction, const std::string& text) {
    if (!m_enabled) return;
    if (!(fraction >= 0)) fraction = 0;  // NaN too
    const int tenth = static_cast<int>(std::floor(std::fmin(fraction, 1.0) * 10));
    if (!m_terminal && tenth <= m_lastTenth) {
      m_pending = text;  // shown by Finish if no later tenth is reached
      m_pendingFraction = fraction;
      m_hasPending = true;
      return;
    }
    m_lastTenth = tenth;
    m_hasPending = false;
    // Progress is not a report: floor, so 99.6% done never shows as 100%.
    const std::string line =
        text + " (" + std::to_string(static_cast<int>(std::fmin(fraction, 1.0) * 100)) + "%)";
    std::fprintf(m_out, m_terminal ? "\r%s\033[K" : "%s\n", line.c_str());
    std::fflush(m_out);
    m_open = m_terminal;
  }

  /// @brief Ends the updating line on a terminal (the next output starts on a new line); in a
  /// log prints the last update if it was held back, so the log shows where the work ended.
  void Finish() {
    if (m_hasPending) {
      m_hasPending = false;
      m_lastTenth = -1;
      Update(m_pendingFraction, m_pending);
    }
    if (!m_open) return;
    std::fputc('\n', m_out);
    std::fflush(m_out);
    m_open = false;
  }

 private:
  bool m_enabled;
  bool m_terminal;
  std::FILE* m_out;
  bool m_open = false;  ///< a terminal line waits for its newline
  int m_lastTenth = -1;
  bool m_hasPending = false;  ///< a log update held back (same tenth as the last printed)
  double m_pendingFraction = 0;
  std::string m_pending;
};

}  // namespace vantage::cli
