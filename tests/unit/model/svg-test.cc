// SVG drawing: well-formed, complete (title, legend, every node and point), the planner's
// colour hook, escaping, determinism; and the topology generator.
#include <gtest/gtest.h>

#include <vector>

#include "vantage/model/generator.h"
#include "vantage/model/svg-map.h"
#include "vantage/model/topology.h"

using namespace vantage::model;

namespace {

/// Minimal XML well-formedness: tags nest and close, attributes are quoted, no stray '<' or
/// '&' in text.
bool WellFormed(const std::string& s, std::string& why) {
  std::vector<std::string> stack;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '&') {
      size_t semi = s.find(';', i);
      if (semi == std::string::npos || semi - i > 8) {
        why = "bare & at " + std::to_string(i);
        return false;
      }
      i = semi + 1;
      continue;
    }
    if (s[i] != '<') {
      ++i;
      continue;
    }
    if (s.compare(i, 2, "<?") == 0) {
      i = s.find("?>", i);
      if (i == std::string::npos) return false;
      i += 2;
      continue;
    }
    size_t end = i + 1;
    char quote = 0;
    while (end < s.size() && (quote || s[end] != '>')) {
      if (quote && s[end] == quote)
        quote = 0;
      else if (!quote && (s[end] == '\'' || s[end] == '"'))
        quote = s[end];
      else if (!quote && s[end] == '<') {
        why = "'<' inside a tag at " + std::to_string(end);
        return false;
      }
      ++end;
    }
    if (end >= s.size()) {
      why = "unterminated tag";
      return false;
    }
    std::string tag = s.substr(i + 1, end - i - 1);
    if (tag[0] == '/') {
      std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name) {
        why =
            "closing </" + name + "> does not match <" + (stack.empty() ? "" : stack.back()) + ">";
        return false;
      }
      stack.pop_back();
    } else if (tag.back() != '/') {
      stack.push_back(tag.substr(0, tag.find_first_of(" \t\n")));
    }
    i = end + 1;
  }
  if (!stack.empty()) why = "unclosed <" + stack.back() + ">";
  return stack.empty();
}

Topology Enterprise() {
  Diagnostics d;
  auto t = LoadTopology(std::string(VANTAGE_SOURCE_DIR) + "/topologies/enterprise.yaml", d);
  EXPECT_TRUE(t.Ok()) << d.ToString();
  return *t;
}

}  // namespace

TEST(Svg, EnterpriseDrawingIsCompleteAndWellFormed) {
  Topology t = Enterprise();
  std::string svg = RenderSvg(t);
  std::string why;
  EXPECT_TRUE(WellFormed(svg, why)) << why;
  EXPECT_NE(svg.find("Topology: enterprise"), std::string::npos);
  EXPECT_NE(svg.find(">Legend<"), std::string::npos);
  EXPECT_NE(svg.find("candidate aggregation point"), std::string::npos);
  EXPECT_NE(svg.find("critical asset"), std::string::npos);
  for (const auto& n : t.nodes)
    EXPECT_NE(svg.find(">" + n.name + "<"), std::string::npos) << n.name;
  for (const auto& c : t.candidates) EXPECT_NE(svg.find(">" + c.name), std::string::npos) << c.name;
  for (const auto& z : t.zones)
    EXPECT_NE(svg.find(">" + z.name + "<"), std::string::npos) << z.name;
  EXPECT_EQ(svg, RenderSvg(t)) << "rendering must be deterministic";
}

TEST(Svg, PointStyleHookAndLegendOverride) {
  Topology t = Enterprise();
  SvgOptions opt;
  opt.title = "Plan <A&B>";
  opt.pointStyles["fw-inside"] = {"#2e9d4f", "#1b5e2f", "flow export", "sees 62% of flows"};
  opt.pointLegend = {{"#2e9d4f", "flow export"}, {"#d93025", "full capture"}};
  std::string svg = RenderSvg(t, opt);
  std::string why;
  EXPECT_TRUE(WellFormed(svg, why)) << why;
  EXPECT_NE(svg.find("Plan &lt;A&amp;B&gt;"), std::string::npos);
  EXPECT_NE(svg.find("fill='#2e9d4f'"), std::string::npos);
  EXPECT_NE(svg.find("fw-inside: flow export"), std::string::npos);
  EXPECT_NE(svg.find("sees 62% of flows"), std::string::npos);
  EXPECT_NE(svg.find(">full capture<"), std::string::npos);
  EXPECT_EQ(svg.find("candidate aggregation point"), std::string::npos);
}

TEST(Svg, LargeZonesAreSummarised) {
  GeneratorOptions g;
  g.hosts = 20000;
  Diagnostics d;
  auto t = ParseTopology(GenerateTopologyYaml(g), "gen", d);
  ASSERT_TRUE(t.Ok()) << d.ToString();
  SvgOptions opt;
  opt.maxNodesPerZone = 5;
  std::string svg = RenderSvg(*t, opt);
  std::string why;
  EXPECT_TRUE(WellFormed(svg, why)) << why;
  EXPECT_NE(svg.find("more nodes"), std::string::npos);
}

// The planner draws every plan map with RenderSvg and has no fallback: it must not throw on
// any loaded topology, whatever the options, and names with markup, quotes and UTF-8 stay
// well formed.
TEST(Svg, NeverThrowsOnValidTopologies) {
  Topology base = Enterprise();
  for (size_t cap : {size_t{0}, size_t{1}, size_t{2}}) {
    Topology t = base;
    t.name = "Zürich <R&D> \"lab\" 'east'";
    t.nodes.front().name += " ×2 <&>";
    SvgOptions opt;
    opt.maxNodesPerZone = cap;
    opt.showSubnets = cap != 1;
    std::string svg;
    ASSERT_NO_THROW(svg = RenderSvg(t, opt)) << "maxNodesPerZone " << cap;
    std::string why;
    EXPECT_TRUE(WellFormed(svg, why)) << why;
    EXPECT_NE(svg.find("more nodes"), std::string::npos);
    EXPECT_NE(svg.find("Zürich &lt;R&amp;D&gt; &quot;lab&quot; &#39;east&#39;"), std::string::npos);
  }
  Topology empty;
  empty.name = "empty";
  std::string why;
  EXPECT_TRUE(WellFormed(RenderSvg(empty), why)) << why;
}

// Long names are drawn whole: nothing is cut at a fixed buffer size.
TEST(Svg, LongNamesAreNotCut) {
  Topology t = Enterprise();
  std::string longName(700, 'n');
  longName += "-end";
  t.nodes.front().name = longName;
  std::string svg = RenderSvg(t);
  EXPECT_NE(svg.find(">" + longName + "</text>"), std::string::npos);
}

TEST(Generator, DeterministicValidAndSized) {
  GeneratorOptions g;
  g.hosts = 5000;
  g.seed = 3;
  std::string a = GenerateTopologyYaml(g);
  EXPECT_EQ(a, GenerateTopologyYaml(g));
  g.seed = 4;
  EXPECT_NE(a, GenerateTopologyYaml(g));
  Diagnostics d;
  auto t = ParseTopology(a, "gen", d);
  ASSERT_TRUE(t.Ok()) << d.ToString();
  EXPECT_EQ(d.items.size(), 0u) << d.ToString();
  uint64_t hosts = 0;
  for (const auto& n : t->nodes) {
    if (n.kind == NodeKind::kHostGroup) {
      hosts += n.count;
      EXPECT_LE(n.simulate, n.count);
    }
  }
  EXPECT_EQ(hosts, 5000u);
  EXPECT_FALSE(t->candidates.empty());
}
