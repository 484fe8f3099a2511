// Child processes for tests (see child-process.h).
#include "vantage/test/child-process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace vantage::test {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& logPath,
                           long fileSizeLimit) {
  m_pid = ::fork();
  if (m_pid != 0) return;
  ::setpgid(0, 0);
  int fd = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  if (fileSizeLimit > 0) {
    rlimit rl{static_cast<rlim_t>(fileSizeLimit), static_cast<rlim_t>(fileSizeLimit)};
    ::setrlimit(RLIMIT_FSIZE, &rl);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

ChildProcess::~ChildProcess() {
  Stop();
}

bool ChildProcess::WaitFor(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (m_pid > 0) {
    if (::waitpid(m_pid, &m_status, WNOHANG) == m_pid) {
      m_pid = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

int ChildProcess::Stop() {
  if (m_pid <= 0) return m_status;
  ::kill(m_pid, SIGTERM);
  if (!WaitFor(10)) {
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, &m_status, 0);
    m_pid = -1;
  }
  return m_status;
}

bool ChildProcess::Running() {
  if (m_pid <= 0) return false;
  if (::waitpid(m_pid, &m_status, WNOHANG) == m_pid) {
    m_pid = -1;
    return false;
  }
  return true;
}

std::string RunCapture(const std::string& command, int* exitCode) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) {
    if (exitCode != nullptr) *exitCode = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int st = ::pclose(p);
  if (exitCode != nullptr) *exitCode = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

}  // namespace vantage::test
