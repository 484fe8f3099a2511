// Report rendering: one document model, two renderers (Markdown and HTML).
#include "vantage/conformance/report.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "vantage/core/svg-writer.h"

namespace vantage::conformance {
namespace {

std::string Num(double v, const char* fmt = "%.6g") {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}
std::string Pct(double v) {
  return Num(v * 100.0, "%+.3f %%");
}
std::string U(uint64_t v) {
  return std::to_string(v);
}

Block Heading(std::string t) {
  return {Block::Kind::kHeading, std::move(t), {}, {}};
}
Block Para(std::string t) {
  return {Block::Kind::kParagraph, std::move(t), {}, {}};
}
Block List(std::vector<std::string> items) {
  return {Block::Kind::kList, "", std::move(items), {}};
}
Block Table(std::vector<std::string> head, std::vector<std::vector<std::string>> rows) {
  return {Block::Kind::kTable, "", std::move(head), std::move(rows)};
}

std::vector<std::string> TotalsRow(const std::string& name, const Totals& t) {
  return {name,
          U(t.expectedFlows),
          U(t.actualFlows),
          Pct(t.FlowError()),
          U(t.expectedPackets),
          U(t.actualPackets),
          Pct(t.PacketError()),
          U(t.expectedOctets),
          U(t.actualOctets),
          Pct(t.OctetError())};
}

void Summary(Document& d, const Score& s, const std::vector<Regression>& regressions) {
  std::string verdict = !s.scoreable ? "could not be scored"
                        : s.conforms ? "conforms to its declaration"
                                     : "does not conform to its declaration";
  d.blocks.push_back(Para("Exporter **" + s.exporter + "** " + verdict + " on `" + s.input + "`."));
  if (!s.problems.empty()) {
    d.blocks.push_back(Heading("Problems"));
    d.blocks.push_back(List(s.problems));
  }
  if (!s.failures.empty()) {
    d.blocks.push_back(Heading("Why it does not conform"));
    d.blocks.push_back(List(s.failures));
  }
  if (!regressions.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : regressions)
      rows.push_back({r.metric, Num(r.baseline), Num(r.current), Num(r.tolerance)});
    d.blocks.push_back(Heading("Regressions against the baseline"));
    d.blocks.push_back(Table({"metric", "baseline", "now", "tolerance"}, rows));
  }
}

void Counters(Document& d, const Score& s) {
  d.blocks.push_back(Heading("Flows, packets and bytes"));
  std::vector<std::vector<std::string>> rows = {TotalsRow("all", s.totals)};
  for (const auto& [name, t] : s.classes) rows.push_back(TotalsRow(name, t));
  d.blocks.push_back(Table({"class", "expected flows", "exported", "error", "expected packets",
                            "exported", "error", "expected bytes", "exported", "error"},
                           rows));
  d.blocks.push_back(Heading("Records"));
  d.blocks.push_back(
      Table({"matched", "missing", "unexpected", "split", "merged", "counter errors"},
            {{U(s.matched), U(s.missing), U(s.unexpected), U(s.split), U(s.merged),
              U(s.counterErrors)}}));
  if (s.allowedMissing > 0)
    d.blocks.push_back(Para("Sampling: up to " + Num(s.allowedMissing, "%.1f") +
                            " missing records and a total packet error of " +
                            Num(s.packetBound, "%.0f") + " packets are within the bound."));
}

void Fields(Document& d, const Score& s) {
  d.blocks.push_back(Heading("Field checks"));
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, f] : s.fields) rows.push_back({name, U(f.checked), U(f.failed)});
  d.blocks.push_back(Table({"field", "checked", "failed"}, rows));
  d.blocks.push_back(Heading("Timestamp errors (ms, matched records)"));
  auto row = [](const char* n, const ErrorDistribution& e) {
    return std::vector<std::string>{n,
                                    U(e.count),
                                    Num(e.mean, "%.3f"),
                                    Num(e.p50, "%.3f"),
                                    Num(e.p90, "%.3f"),
                                    Num(e.p99, "%.3f"),
                                    Num(e.max, "%.3f"),
                                    Num(e.toleranceMs, "%.3f"),
                                    U(e.outOfTolerance)};
  };
  d.blocks.push_back(
      Table({"", "records", "mean (signed)", "p50", "p90", "p99", "max", "tolerance", "beyond"},
            {row("start", s.startError), row("end", s.endError)}));
  d.blocks.push_back(Heading("Timeouts inferred from the output"));
  auto trow = [](const char* n, const InferredTimeout& t) {
    return std::vector<std::string>{
        n, t.declaredS == 0 ? "none" : Num(t.declaredS), Num(t.lowerS, "%.3f"),
        t.upperS < 0 ? "-" : Num(t.upperS, "%.3f"), t.consistent ? "yes" : "no: " + t.note};
  };
  d.blocks.push_back(Table({"timeout", "declared (s)", "at least (s)", "at most (s)", "consistent"},
                           {trow("inactive", s.inactive), trow("active", s.active)}));
}

void Cases(Document& d, const Score& s) {
  if (s.cases.empty()) return;
  d.blocks.push_back(Heading("Edge cases"));
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : s.cases)
    rows.push_back(
        {c.name, c.pass ? "pass" : "FAIL", U(c.expected), U(c.matched), c.reason, c.description});
  d.blocks.push_back(
      Table({"case", "verdict", "expected", "matched", "findings", "what it tests"}, rows));
}

void Run(Document& d, const Score& s) {
  d.blocks.push_back(Heading("Run"));
  std::vector<std::string> items;
  if (!s.run.command.empty()) items.push_back("command: `" + s.run.command + "`");
  items.push_back("exit status " + std::to_string(s.run.exitStatus) +
                  (s.run.timedOut ? ", killed after the timeout" : "") +
                  (s.run.crashed ? ", crashed" : "") + ", " + Num(s.run.wallS, "%.1f") + " s");
  items.push_back(U(s.run.datagrams) + " datagrams, " + U(s.run.decodedRecords) +
                  " records decoded, " + U(s.run.malformed) + " malformed, " +
                  U(s.run.sequenceLost) + " lost in transit (sequence numbers)");
  d.blocks.push_back(List(items));
  if (!s.examples.empty()) {
    d.blocks.push_back(Heading("Examples of differences"));
    d.blocks.push_back(List(s.examples));
  }
  d.blocks.push_back(Heading("Declaration scored against"));
  d.blocks.push_back(Para("```\n" + s.declaration + "```"));
}

std::string Escape(const std::string& s) {
  return core::XmlEscape(s);
}

/// Inline markup of our own text: **bold** and `code`.
std::string Inline(const std::string& s) {
  std::string e = Escape(s), o;
  bool bold = false, code = false;
  for (size_t i = 0; i < e.size(); ++i) {
    if (e.compare(i, 2, "**") == 0) {
      o += bold ? "</b>" : "<b>";
      bold = !bold;
      ++i;
    } else if (e[i] == '`') {
      o += code ? "</code>" : "<code>";
      code = !code;
    } else {
      o += e[i];
    }
  }
  return o;
}

std::string Cell(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

}  // namespace

Document BuildReport(const Score& s, const std::vector<Regression>& regressions) {
  Document d;
  d.title = "Conformance of " + s.exporter;
  Summary(d, s, regressions);
  Counters(d, s);
  Fields(d, s);
  Cases(d, s);
  Run(d, s);
  return d;
}

std::string RenderMarkdown(const Document& doc) {
  std::string o = "# " + doc.title + "\n\n";
  for (const auto& b : doc.blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        o += "## " + b.text + "\n\n";
        break;
      case Block::Kind::kParagraph:
        o += b.text + "\n\n";
        break;
      case Block::Kind::kList:
        for (const auto& i : b.items) o += "- " + i + "\n";
        o += "\n";
        break;
      case Block::Kind::kTable: {
        o += "|";
        for (const auto& h : b.items) o += " " + Cell(h) + " |";
        o += "\n|";
        for (size_t i = 0; i < b.items.size(); ++i) o += "---|";
        o += "\n";
        for (const auto& r : b.rows) {
          o += "|";
          for (const auto& c : r) o += " " + Cell(c) + " |";
          o += "\n";
        }
        o += "\n";
        break;
      }
    }
  }
  return o;
}

std::string RenderHtml(const Document& doc) {
  std::string o = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                  Escape(doc.title) +
                  "</title><style>body{font-family:sans-serif;margin:2em;max-width:80em}"
                  "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
                  "text-align:right}td:first-child{text-align:left}pre{background:#f4f4f4;"
                  "padding:1em}</style></head><body>\n<h1>" +
                  Escape(doc.title) + "</h1>\n";
  for (const auto& b : doc.blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        o += "<h2>" + Escape(b.text) + "</h2>\n";
        break;
      case Block::Kind::kParagraph:
        if (b.text.rfind("```", 0) == 0)
          o += "<pre>" + Escape(b.text.substr(4, b.text.size() - 7)) + "</pre>\n";
        else
          o += "<p>" + Inline(b.text) + "</p>\n";
        break;
      case Block::Kind::kList:
        o += "<ul>";
        for (const auto& i : b.items) o += "<li>" + Inline(i) + "</li>";
        o += "</ul>\n";
        break;
      case Block::Kind::kTable:
        o += "<table><tr>";
        for (const auto& h : b.items) o += "<th>" + Escape(h) + "</th>";
        o += "</tr>\n";
        for (const auto& r : b.rows) {
          o += "<tr>";
          for (const auto& c : r) o += "<td>" + Escape(c) + "</td>";
          o += "</tr>\n";
        }
        o += "</table>\n";
        break;
    }
  }
  return o + "</body></html>\n";
}

core::Status WriteReports(const std::string& dir, const Score& s,
                          const std::vector<Regression>& regressions) {
  mkdir(dir.c_str(), 0755);
  Document doc = BuildReport(s, regressions);
  const std::pair<std::string, std::string> files[] = {
      {"score.json", nlohmann::json(s).dump(2) + "\n"},
      {"report.md", RenderMarkdown(doc)},
      {"report.html", RenderHtml(doc)}};
  for (const auto& [name, body] : files) {
    std::ofstream out(dir + "/" + name, std::ios::binary);
    out << body;
    if (!out) return core::MakeError(core::ErrorCode::kIo, dir + "/" + name + ": cannot write");
  }
  return {};
}

}  // namespace vantage::conformance
