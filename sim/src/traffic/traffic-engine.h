// The machinery behind TrafficManager: session arrivals per simulated host and application
// (Poisson at sessionsPerHostHour x diurnal factor), injected behaviours, the applications and
// the ground-truth tracker. Internal to sim; tests include it for counters.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "traffic/applications.h"
#include "traffic/flow-tracker.h"
#include "traffic/traffic.h"

namespace vantage::sim {

class TrafficEngine {
 public:
  explicit TrafficEngine(const TrafficContext& ctx);
  ~TrafficEngine();
  TrafficEngine(const TrafficEngine&) = delete;
  TrafficEngine& operator=(const TrafficEngine&) = delete;

  core::Status Install();
  void Finish();
  uint64_t SessionsStarted() const { return m_apps.SessionsStarted(); }
  uint64_t BehavioursSkipped() const { return m_skipped; }
  const detail::ApplicationSet& Apps() const { return m_apps; }
  const detail::FlowTracker& Tracker() const { return m_tracker; }

 private:
  /// One application of one simulated client host: its own random stream and arrivals.
  struct AppStream {
    const model::Application* app = nullptr;
    const SimHost* client = nullptr;
    std::vector<const SimHost*> servers;
    std::mt19937_64 rng;
  };

  core::Status InstallMix(const model::TrafficMix& mix);
  core::Status InstallBehaviour(const model::Behaviour& b, size_t index);
  // One installer per behaviour kind (BehaviourKinds() maps kind names to them).
  struct BehaviourRun;
  using BehaviourInstaller = void (TrafficEngine::*)(BehaviourRun&);
  static const std::map<std::string, BehaviourInstaller>& BehaviourKinds();
  void InstallC2Beacon(BehaviourRun& r);
  void InstallExfiltration(BehaviourRun& r);
  void InstallPortScan(BehaviourRun& r);
  void InstallIcmpSweep(BehaviourRun& r);
  void InstallBruteForce(BehaviourRun& r);
  void InstallLongSession(BehaviourRun& r);
  void InstallDmzOddPort(BehaviourRun& r);
  void InstallSpike(BehaviourRun& r);
  void InstallDnsTunnel(BehaviourRun& r);
  void InstallLateralMovement(BehaviourRun& r);
  void EnsureServers(const BehaviourRun& r, uint16_t port);
  void PlanBehaviour(const BehaviourRun& r, const SimHost* src, const SimHost* dst, uint16_t port,
                     detail::SessionPlan p, double at);
  void Warn(const std::string& message) const;
  std::vector<const SimHost*> Resolve(const std::string& name) const;
  double Diurnal(double simSeconds) const;
  void ScheduleArrival(size_t stream);
  void OnArrival(size_t stream);
  void Plan(double atS, detail::SessionPlan plan);
  void StartPlanned(size_t index);
  detail::FlowInfo MakeFlow(const SimHost* src, const SimHost* dst, uint8_t protocol, uint16_t port,
                            const std::string& label, const std::string& behaviour) const;
  std::mt19937_64 StreamRng(uint64_t stream) const;

  TrafficContext m_ctx;
  detail::FlowTracker m_tracker;
  detail::ApplicationSet m_apps;
  std::vector<AppStream> m_streams;
  std::vector<detail::SessionPlan> m_planned;
  uint64_t m_skipped = 0;
  uint64_t m_nextStream = 0;
  bool m_finished = false;
};

}  // namespace vantage::sim
