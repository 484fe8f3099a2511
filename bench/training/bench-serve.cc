// bench_training_serve [TRAINEES] [SECONDS]: a synthetic class of TRAINEES (default 50), each a
// client thread that loads its state and answers (wrong, then right) in a loop against the
// real WebServer on 127.0.0.1; prints requests per second and latency percentiles.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "vantage/collector/store.h"
#include "vantage/training/class-builder.h"
#include "vantage/training/web-server.h"

using namespace vantage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void WriteClass(const fs::path& dir, int trainees) {
  fs::remove_all(dir);
  fs::create_directories(dir / "instructor");
  training::Exercise ex;
  ex.name = "bench";
  ex.title = "Bench";
  ex.briefing = "Find the **port**.";
  for (int i = 0; i < 5; ++i) {
    training::Level l;
    l.id = "q" + std::to_string(i);
    l.title = l.id;
    l.text = "which port?";
    l.question = true;
    l.type = training::AnswerType::kPort;
    l.value = "443";
    l.maxWrong = 0;
    ex.levels.push_back(l);
  }
  training::ClassKey key{"bench", {}};
  json tokens = {{"instructor", "i"}, {"trainees", json::object()}};
  for (int t = 0; t < trainees; ++t) {
    std::string name = "t" + std::to_string(t);
    training::TraineeKey tk{name, 1, {}};
    for (const auto& l : ex.levels)
      tk.levels[l.id] = {training::AnswerType::kPort, "443", {"443"}, 0, {}};
    key.trainees.push_back(tk);
    tokens["trainees"][name] = "token" + std::to_string(t);
    fs::create_directories(dir / "trainees" / name);
    auto store = collector::Store::Open((dir / "trainees" / name / "flows.sqlite").string());
    (void)(*store)->Close();
  }
  std::ofstream(dir / "instructor" / "exercise.json") << training::ToJson(ex).dump();
  std::ofstream(dir / "instructor" / "key.json") << training::ToJson(key).dump();
  std::ofstream(dir / "instructor" / "tokens.json") << tokens.dump();
}

}  // namespace

int main(int argc, char** argv) {
  int trainees = argc > 1 ? std::atoi(argv[1]) : 50;
  double seconds = argc > 2 ? std::atof(argv[2]) : 10;
  if (trainees <= 0 || seconds <= 0) {
    std::fprintf(stderr, "usage: bench_training_serve [TRAINEES > 0] [SECONDS > 0]\n");
    return 2;
  }
  fs::path dir = fs::temp_directory_path() / "vantage-bench-serve";
  WriteClass(dir, trainees);
  training::ServerOptions opt;
  opt.classDir = dir.string();
  opt.listen = "127.0.0.1:0";
  opt.threads = 64;
  auto server = training::WebServer::Create(opt);
  if (!server) return 1;
  int port = *(*server)->Start();
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(trainees));
  std::atomic<int> errors{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < trainees; ++t) {
    clients.emplace_back([&, t] {
      // Trainees arrive over a second: Debian's cpp-httplib listens with a backlog of 5, and
      // 50 connects in the same millisecond overflow it (each overflow costs a 1 s SYN retry).
      std::this_thread::sleep_for(std::chrono::milliseconds(20 * t));
      httplib::Client c("127.0.0.1", port);
      httplib::Headers h = {{"Authorization", "Bearer token" + std::to_string(t)}};
      for (int i = 0; !stop.load(); ++i) {
        auto start = std::chrono::steady_clock::now();
        json body = {{"level", "q" + std::to_string((i / 2) % 5)}, {"answer", "80"}};
        httplib::Result r = i % 2 == 0 ? c.Get("/api/state", h)
                                       : c.Post("/api/answer", h, body.dump(), "application/json");
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (!r || (r->status != 200 && r->status != 409)) {
          if (errors++ < 3)
            std::fprintf(
                stderr, "error: %s\n",
                r ? std::to_string(r->status).c_str() : httplib::to_string(r.error()).c_str());
        }
        latencies[static_cast<size_t>(t)].push_back(ms);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& c : clients) c.join();
  (*server)->Stop();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0 : all[static_cast<size_t>(p * (all.size() - 1))];
  };
  std::printf(
      "trainees %d, %.0f s: %zu requests, %.0f requests/s, latency p50 %.1f ms, p99 %.1f ms, "
      "max %.1f ms, errors %d\n",
      trainees, seconds, all.size(), static_cast<double>(all.size()) / seconds, pct(0.5), pct(0.99),
      all.empty() ? 0 : all.back(), errors.load());
  fs::remove_all(dir);
  return errors.load() == 0 ? 0 : 1;
}
