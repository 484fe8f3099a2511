// Child processes for tests that drive other programs (nfcapd, softflowd, tshark, the CLI):
// every process a test starts is stopped when its guard goes away.
//
//   vantage::test::ChildProcess nfcapd({"nfcapd", "-p", port, ...}, dir.File("nfcapd.log"));
//   ...
//   int status = nfcapd.Stop();   // SIGTERM, then SIGKILL after 10 s
#pragma once

#include <string>
#include <vector>

namespace vantage::test {

class ChildProcess {
 public:
  /// @brief Starts `argv` (looked up on PATH) in its own process group, stdout and stderr to
  /// `logPath`; `fileSizeLimit` > 0 caps the files it may write (RLIMIT_FSIZE).
  explicit ChildProcess(const std::vector<std::string>& argv,
                        const std::string& logPath = "/dev/null", long fileSizeLimit = 0);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// @brief True if the process ended within `seconds` (it keeps running otherwise).
  bool WaitFor(double seconds);
  /// @brief SIGTERM, up to 10 s, then SIGKILL. Returns the wait status.
  int Stop();
  /// @brief True while the process runs (reaps it once it has ended).
  bool Running();
  /// @brief The wait status once ended (see WIFEXITED).
  int Status() const { return m_status; }

 private:
  int m_pid = -1;
  int m_status = -1;
};

/// @brief Runs `command` with the shell and returns its stdout; `exitCode` gets the exit code
/// (-1 if it did not exit normally).
std::string RunCapture(const std::string& command, int* exitCode = nullptr);

}  // namespace vantage::test
