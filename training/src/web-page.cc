// The class web page: plain HTML and JavaScript over the JSON API (no external resources, so
// it works on a classroom network with no Internet access).
#include "vantage/training/web-server.h"

namespace vantage::training {

const std::string& WebPageHtml() {
  static const std::string kPage = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vantage exercise</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}
header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:1px solid #ccc}
.level{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:.8rem 0}
.locked{color:#999}.solved{border-color:#3a3}.lost{border-color:#c33}
.feedback{font-weight:bold}.ok{color:#282}.bad{color:#b22}
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ddd;padding:2px 6px}
textarea,input[type=text]{width:100%;box-sizing:border-box;font-family:monospace}
button{margin:.3rem .3rem .3rem 0}
</style></head><body>
<header><h1 id="title">Vantage exercise</h1><div id="score"></div></header>
<section id="login">
  <h2>Log in</h2>
  <label>Name <input id="login-name" type="text" autocomplete="username"></label>
  <label>Token <input id="login-token" type="text" autocomplete="off"></label>
  <button id="login-button">Log in</button> <span id="login-error" class="bad"></span>
</section>
<section id="trainee" hidden>
  <h2>Briefing</h2><div id="briefing"></div>
  <h2>Your data</h2><ul id="files"></ul>
  <h2>Levels</h2><div id="levels"></div>
  <h2>Query your store</h2>
  <input id="query-text" type="text" placeholder="top 10 srcip by bytes where dstport = 443">
  <button id="query-button">Run</button> <span id="query-error" class="bad"></span>
  <div id="query-result"></div>
</section>
<section id="instructor" hidden>
  <h2>Scoreboard</h2><div id="scoreboard"></div>
  <button id="csv-button">Download CSV</button>
</section>
<script>
"use strict";
let token = sessionStorage.getItem("vantage-token") || "";
let role = sessionStorage.getItem("vantage-role") || "";
const $ = (id) => document.getElementById(id);
function esc(s) { const d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }
async function api(method, path, body) {
  const r = await fetch(path, {method, headers: {"Authorization": "Bearer " + token,
    "Content-Type": "application/json"}, body: body === undefined ? undefined : JSON.stringify(body)});
  const j = await r.json().catch(() => ({error: "bad reply"}));
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}
async function login(name, tok) {
  const r = await fetch("/api/login", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({name, token: tok})});
  const j = await r.json();
  if (!r.ok) { $("login-error").textContent = j.error; return; }
  token = tok; role = j.role;
  sessionStorage.setItem("vantage-token", token); sessionStorage.setItem("vantage-role", role);
  start();
}
function table(columns, rows) {
  let h = "<table><tr>" + columns.map((c) => "<th>" + esc(c) + "</th>").join("") + "</tr>";
  for (const r of rows) h += "<tr>" + r.map((c) => "<td>" + esc(c) + "</td>").join("") + "</tr>";
  return h + "</table>";
}
function levelHtml(l) {
  if (l.locked) return `<div class="level locked"><h3>${esc(l.title)}</h3>locked</div>`;
  if (!l.question) return `<div class="level"><h3>${esc(l.title)}</h3>${l.html}</div>`;
  const cls = l.solved ? "solved" : l.lost ? "lost" : "";
  let h = `<div class="level ${cls}" id="level-${esc(l.id)}"><h3>${esc(l.title)}</h3>${l.html}`;
  h += `<p>Answer: ${esc(l.type)} — score ${l.score} of ${l.max_score}` +
       (l.max_wrong ? `, wrong answers ${l.wrong} of ${l.max_wrong} allowed` : "") + "</p>";
  for (const t of l.hints) h += `<p class="hint">Hint: ${esc(t)}</p>`;
  if (l.solution !== undefined && l.solution !== "") h += `<p class="solution">Solution: ${esc(l.solution)}</p>`;
  if (!l.solved && !l.lost) {
    if (l.type === "choice") {
      h += `<select id="answer-${esc(l.id)}">` + l.choices.map((c) => `<option>${esc(c)}</option>`).join("") + "</select>";
    } else if (l.type === "flows") {
      h += `<textarea id="answer-${esc(l.id)}" rows="4" placeholder="10.0.0.5:49152 -> 203.0.113.9:443 tcp (one a line), or a filter: dstport = 443 and srcip = 10.0.0.5"></textarea>` +
           `<label><input type="checkbox" id="filter-${esc(l.id)}"> it is a filter</label>`;
    } else {
      h += `<input type="text" id="answer-${esc(l.id)}">`;
    }
    h += `<br><button data-act="answer" data-level="${esc(l.id)}" id="submit-${esc(l.id)}">Submit</button>`;
    if (l.hints_left > 0) h += `<button data-act="hint" data-level="${esc(l.id)}">Hint (−${l.next_hint_penalty})</button>`;
    if (l.solution_available && l.solution === undefined) h += `<button data-act="solution" data-level="${esc(l.id)}">Reveal solution (−${l.solution_penalty})</button>`;
  } else {
    h += `<p class="feedback ${l.solved ? "ok" : "bad"}">${l.solved ? "Solved" : "Lost: too many wrong answers"}</p>`;
  }
  return h + `<p class="feedback" id="feedback-${esc(l.id)}"></p></div>`;
}
function render(s) {
  $("title").textContent = s.title;
  $("score").textContent = `${s.trainee}: ${s.score} / ${s.max_score}` + (s.finished ? " — finished" : "");
  $("briefing").innerHTML = s.briefing_html;
  $("files").innerHTML = s.files.map((f) => `<li><a href="#" data-file="${esc(f)}">${esc(f)}</a></li>`).join("");
  $("levels").innerHTML = s.levels.map(levelHtml).join("");
}
async function act(kind, level) {
  const fb = () => $("feedback-" + level);
  try {
    let body = {level};
    if (kind === "answer") {
      const v = $("answer-" + level).value;
      const f = $("filter-" + level);
      if (f && f.checked) body.filter = v; else body.answer = v;
    }
    const r = await api("POST", "/api/" + kind, body);
    render(r.state);
    if (kind === "answer") { fb().textContent = r.feedback; fb().className = "feedback " + (r.correct ? "ok" : "bad"); }
  } catch (e) { if (fb()) { fb().textContent = e.message; fb().className = "feedback bad"; } }
}
async function download(name) {
  const r = await fetch("/api/file/" + encodeURIComponent(name).replace(/%2F/g, "/"),
                        {headers: {"Authorization": "Bearer " + token}});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await r.blob()); a.download = name.split("/").pop(); a.click();
}
async function scoreboard() {
  const s = await api("GET", "/api/scoreboard");
  $("title").textContent = s.exercise + " — instructor";
  $("scoreboard").innerHTML = table(["trainee", "score", "levels done", "hints", "wrong", "last activity"],
    s.rows.map((r) => [r.trainee, r.score + " / " + s.max_score, r.levels_done + " / " + r.questions,
                       r.hints, r.wrong, r.last_ms ? new Date(r.last_ms).toISOString() : "—"]));
}
async function start() {
  $("login").hidden = true;
  if (role === "instructor") {
    $("instructor").hidden = false; await scoreboard(); setInterval(scoreboard, 3000); return;
  }
  $("trainee").hidden = false;
  render(await api("GET", "/api/state"));
}
document.addEventListener("click", (e) => {
  const t = e.target;
  if (t.dataset && t.dataset.act) act(t.dataset.act, t.dataset.level);
  if (t.dataset && t.dataset.file) { e.preventDefault(); download(t.dataset.file); }
});
$("login-button").onclick = () => login($("login-name").value.trim(), $("login-token").value.trim());
$("query-button").onclick = async () => {
  $("query-error").textContent = "";
  try {
    const r = await api("POST", "/api/query", {q: $("query-text").value});
    $("query-result").innerHTML = table(r.columns, r.rows) + (r.truncated ? "<p>(rows cut)</p>" : "");
  } catch (e) { $("query-error").textContent = e.message; }
};
$("csv-button").onclick = async () => {
  const r = await fetch("/api/scoreboard.csv", {headers: {"Authorization": "Bearer " + token}});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await r.blob()); a.download = "scoreboard.csv"; a.click();
};
const frag = new URLSearchParams(location.hash.slice(1));
if (frag.get("name") && frag.get("token")) { history.replaceState(null, "", "/"); login(frag.get("name"), frag.get("token")); }
else if (token) start().catch(() => { sessionStorage.clear(); location.reload(); });
</script></body></html>
)HTML";
  return kPage;
}

}  // namespace vantage::training
