// Cloud flow-log benchmark helper (run by run-flow-log-bench.sh, not a test):
//   gen N FILE          write N deterministic AWS VPC flow-log lines, format version 5
//   parse FILE [lean]   read them (lean: without the native fields): records per CPU-second
//   ingest FILE DB      read and store them in one process: records per CPU-second
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "vantage/collector/flow-log-ingest.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace {

using namespace vantage;
namespace fl = wire::flowlog;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Record i: 65,536 sources behind 4,096 interfaces, 1,024 destinations, TCP/UDP/ICMP mix,
// over one hour of 60 s windows in window order (as AWS delivers them); one in 200 is a NODATA
// window.
fl::FlowLogRecord Make(uint64_t i, uint64_t n) {
  fl::FlowLogRecord r;
  const uint32_t x = static_cast<uint32_t>(i * 2654435761u);
  const uint64_t window = i * 60 / n;
  r.interfaceId = "eni-" + std::to_string(100000000000000000ULL + x % 4096);
  r.instanceId = "i-" + std::to_string(200000000000000000ULL + x % 4096);
  r.subnetId = "subnet-0a11b22c33d44e5" + std::to_string(x % 8);
  r.zone = "use1-az" + std::to_string(1 + x % 3);
  r.start = core::Timestamp::FromSeconds(1700000000 + static_cast<int64_t>(window * 60 + x % 50));
  r.end = core::Timestamp::FromSeconds(r.start.Seconds() + static_cast<int64_t>(x % 10));
  if (i % 200 == 199) {
    r.logStatus = fl::LogStatus::kNoData;
    return r;
  }
  r.src = core::IpAddress::V4(0x0a000000u | (x & 0xffffu));
  r.dst = core::IpAddress::V4(0xac100000u | ((x >> 16) & 0x3ffu));
  const uint32_t kind = x % 10;
  r.protocol = kind < 7 ? 6 : kind < 9 ? 17 : 1;
  r.srcPort = r.protocol == 1 ? 0 : static_cast<uint16_t>(32768 + x % 28000);
  r.dstPort = r.protocol == 1 ? 0 : kind < 7 ? 443 : 53;
  r.packets = 1 + x % 97;
  r.octets = r.packets * (60 + x % 1400);
  r.tcpFlags = r.protocol == 6 ? 19 : 0;
  r.action = x % 50 == 0 ? fl::Action::kReject : fl::Action::kAccept;
  r.direction = x % 2 ? fl::Direction::kIngress : fl::Direction::kEgress;
  r.trafficPath = r.direction == fl::Direction::kEgress ? 1 : 0;
  return r;
}

int Gen(uint64_t n, const char* path) {
  fl::Settings s = fl::Settings::Defaults(fl::Provider::kAws);
  s.awsVersion = 5;
  s.account = "123456789010";
  s.region = "us-east-1";
  s.network = "vpc-0f00ba11c0ffee123";
  std::ofstream out(path, std::ios::binary);
  const uint64_t chunk = 50000;
  for (uint64_t i = 0; i < n; i += chunk) {
    std::vector<fl::FlowLogRecord> rs;
    for (uint64_t k = i; k < n && k < i + chunk; ++k) rs.push_back(Make(k, n));
    std::string text = fl::WriteFile(fl::FileFormat::kAwsVpc, s, rs);
    out << (i == 0 ? text : text.substr(text.find('\n') + 1));  // one header line
  }
  return out.good() ? 0 : 1;
}

std::string ReadAll(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int Parse(const char* path, bool lean) {
  std::string text = ReadAll(path);
  fl::ParseOptions o;
  o.keepNative = !lean;
  uint64_t n = 0;
  const double c0 = CpuSeconds();
  auto rr = fl::ParseFile(
      fl::FileFormat::kAwsVpc, text, [&n](fl::FlowLogRecord&) { ++n; }, o);
  const double cpu = CpuSeconds() - c0;
  std::printf("parse%s: %llu records, %zu errors, %.2f CPU-s, %.0f records/CPU-s\n",
              lean ? " (lean)" : " (native fields)", static_cast<unsigned long long>(n),
              rr.errors.size(), cpu, static_cast<double>(n) / cpu);
  return rr.fatal.empty() ? 0 : 1;
}

int Ingest(const char* path, const char* db) {
  collector::StoreConfig cfg;
  cfg.asyncWrite = true;
  cfg.waitWhenFull = true;
  auto store = collector::Store::Open(db, cfg);
  if (!store) return 1;
  const double c0 = CpuSeconds();
  auto report = collector::IngestFlowLogFile(**store, path, fl::FileFormat::kAwsVpc);
  if (!report || !(*store)->Close()) return 1;
  const double cpu = CpuSeconds() - c0;
  std::printf("ingest in-process: %llu records, %.2f CPU-s, %.0f records/CPU-s\n",
              static_cast<unsigned long long>(report->records), cpu,
              static_cast<double>(report->records) / cpu);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::strcmp(argv[1], "gen") == 0) return Gen(std::stoull(argv[2]), argv[3]);
  if (argc >= 3 && std::strcmp(argv[1], "parse") == 0) return Parse(argv[2], argc >= 4);
  if (argc >= 4 && std::strcmp(argv[1], "ingest") == 0) return Ingest(argv[2], argv[3]);
  std::cerr << "usage: vantage_bench_flow_log gen N FILE | parse FILE [lean] | ingest FILE DB\n";
  return 2;
}
