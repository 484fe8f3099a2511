// The class web application: a JSON API behind bearer tokens, and one page that uses it.
#include "vantage/training/web-server.h"

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "trainee-query.h"
#include "vantage/training/class-builder.h"
#include "vantage/training/session.h"

namespace vantage::training {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Compares every byte whatever the first difference, so timing tells nothing about a token.
bool SameToken(const std::string& a, const std::string& b) {
  size_t n = std::max(a.size(), b.size());
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0 && !a.empty();
}

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void Fail(httplib::Response& res, int status, const std::string& why) {
  Reply(res, status, {{"error", why}});
}

// Files a trainee may download: their pack, listed once at start (names, never paths).
std::vector<std::string> PackFiles(const fs::path& pack) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(pack, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(fs::relative(it->path(), pack).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

struct WebServer::Impl {
  ServerOptions opt;
  std::string host;
  int port = 0;
  Exercise exercise;
  ClassKey key;
  ClassTokens tokens;
  std::vector<std::string> trainees;
  std::map<std::string, std::vector<std::string>> files;
  std::unique_ptr<ClassState> state;
  httplib::Server http;
  std::thread thread;
  std::mutex answerMutex;  // one answer at a time per class: grading then recording is atomic

  // "" when the request carries no valid token; "@instructor" for the instructor.
  std::string Identify(const httplib::Request& req) const {
    std::string auth = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (auth.compare(0, prefix.size(), prefix) != 0) return "";
    std::string token = auth.substr(prefix.size());
    std::string who;
    if (SameToken(token, tokens.instructor)) who = "@instructor";
    for (const auto& [name, t] : tokens.trainees) {
      if (SameToken(token, t)) who = name;
    }
    return who;
  }

  std::string StorePath(const std::string& trainee) const {
    return opt.classDir + "/trainees/" + trainee + "/flows.sqlite";
  }

  json LevelJson(size_t i, const LevelProgress& p, bool locked) const {
    const Level& l = exercise.levels[i];
    json j = {{"id", l.id}, {"title", l.title}, {"question", l.question}, {"locked", locked}};
    if (locked) return j;
    j["html"] = MarkdownToHtml(l.text);
    if (!l.question) return j;
    json hints = json::array();
    for (int h = 0; h < p.hintsTaken; ++h) hints.push_back(l.hints[static_cast<size_t>(h)].text);
    j.update({{"type", AnswerTypeName(l.type)},
              {"choices", l.choices},
              {"max_score", l.maxScore},
              {"max_wrong", l.maxWrong},
              {"wrong", p.wrong},
              {"solved", p.solved},
              {"lost", p.lost},
              {"score", LevelScore(l, p)},
              {"hints", hints},
              {"hints_left", static_cast<int>(l.hints.size()) - p.hintsTaken},
              {"next_hint_penalty", p.hintsTaken < static_cast<int>(l.hints.size())
                                        ? l.hints[static_cast<size_t>(p.hintsTaken)].penalty
                                        : 0.0},
              {"solution_available", !l.solution.empty()},
              {"solution_penalty", l.solutionPenalty}});
    if (p.solutionShown || p.Done()) j["solution"] = l.solution.empty() ? "" : l.solution;
    return j;
  }

  json TraineeState(const std::string& trainee) {
    auto progress = Replay(exercise, state->Events(trainee));
    size_t current = CurrentLevel(exercise, progress);
    json levels = json::array();
    for (size_t i = 0; i < exercise.levels.size(); ++i) {
      levels.push_back(LevelJson(i, progress[i], i > current));
    }
    return {{"trainee", trainee},
            {"title", exercise.title},
            {"briefing_html", MarkdownToHtml(exercise.briefing)},
            {"levels", levels},
            {"score", TotalScore(exercise, progress)},
            {"max_score", exercise.MaxTotal()},
            {"finished", current >= exercise.levels.size()},
            {"files", files[trainee]}};
  }

  // The level an action applies to must be the trainee's current question level.
  // `progress` receives the trainee's progress, which the caller needs too.
  const Level* ActionLevel(const std::string& trainee, const std::string& id, std::string& why,
                           std::vector<LevelProgress>& progress) {
    progress = Replay(exercise, state->Events(trainee));
    size_t current = CurrentLevel(exercise, progress);
    if (current >= exercise.levels.size()) {
      why = "the exercise is finished";
      return nullptr;
    }
    if (exercise.levels[current].id != id) {
      why = "level '" + id + "' is not the level you are on";
      return nullptr;
    }
    return &exercise.levels[current];
  }

  void Install();
  void OnLogin(const httplib::Request& req, httplib::Response& res);
  void OnAnswer(const std::string& who, const json& body, httplib::Response& res);
  void OnHelp(const std::string& who, const json& body, EventKind kind, httplib::Response& res);
  void OnQuery(const std::string& who, const json& body, httplib::Response& res);
  void OnFile(const std::string& who, const std::string& name, httplib::Response& res);
  void OnScoreboard(bool csv, httplib::Response& res);
};

void WebServer::Impl::OnLogin(const httplib::Request& req, httplib::Response& res) {
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("name") || !body.contains("token") ||
      !body["name"].is_string() || !body["token"].is_string()) {
    return Fail(res, 400, "send {\"name\": ..., \"token\": ...}");
  }
  std::string name = body["name"], token = body["token"];
  bool ok = false;
  std::string role = "trainee";
  if (name == "instructor") {
    ok = SameToken(token, tokens.instructor);
    role = "instructor";
  } else {
    auto it = tokens.trainees.find(name);
    // Compare against a dummy for unknown names, so the reply time does not tell names apart.
    ok = SameToken(token, it == tokens.trainees.end() ? std::string(32, '\0') : it->second) &&
         it != tokens.trainees.end();
  }
  if (!ok) return Fail(res, 401, "unknown name or wrong token");
  Reply(res, 200, {{"ok", true}, {"role", role}, {"name", name}});
}

void WebServer::Impl::OnAnswer(const std::string& who, const json& body, httplib::Response& res) {
  if (!body.contains("level") || !body["level"].is_string()) return Fail(res, 400, "no level");
  std::lock_guard<std::mutex> lock(answerMutex);
  std::string why;
  std::vector<LevelProgress> progress;
  const Level* level = ActionLevel(who, body["level"], why, progress);
  if (!level) return Fail(res, 409, why);
  const TraineeKey* tk = key.Find(who);
  if (!tk || !tk->levels.count(level->id)) return Fail(res, 500, "no key for this level");
  const LevelKey& lk = tk->levels.at(level->id);
  Grade g;
  std::string given;
  if (level->type == AnswerType::kFlows && body.contains("filter") && body["filter"].is_string()) {
    given = "filter: " + body["filter"].get<std::string>();
    auto flows = detail::FlowsMatching(StorePath(who), body["filter"], {opt.queryTimeoutMs, 0});
    if (!flows) return Fail(res, 422, flows.GetError().message);
    g = GradeFlows(*level, lk, *flows);
  } else if (body.contains("answer") && body["answer"].is_string()) {
    given = body["answer"];
    g = GradeAnswer(*level, lk, given);
  } else {
    return Fail(res, 400, "send {\"level\": ..., \"answer\": ...}");
  }
  if (!g.valid) return Fail(res, 422, g.feedback);
  auto st = state->Append({who, level->id, EventKind::kAnswer, given, true, g.correct, NowMs()});
  if (!st) return Fail(res, 500, st.GetError().message);
  json out = {{"correct", g.correct}, {"feedback", g.feedback}, {"state", TraineeState(who)}};
  Reply(res, 200, out);
}

void WebServer::Impl::OnHelp(const std::string& who, const json& body, EventKind kind,
                             httplib::Response& res) {
  if (!body.contains("level") || !body["level"].is_string()) return Fail(res, 400, "no level");
  std::lock_guard<std::mutex> lock(answerMutex);
  std::string why;
  std::vector<LevelProgress> progress;
  const Level* level = ActionLevel(who, body["level"], why, progress);
  if (!level) return Fail(res, 409, why);
  const auto& p = progress[static_cast<size_t>(level - exercise.levels.data())];
  if (kind == EventKind::kHint && p.hintsTaken >= static_cast<int>(level->hints.size())) {
    return Fail(res, 409, "no hints left");
  }
  if (kind == EventKind::kSolution && (level->solution.empty() || p.solutionShown)) {
    return Fail(res, 409, "no solution to reveal");
  }
  auto st = state->Append({who, level->id, kind, "", true, false, NowMs()});
  if (!st) return Fail(res, 500, st.GetError().message);
  Reply(res, 200, {{"state", TraineeState(who)}});
}

void WebServer::Impl::OnQuery(const std::string& who, const json& body, httplib::Response& res) {
  if (!body.contains("q") || !body["q"].is_string()) return Fail(res, 400, "send {\"q\": ...}");
  bool truncated = false;
  auto table = detail::RunTraineeQuery(StorePath(who), body["q"],
                                       {opt.queryTimeoutMs, opt.queryRowLimit}, truncated);
  if (!table) return Fail(res, 422, table.GetError().message);
  Reply(res, 200, {{"columns", table->columns}, {"rows", table->rows}, {"truncated", truncated}});
}

void WebServer::Impl::OnFile(const std::string& who, const std::string& name,
                             httplib::Response& res) {
  const auto& list = files[who];
  if (std::find(list.begin(), list.end(), name) == list.end()) {
    return Fail(res, 404, "no such file in your pack");
  }
  std::ifstream in(opt.classDir + "/trainees/" + who + "/" + name, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  res.set_header("Content-Disposition",
                 "attachment; filename=\"" + fs::path(name).filename().string() + "\"");
  res.set_content(data, "application/octet-stream");
}

void WebServer::Impl::OnScoreboard(bool csv, httplib::Response& res) {
  auto rows = state->Scoreboard(exercise, trainees);
  if (csv) {
    res.set_header("Content-Disposition", "attachment; filename=\"scoreboard.csv\"");
    return res.set_content(ScoreboardCsv(rows), "text/csv");
  }
  json out = json::array();
  for (const auto& r : rows) {
    out.push_back({{"trainee", r.trainee},
                   {"score", r.score},
                   {"levels_done", r.levelsDone},
                   {"questions", r.questions},
                   {"hints", r.hints},
                   {"wrong", r.wrong},
                   {"first_ms", r.firstMs},
                   {"last_ms", r.lastMs}});
  }
  Reply(res, 200,
        {{"exercise", exercise.title}, {"max_score", exercise.MaxTotal()}, {"rows", out}});
}

void WebServer::Impl::Install() {
  http.set_payload_max_length(opt.maxRequestBytes);
  // A class keeps its connections open: reconnecting every few requests overflows the listen
  // backlog under 50 trainees and costs a 1 s SYN retry.
  http.set_keep_alive_max_count(10000);
  http.set_keep_alive_timeout(30);
  http.new_task_queue = [this] {
    return new httplib::ThreadPool(static_cast<size_t>(opt.threads));
  };
  http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                            {"Content-Security-Policy",
                             "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                             "script-src 'self' 'unsafe-inline'"},
                            {"Cache-Control", "no-store"}});
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(WebPageHtml(), "text/html; charset=utf-8");
  });
  http.Post("/api/login",
            [this](const httplib::Request& req, httplib::Response& res) { OnLogin(req, res); });
  // Every other API call needs a token; trainee calls act only on the caller's own data.
  auto trainee = [this](auto handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      std::string who = Identify(req);
      if (who.empty() || who == "@instructor") return Fail(res, 401, "log in as a trainee");
      json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
      if (!body.is_object()) return Fail(res, 400, "the request body is not a JSON object");
      handler(who, body, req, res);
    };
  };
  http.Get("/api/state", trainee([this](auto& who, auto&, auto&, auto& res) {
             Reply(res, 200, TraineeState(who));
           }));
  http.Post("/api/answer",
            trainee([this](auto& who, auto& body, auto&, auto& res) { OnAnswer(who, body, res); }));
  http.Post("/api/hint", trainee([this](auto& who, auto& body, auto&, auto& res) {
              OnHelp(who, body, EventKind::kHint, res);
            }));
  http.Post("/api/solution", trainee([this](auto& who, auto& body, auto&, auto& res) {
              OnHelp(who, body, EventKind::kSolution, res);
            }));
  http.Post("/api/query",
            trainee([this](auto& who, auto& body, auto&, auto& res) { OnQuery(who, body, res); }));
  http.Get(R"(/api/file/(.+))", trainee([this](auto& who, auto&, auto& req, auto& res) {
             OnFile(who, req.matches[1], res);
           }));
  auto instructor = [this](bool csv) {
    return [this, csv](const httplib::Request& req, httplib::Response& res) {
      if (Identify(req) != "@instructor") return Fail(res, 401, "log in as the instructor");
      OnScoreboard(csv, res);
    };
  };
  http.Get("/api/scoreboard", instructor(false));
  http.Get("/api/scoreboard.csv", instructor(true));
}

WebServer::WebServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

WebServer::~WebServer() {
  Stop();
}

core::Result<std::unique_ptr<WebServer>> WebServer::Create(const ServerOptions& opt) {
  auto impl = std::make_unique<Impl>();
  impl->opt = opt;
  auto colon = opt.listen.rfind(':');
  if (colon == std::string::npos) {
    return core::MakeError(core::ErrorCode::kInvalid, "--listen wants HOST:PORT");
  }
  impl->host = opt.listen.substr(0, colon);
  if (impl->host.size() > 2 && impl->host.front() == '[') {
    impl->host = impl->host.substr(1, impl->host.size() - 2);
  }
  impl->port = std::atoi(opt.listen.c_str() + colon + 1);
  auto ex = LoadClassExercise(opt.classDir);
  if (!ex) return ex.GetError();
  auto key = LoadClassKey(opt.classDir);
  if (!key) return key.GetError();
  auto tokens = LoadClassTokens(opt.classDir);
  if (!tokens) return tokens.GetError();
  auto state = ClassState::Open(opt.classDir + "/instructor/state.sqlite");
  if (!state) return state.GetError();
  impl->exercise = std::move(*ex);
  impl->key = std::move(*key);
  impl->tokens = std::move(*tokens);
  impl->state = std::move(*state);
  for (const auto& [name, token] : impl->tokens.trainees) {
    impl->trainees.push_back(name);
    impl->files[name] = PackFiles(fs::path(opt.classDir) / "trainees" / name);
  }
  impl->Install();
  return std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
}

core::Result<int> WebServer::Start() {
  Impl& s = *m_impl;
  int port = s.port == 0 ? s.http.bind_to_any_port(s.host) : s.port;
  if (port <= 0 || (s.port != 0 && !s.http.bind_to_port(s.host, s.port))) {
    return core::MakeError(core::ErrorCode::kIo, "cannot listen on " + s.opt.listen);
  }
  s.port = port;
  s.thread = std::thread([&s] { s.http.listen_after_bind(); });
  return port;
}

void WebServer::WaitFor(double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

void WebServer::Stop() {
  if (!m_impl) return;
  m_impl->http.stop();
  if (m_impl->thread.joinable()) m_impl->thread.join();
}

const std::string& WebServer::Host() const {
  return m_impl->host;
}

}  // namespace vantage::training
