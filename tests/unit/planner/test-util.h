// Shared fixtures for the planner tests: a hand-built problem with known answers and
// temporary directories.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "vantage/planner/problem.h"
#include "vantage/test/temp-dir.h"

namespace vantage::planner::test {

/// A temporary directory removed with its contents (tests/support).
using TempDir = ::vantage::test::TempDir;

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Four flows, two points (see planner-test.cc for the expected numbers):
///  f0 weight 1, 100 B, north-south, NATted          seen at A (post-NAT, logged), B (direct)
///  f1 weight 2, 300 B, east-west, critical (w 2)     seen at A (direct), B (direct)
///  f2 weight 1, 600 B, north-south, behaviour c2    seen at A (post-NAT, not logged)
///  f3 weight 4, 1000 B, east-west                    seen at B
inline Problem HandProblem() {
  Problem p;
  p.behaviours = {"c2_beacon"};
  p.assets = {"git"};
  p.dayFactor = 1;
  p.flows = {
      {1, 100, true, 0, -1, -1, true},
      {2, 300, false, 2, 0, -1, false},
      {1, 600, true, 0, -1, 0, true},
      {4, 1000, false, 0, -1, -1, false},
  };
  PointInfo a;
  a.name = "A";
  a.node = "fw";
  a.canFull = true;
  a.costFlow = 1;
  a.costFull = 5;
  a.hits = {{0, 2, false, true, 1.0f}, {1, 1, true, false, 1.0f}, {2, 1, false, false, 1.0f}};
  a.recordsPerDay = 10;
  a.bytesPerRecord = 50;
  a.flowBytesPerDay = 500;
  a.pcapBytesPerDay = 2000;
  PointInfo b;
  b.name = "B";
  b.node = "core";
  b.canFull = false;
  b.costFlow = 2;
  b.hits = {{0, 1, true, false, 1.0f}, {1, 1, true, false, 1.0f}, {3, 2, true, false, 1.0f}};
  b.recordsPerDay = 20;
  b.bytesPerRecord = 50;
  b.flowBytesPerDay = 1000;
  p.points = {a, b};
  p.constraints.storageBytes = 1e6;
  p.constraints.flowRetentionDays = 100;
  p.constraints.fullRetentionDays = 10;
  return p;
}

}  // namespace vantage::planner::test
