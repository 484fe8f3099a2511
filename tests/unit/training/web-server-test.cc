// The class web application over HTTP on loopback: login, answers, hints, scoreboard, the
// query box's limits, refused tokens and paths, and a restart that keeps every answer.
#include "vantage/training/web-server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>

#include "vantage/collector/store.h"
#include "vantage/training/class-builder.h"

namespace vantage::training {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class WebServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir =
        fs::temp_directory_path() /
        ("vantage-web-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "instructor");
    Exercise ex;
    ex.name = "web";
    ex.title = "Web test";
    ex.briefing = "Find **it**. <script>alert(1)</script>";
    Level info;
    info.id = "intro";
    info.title = "Intro";
    info.text = "read";
    Level port;
    port.id = "port";
    port.title = "Port";
    port.text = "which port?";
    port.question = true;
    port.type = AnswerType::kPort;
    port.value = "443";
    port.maxScore = 100;
    port.maxWrong = 2;
    port.hints = {{"think web", 10}};
    port.solution = "443";
    port.solutionPenalty = 50;
    Level last = port;
    last.id = "again";
    last.value = "22";
    ex.levels = {info, port, last};
    ClassKey key;
    key.exercise = "web";
    for (const char* name : {"alice", "bob"}) {
      TraineeKey tk;
      tk.trainee = name;
      for (const char* id : {"port", "again"}) {
        LevelKey lk;
        lk.type = AnswerType::kPort;
        lk.accepted = {std::string(id) == "port" ? "443" : "22"};
        tk.levels[id] = lk;
      }
      key.trainees.push_back(tk);
      fs::create_directories(m_dir / "trainees" / name);
      auto store = collector::Store::Open((m_dir / "trainees" / name / "flows.sqlite").string());
      ASSERT_TRUE(store);
      core::FlowRecord r;
      r.key.src = *core::IpAddress::Parse(std::string(name) == "alice" ? "10.0.0.1" : "10.0.0.2");
      r.key.dst = *core::IpAddress::Parse("198.51.100.7");
      r.key.protocol = 6;
      r.packets = 3;
      r.octets = 300;
      ASSERT_TRUE((*store)->Insert(r));
      ASSERT_TRUE((*store)->Close());
      std::ofstream(m_dir / "trainees" / name / "briefing.md") << "brief " << name;
    }
    std::ofstream(m_dir / "instructor" / "exercise.json") << ToJson(ex).dump();
    std::ofstream(m_dir / "instructor" / "key.json") << ToJson(key).dump();
    std::ofstream(m_dir / "instructor" / "tokens.json") << json{
        {"instructor", m_teacher},
        {"trainees", {{"alice", m_alice}, {"bob", m_bob}}}}.dump();
    Start();
  }
  void TearDown() override {
    if (m_server) m_server->Stop();
    fs::remove_all(m_dir);
  }
  void Start() {
    ServerOptions opt;
    opt.classDir = m_dir.string();
    opt.listen = "127.0.0.1:0";
    opt.queryTimeoutMs = 500;
    auto server = WebServer::Create(opt);
    ASSERT_TRUE(server) << server.GetError().message;
    m_server = std::move(*server);
    auto port = m_server->Start();
    ASSERT_TRUE(port);
    m_client = std::make_unique<httplib::Client>("127.0.0.1", *port);
  }
  httplib::Result Post(const std::string& path, const json& body, const std::string& token) {
    return m_client->Post(path.c_str(), {{"Authorization", "Bearer " + token}}, body.dump(),
                          "application/json");
  }
  httplib::Result Get(const std::string& path, const std::string& token) {
    return m_client->Get(path.c_str(), {{"Authorization", "Bearer " + token}});
  }
  fs::path m_dir;
  std::string m_alice = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
              m_bob = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2",
              m_teacher = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
  std::unique_ptr<WebServer> m_server;
  std::unique_ptr<httplib::Client> m_client;
};

TEST_F(WebServerTest, ServesThePageAndChecksLogins) {
  auto page = m_client->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("login-button"), std::string::npos);
  auto ok = m_client->Post("/api/login", json{{"name", "alice"}, {"token", m_alice}}.dump(),
                           "application/json");
  EXPECT_EQ(ok->status, 200);
  auto swapped = m_client->Post("/api/login", json{{"name", "alice"}, {"token", m_bob}}.dump(),
                                "application/json");
  EXPECT_EQ(swapped->status, 401);
  auto unknown = m_client->Post("/api/login", json{{"name", "eve"}, {"token", m_alice}}.dump(),
                                "application/json");
  EXPECT_EQ(unknown->status, 401);
  auto garbage = m_client->Post("/api/login", "{not json", "application/json");
  EXPECT_EQ(garbage->status, 400);
  EXPECT_EQ(Get("/api/state", "")->status, 401);
  EXPECT_EQ(Get("/api/state", m_alice.substr(0, 31))->status, 401);
}

TEST_F(WebServerTest, AnswersHintsAndLevelOrder) {
  auto state = json::parse(Get("/api/state", m_alice)->body);
  EXPECT_EQ(state["trainee"], "alice");
  EXPECT_EQ(state["levels"][2]["locked"], true);
  // Raw HTML in the briefing is not passed through.
  EXPECT_EQ(state["briefing_html"].get<std::string>().find("<script>"), std::string::npos);
  EXPECT_EQ(Post("/api/answer", {{"level", "again"}, {"answer", "22"}}, m_alice)->status, 409);
  EXPECT_EQ(Post("/api/answer", {{"level", "port"}, {"answer", "http"}}, m_alice)->status, 422);
  auto wrong =
      json::parse(Post("/api/answer", {{"level", "port"}, {"answer", "80"}}, m_alice)->body);
  EXPECT_FALSE(wrong["correct"]);
  auto hint = json::parse(Post("/api/hint", {{"level", "port"}}, m_alice)->body);
  EXPECT_EQ(hint["state"]["levels"][1]["hints"][0], "think web");
  EXPECT_EQ(Post("/api/hint", {{"level", "port"}}, m_alice)->status, 409);  // none left
  auto right =
      json::parse(Post("/api/answer", {{"level", "port"}, {"answer", "443"}}, m_alice)->body);
  EXPECT_TRUE(right["correct"]);
  EXPECT_EQ(right["state"]["score"], 90);
  EXPECT_EQ(right["state"]["levels"][2]["locked"], false);
  // Bob loses the first level after two wrong answers and moves on with 0 for it.
  Post("/api/answer", {{"level", "port"}, {"answer", "1"}}, m_bob);
  auto lost = json::parse(Post("/api/answer", {{"level", "port"}, {"answer", "2"}}, m_bob)->body);
  EXPECT_EQ(lost["state"]["levels"][1]["lost"], true);
  auto sol = json::parse(Post("/api/solution", {{"level", "again"}}, m_bob)->body);
  EXPECT_EQ(sol["state"]["levels"][2]["solution"], "443");
  auto board = Get("/api/scoreboard", m_teacher);
  ASSERT_EQ(board->status, 200);
  auto rows = json::parse(board->body)["rows"];
  EXPECT_EQ(rows[0]["trainee"], "alice");
  EXPECT_EQ(rows[0]["score"], 90);
  EXPECT_EQ(rows[1]["wrong"], 2);
  auto csv = Get("/api/scoreboard.csv", m_teacher);
  EXPECT_NE(csv->body.find("alice,90,1,2,1,1,"), std::string::npos) << csv->body;
  EXPECT_EQ(Get("/api/scoreboard", m_alice)->status, 401);
  EXPECT_EQ(Get("/api/state", m_teacher)->status, 401);
}

TEST_F(WebServerTest, RestartKeepsEveryAnswer) {
  Post("/api/answer", {{"level", "port"}, {"answer", "80"}}, m_alice);
  Post("/api/answer", {{"level", "port"}, {"answer", "443"}}, m_alice);
  m_server->Stop();
  m_server.reset();
  Start();
  auto state = json::parse(Get("/api/state", m_alice)->body);
  EXPECT_EQ(state["levels"][1]["solved"], true);
  EXPECT_EQ(state["levels"][1]["wrong"], 1);
  EXPECT_EQ(state["score"], 100);
}

TEST_F(WebServerTest, FilesOnlyFromTheTraineesOwnPack) {
  auto own = Get("/api/file/briefing.md", m_alice);
  ASSERT_EQ(own->status, 200);
  EXPECT_EQ(own->body, "brief alice");
  EXPECT_EQ(Get("/api/file/briefing.md", m_bob)->body, "brief bob");
  EXPECT_EQ(Get("/api/file/../bob/briefing.md", m_alice)->status, 404);
  EXPECT_EQ(Get("/api/file/..%2F..%2Finstructor%2Fkey.json", m_alice)->status, 404);
  EXPECT_EQ(Get("/api/file/%2Fetc%2Fpasswd", m_alice)->status, 404);
  EXPECT_EQ(Get("/api/file/briefing.md", "")->status, 401);
}

TEST_F(WebServerTest, QueriesAreReadOnlyOwnStoreAndLimited) {
  auto top = Post("/api/query", {{"q", "top 5 srcip by bytes"}}, m_alice);
  ASSERT_EQ(top->status, 200) << top->body;
  EXPECT_NE(top->body.find("10.0.0.1"), std::string::npos);
  EXPECT_EQ(top->body.find("10.0.0.2"), std::string::npos);
  EXPECT_EQ(Post("/api/query", {{"q", "select count(*) from flows"}}, m_alice)->status, 200);
  for (std::string q : {"delete from flows", "select 1; delete from flows", "drop table flows",
                        "attach database 'x' as y", "pragma writable_schema = 1",
                        "select * from flows where 1 = 1; select 2"}) {
    auto r = Post("/api/query", {{"q", q}}, m_alice);
    EXPECT_EQ(r->status, 422) << q;
  }
  auto slow = Post("/api/query",
                   {{"q",
                     "with recursive c(x) as (select 1 union all select x + 1 from c) "
                     "select count(*) from c"}},
                   m_alice);
  EXPECT_EQ(slow->status, 422);
  EXPECT_NE(slow->body.find("too long"), std::string::npos) << slow->body;
  auto many = Post("/api/query",
                   {{"q",
                     "with recursive c(x) as (select 1 union all select x + 1 from c "
                     "limit 5000) select x from c"}},
                   m_alice);
  ASSERT_EQ(many->status, 200);
  auto body = json::parse(many->body);
  EXPECT_EQ(body["rows"].size(), 1000u);
  EXPECT_TRUE(body["truncated"]);
}

TEST_F(WebServerTest, OversizedAndMalformedRequestsAreRefused) {
  std::string big(100000, 'x');
  auto r = Post("/api/answer", {{"level", "port"}, {"answer", big}}, m_alice);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  auto bad = m_client->Post("/api/answer", {{"Authorization", "Bearer " + m_alice}}, "[1,2]",
                            "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Post("/api/answer", {{"level", 3}}, m_alice)->status, 400);
}

}  // namespace
}  // namespace vantage::training
