// Runs an exporter as a child process group (killed on timeout), receives its export with the
// collector on 127.0.0.1, or reads back its files.
#include "vantage/conformance/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "vantage/collector/collecting-process.h"
#include "vantage/collector/server.h"

namespace vantage::conformance {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// A child process in its own process group, with stdout and stderr in files.
class Child {
 public:
  bool Start(const std::string& command, const std::string& out, const std::string& err,
             std::string& problem) {
    m_pid = fork();
    if (m_pid < 0) {
      problem = "fork failed";
      return false;
    }
    if (m_pid == 0) {
      setpgid(0, 0);
      int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int n = open("/dev/null", O_RDONLY);
      if (o >= 0) dup2(o, 1);
      if (e >= 0) dup2(e, 2);
      if (n >= 0) dup2(n, 0);
      setenv("TZ", "UTC", 1);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    setpgid(m_pid, m_pid);
    return true;
  }
  /// True once the child has exited (status kept).
  bool Poll() {
    if (m_done) return true;
    int st = 0;
    if (waitpid(m_pid, &st, WNOHANG) == m_pid) {
      m_done = true;
      m_status = st;
    }
    return m_done;
  }
  /// SIGTERM to the group, SIGKILL after `grace` seconds; `wait` runs while waiting (the
  /// receiver keeps reading what a stopping exporter flushes, also from its other processes).
  void Stop(double grace, const std::function<void()>& wait) {
    auto t = Clock::now();
    if (!Poll()) kill(-m_pid, SIGTERM);
    while ((!Poll() || GroupAlive()) && Since(t) < grace) wait();
    if (!Poll()) {
      kill(-m_pid, SIGKILL);
      waitpid(m_pid, &m_status, 0);
      m_done = true;
    }
    kill(-m_pid, SIGKILL);  // stray processes of the group
  }
  bool GroupAlive() const { return kill(-m_pid, 0) == 0; }
  int ExitStatus() const { return WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -1; }
  bool Signalled() const { return WIFSIGNALED(m_status); }
  int Signal() const { return WIFSIGNALED(m_status) ? WTERMSIG(m_status) : 0; }

 private:
  pid_t m_pid = -1;
  bool m_done = false;
  int m_status = 0;
};

std::string ReadFile(const std::string& path, size_t maxBytes = size_t{1} << 30) {
  std::ifstream in(path, std::ios::binary);
  std::string s;
  if (!in) return s;
  std::ostringstream ss;
  ss << in.rdbuf();
  s = ss.str();
  if (s.size() > maxBytes) s.resize(maxBytes);
  return s;
}

std::string Tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : s.substr(s.size() - n);
}

/// Runs a command to completion (or `timeout`), returning whether it exited with 0.
bool RunToEnd(const std::string& cmd, const std::string& out, const std::string& err,
              double timeout, std::string& problem) {
  Child c;
  if (!c.Start(cmd, out, err, problem)) return false;
  auto t = Clock::now();
  while (!c.Poll() && Since(t) < timeout)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (!c.Poll()) {
    c.Stop(2, [] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); });
    problem = "'" + cmd + "' timed out";
    return false;
  }
  if (c.ExitStatus() != 0) {
    problem = "'" + cmd + "' exited with status " + std::to_string(c.ExitStatus()) + ": " +
              Tail(ReadFile(err), 300);
    return false;
  }
  return true;
}

struct Receiver {
  collector::CollectingProcess process{nullptr};
  collector::Server server{&process};
  std::vector<core::FlowRecord> records;
  uint64_t lastCount = 0;
  Clock::time_point lastArrival = Clock::now();

  Receiver() {
    process.SetRecordCallback([this](const core::FlowRecord& r) { records.push_back(r); });
  }
  void Poll(int ms) {
    server.PollOnce(ms);
    if (server.Datagrams() != lastCount) {
      lastCount = server.Datagrams();
      lastArrival = Clock::now();
    }
  }
};

void Supervise(Child& child, Receiver* rx, const RunConfig& cfg, RunOutput& out) {
  auto t0 = Clock::now();
  const double timeout = cfg.timeout.ToSeconds();
  while (!child.Poll()) {
    if (rx)
      rx->Poll(50);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (Since(t0) > timeout) {
      out.info.timedOut = true;
      out.problems.push_back("the exporter did not finish within " + std::to_string(timeout) +
                             " s and was killed");
      break;
    }
  }
  const bool stoppedByUs = !child.Poll();
  child.Stop(10, [&] {
    if (rx)
      rx->Poll(20);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  });
  if (rx) {  // what is still in flight
    auto d = Clock::now();
    while (Since(rx->lastArrival) < cfg.drain.ToSeconds() && Since(d) < 10) rx->Poll(50);
  }
  out.info.wallS = Since(t0);
  out.info.exitStatus = child.ExitStatus();
  if (child.Signalled() && !out.info.timedOut && !stoppedByUs) {
    out.info.crashed = true;
    out.problems.push_back("the exporter died of signal " + std::to_string(child.Signal()));
  } else if (!child.Signalled() && child.ExitStatus() != 0) {
    out.problems.push_back("the exporter exited with status " + std::to_string(child.ExitStatus()));
  }
}

void ReadBack(const Adapter& a, const std::string& outPath, const RunConfig& cfg, RunOutput& out) {
  std::string text = cfg.workDir + "/readback.txt", err = cfg.workDir + "/readback.stderr";
  std::string problem, cmd;
  if (a.output == OutputKind::kNfdump)
    // %ter is wrong in nfdump 1.7.1 (it prints the start's seconds): end = %tsr + %td.
    cmd = "nfdump -R '" + outPath + "' -q -N -o 'fmt:%tsr|%td|%pr|%sa|%sp|%da|%dp|%pkt|%byt|" +
          "%flg|%stos'";
  else
    cmd = "ra -r '" + outPath + "' -n -u -c , -s stime ltime saddr sport daddr dport proto " +
          "spkts dpkts sbytes dbytes";
  if (!RunToEnd(cmd, text, err, cfg.timeout.ToSeconds(), problem)) {
    out.problems.push_back("reading the output back failed: " + problem);
    return;
  }
  uint64_t bad = 0;
  std::string body = ReadFile(text);
  out.records =
      a.output == OutputKind::kNfdump ? ParseNfdumpLines(body, &bad) : ParseArgusCsv(body, &bad);
  out.info.malformed += bad;
  out.info.decodedRecords = out.records.size();
  if (bad) out.problems.push_back(std::to_string(bad) + " output lines could not be parsed");
}

}  // namespace

std::string ExpandTemplate(const std::string& text,
                           const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool done = false;
    if (text[i] == '{') {
      for (const auto& [k, v] : values) {
        if (text.compare(i, k.size() + 2, "{" + k + "}") == 0) {
          out += v;
          i += k.size() + 2;
          done = true;
          break;
        }
      }
    }
    if (!done) out += text[i++];
  }
  return out;
}

RunOutput RunExporter(const Adapter& a, const RunConfig& cfg) {
  RunOutput out;
  mkdir(cfg.workDir.c_str(), 0755);
  std::unique_ptr<Receiver> rx;
  std::string port = "0";
  if (a.output == OutputKind::kUdp) {
    rx = std::make_unique<Receiver>();
    if (auto st = rx->server.AddListener("udp://127.0.0.1:0"); !st) {
      out.problems.push_back("collector: " + st.GetError().message);
      return out;
    }
    port = std::to_string(rx->server.BoundPort(0));
  }
  std::string outPath = cfg.workDir + (a.output == OutputKind::kNfdump ? "/nfcapd" : "/export.out");
  // Exporters append to what is there (argus -w, nfpcapd's directory): start empty.
  std::string clear = "rm -rf '" + outPath + "'";
  if (std::system(clear.c_str()) != 0) out.problems.push_back("cannot clear " + outPath);
  std::vector<std::pair<std::string, std::string>> values = {
      {"pcap", cfg.pcap},
      {"host", "127.0.0.1"},
      {"port", port},
      {"out", outPath},
      {"conf", cfg.workDir + "/exporter.conf"},
      {"vantage", cfg.vantageBinary}};
  if (!a.configFile.empty()) {
    std::ofstream conf(cfg.workDir + "/exporter.conf");
    conf << ExpandTemplate(a.configFile, values);
  }
  out.info.command = ExpandTemplate(a.command, values);
  if (cfg.progress) cfg.progress("running: " + out.info.command);
  Child child;
  std::string problem;
  if (!child.Start(out.info.command, cfg.workDir + "/exporter.stdout",
                   cfg.workDir + "/exporter.stderr", problem)) {
    out.problems.push_back(problem);
    return out;
  }
  Supervise(child, rx.get(), cfg, out);
  out.info.stderrTail = Tail(ReadFile(cfg.workDir + "/exporter.stderr"), 2000);
  if (rx) {
    rx->process.Flush();
    out.records = std::move(rx->records);
    const auto& st = rx->process.Stats();
    out.info.datagrams = st.datagrams;
    out.info.malformed = st.malformed + st.droppedNoTemplate;
    out.info.decodedRecords = st.records;
    for (const auto& l : rx->process.Loss()) out.info.sequenceLost += l.lost;
    if (out.info.sequenceLost)
      out.problems.push_back(std::to_string(out.info.sequenceLost) +
                             " records lost in transit according to the sequence numbers");
    if (st.malformed)
      out.problems.push_back(std::to_string(st.malformed) + " export messages were malformed");
  } else if (a.output == OutputKind::kIpfixFile) {
    collector::CollectingProcess cp(nullptr);
    cp.SetRecordCallback([&](const core::FlowRecord& r) { out.records.push_back(r); });
    if (auto st = cp.ReadIpfixFile(outPath); !st) out.problems.push_back(st.GetError().message);
    cp.Flush();
    out.info.malformed = cp.Stats().malformed;
    out.info.decodedRecords = out.records.size();
  } else {
    ReadBack(a, outPath, cfg, out);
  }
  return out;
}

}  // namespace vantage::conformance
