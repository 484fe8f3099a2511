// Child processes for cells (posix_spawn, own process group, wait4 for CPU time and memory).
#include "child-process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace vantage::sweep::detail {
namespace {

using core::ErrorCode;
using core::MakeError;

int StatusCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

core::Result<pid_t> Spawn(const std::string& exe, const std::vector<std::string>& args,
                          const std::string& outPath, bool append, bool newGroup) {
  std::vector<std::string> all = {exe};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outPath.c_str(), flags, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (newGroup) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, exe.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return MakeError(ErrorCode::kIo, "cannot run " + exe + ": " + std::strerror(rc));
  }
  return pid;
}

double Seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

ChildProcess::~ChildProcess() {
  Kill();
}

core::Status ChildProcess::Start(const std::string& exe, const std::vector<std::string>& args,
                                 const std::string& logPath, double timeoutS) {
  auto pid = Spawn(exe, args, logPath, true, true);
  if (!pid) return pid.GetError();
  m_pid = *pid;
  m_timeoutS = timeoutS;
  m_timedOut = false;
  m_start = std::chrono::steady_clock::now();
  return {};
}

bool ChildProcess::Poll(ChildExit& out) {
  if (m_pid <= 0) return false;
  int status = 0;
  rusage ru{};
  pid_t r = ::wait4(m_pid, &status, WNOHANG, &ru);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  if (r == 0) {
    if (m_timeoutS > 0 && wall > m_timeoutS && !m_timedOut) {
      m_timedOut = true;
      ::kill(-m_pid, SIGKILL);
    }
    return false;
  }
  out.exitCode = r < 0 ? 255 : StatusCode(status);
  out.timedOut = m_timedOut;
  out.wallS = wall;
  out.cpuS = Seconds(ru.ru_utime) + Seconds(ru.ru_stime);
  out.maxRssKiB = ru.ru_maxrss;
  m_pid = -1;
  return true;
}

void ChildProcess::Kill() {
  if (m_pid <= 0) return;
  ::kill(-m_pid, SIGKILL);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
}

core::Result<int> RunCapture(const std::string& exe, const std::vector<std::string>& args,
                             std::string& output) {
  char tmpl[] = "/tmp/vantage-sweep-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) return MakeError(ErrorCode::kIo, "cannot create a temporary file");
  ::close(fd);
  auto pid = Spawn(exe, args, tmpl, false, false);
  if (!pid) {
    ::unlink(tmpl);
    return pid.GetError();
  }
  int status = 0;
  while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::ifstream in(tmpl, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  output = ss.str();
  ::unlink(tmpl);
  return StatusCode(status);
}

}  // namespace vantage::sweep::detail
