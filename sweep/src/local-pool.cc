// The local worker pool: up to `jobs` cell processes at once, polled from one thread.
#include <chrono>
#include <deque>
#include <filesystem>
#include <list>
#include <thread>

#include "cell-runner.h"
#include "vantage/sweep/runner.h"

namespace vantage::sweep {
namespace {

using Clock = std::chrono::steady_clock;

struct Pending {
  Cell cell;
  unsigned attempt;
};

class Pool {
 public:
  Pool(const std::string& dir, const SweepManifest& m, const LocalOptions& o)
      : m_dir(dir), m_m(m), m_o(o), m_start(Clock::now()) {}

  RunSummary Run() {
    Queue();
    auto lastReport = Clock::now() - std::chrono::seconds(10);
    while (!m_queue.empty() || !m_running.empty()) {
      if (m_o.shouldStop && m_o.shouldStop()) {
        for (auto& a : m_running) a->Kill();
        m_s.interrupted = true;
        break;
      }
      bool changed = Fill() | Reap();
      if (changed || Clock::now() - lastReport > std::chrono::seconds(1)) {
        Report();
        lastReport = Clock::now();
      }
      if (!m_running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Report();
    m_s.wallS = Elapsed();
    m_s.failures = CollectFailures(m_dir, m_m);
    return m_s;
  }

 private:
  void Queue() {
    m_s.total = m_m.cells.size();
    for (const auto& c : m_m.cells) {
      switch (GetCellState(m_dir, c)) {
        case CellState::kDone:
          ++m_s.skipped;
          break;
        case CellState::kConflict:
          ++m_s.conflicts;
          break;
        default:
          m_queue.push_back({c, 1});
      }
    }
  }

  bool Fill() {
    bool changed = false;
    while (!m_queue.empty() && m_running.size() < std::max(1u, m_o.jobs)) {
      Pending p = m_queue.front();
      m_queue.pop_front();
      changed = true;
      if (auto st = detail::CheckInputsUnchanged(p.cell); !st) {
        Finish(p.cell, detail::StartFailure(p.cell, p.attempt, st.GetError().message));
        continue;
      }
      auto a = std::make_unique<detail::CellAttempt>(m_dir, p.cell, p.attempt);
      if (auto st = a->Start(m_o.exe, m_m.timeoutS); !st) {
        Finish(p.cell, detail::StartFailure(p.cell, p.attempt, st.GetError().message));
        continue;
      }
      m_running.push_back(std::move(a));
    }
    return changed;
  }

  bool Reap() {
    bool changed = false;
    for (auto it = m_running.begin(); it != m_running.end();) {
      CellResult r;
      if (!(*it)->Poll(r)) {
        ++it;
        continue;
      }
      changed = true;
      const Cell cell = (*it)->GetCell();
      const unsigned attempt = (*it)->Attempt();
      it = m_running.erase(it);
      if (!r.ok && attempt <= m_m.retries) {
        m_queue.push_back({cell, attempt + 1});  // retried after the others
        continue;
      }
      Finish(cell, r);
    }
    return changed;
  }

  void Finish(const Cell& cell, const CellResult& r) {
    if (r.ok) {
      ++m_s.done;
      m_cellSeconds += r.wallS;
    } else {
      ++m_s.failed;
    }
    (void)WriteCellResult(m_dir, cell, r);
  }

  double Elapsed() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }

  void Report() {
    if (!m_o.progress) return;
    Progress p;
    p.total = m_s.total;
    p.skipped = m_s.skipped;
    p.done = m_s.done;
    p.failed = m_s.failed;
    p.running = m_running.size();
    p.elapsedS = Elapsed();
    if (m_s.done > 0) {
      const double perCell = m_cellSeconds / static_cast<double>(m_s.done);
      const double left = static_cast<double>(m_queue.size() + m_running.size());
      p.etaS = perCell * left / static_cast<double>(std::max(1u, m_o.jobs));
    }
    m_o.progress(p);
  }

  const std::string& m_dir;
  const SweepManifest& m_m;
  const LocalOptions& m_o;
  Clock::time_point m_start;
  std::deque<Pending> m_queue;
  std::list<std::unique_ptr<detail::CellAttempt>> m_running;
  RunSummary m_s;
  double m_cellSeconds = 0;
};

}  // namespace

RunSummary RunLocal(const std::string& dir, const SweepManifest& manifest, const LocalOptions& o) {
  return Pool(dir, manifest, o).Run();
}

}  // namespace vantage::sweep
