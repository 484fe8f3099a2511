// Internal: a child process in its own process group with output to a log file, polled
// without blocking, killed (with its children) on timeout; and a run-and-capture helper for
// short commands such as sbatch and squeue.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "vantage/core/result.h"

namespace vantage::sweep::detail {

struct ChildExit {
  int exitCode = 0;  ///< exit status, or 128 + signal
  bool timedOut = false;
  double wallS = 0, cpuS = 0;
  long maxRssKiB = 0;
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  /// @brief Starts `exe args...` with stdout and stderr appended to `logPath`.
  core::Status Start(const std::string& exe, const std::vector<std::string>& args,
                     const std::string& logPath, double timeoutS);
  /// @brief True once the child has ended (then `out` holds how); kills it past its timeout.
  bool Poll(ChildExit& out);
  /// @brief Kills the child's process group and reaps it.
  void Kill();
  bool Running() const { return m_pid > 0; }

 private:
  pid_t m_pid = -1;
  double m_timeoutS = 0;
  bool m_timedOut = false;
  std::chrono::steady_clock::time_point m_start;
};

/// @brief Runs `exe args...` to completion; `output` gets stdout and stderr together.
/// Returns the exit status (128 + signal), or an error when it cannot start.
core::Result<int> RunCapture(const std::string& exe, const std::vector<std::string>& args,
                             std::string& output);

}  // namespace vantage::sweep::detail
