// The class web application (cpp-httplib): trainees log in with their name and token, read the
// briefing, answer level by level with instant grading, take hints and solutions, download
// their pack and query their own store; the instructor sees a live scoreboard and exports CSV.
// All state is in instructor/state.sqlite, so a restart loses nothing.
//
//   training::ServerOptions opt;
//   opt.classDir = "class1";
//   opt.listen = "127.0.0.1:0";
//   auto server = training::WebServer::Create(opt);
//   int port = *(*server)->Start();
//   ...
//   (*server)->Stop();
#pragma once

#include <memory>
#include <string>

#include "vantage/core/result.h"

namespace vantage::training {

struct ServerOptions {
  std::string classDir;
  std::string listen = "127.0.0.1:8080";  ///< HOST:PORT; port 0 picks a free one
  int threads = 64;  ///< keep-alive connections hold a thread each: at least one per trainee
  int queryTimeoutMs = 2000;    ///< a trainee's query is interrupted after this
  size_t queryRowLimit = 1000;  ///< rows returned to the page
  size_t maxRequestBytes = 65536;
};

class WebServer {
 public:
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  /// @brief Loads the class (exercise, key, tokens) and opens its state store.
  static core::Result<std::unique_ptr<WebServer>> Create(const ServerOptions& options);
  /// @brief Binds and starts serving in background threads; returns the port.
  core::Result<int> Start();
  /// @brief Sleeps up to `seconds` (returns early once stopped).
  void WaitFor(double seconds);
  void Stop();
  const std::string& Host() const;

 private:
  struct Impl;
  explicit WebServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

/// @brief The single-page application served at "/".
const std::string& WebPageHtml();

}  // namespace vantage::training
