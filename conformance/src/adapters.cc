// The built-in adapters: how each exporter is run on a pcap and what it then does, as a
// declaration (the settings passed on its command line plus its documented behaviour).
#include <fstream>
#include <sstream>

#include "vantage/conformance/runner.h"

namespace vantage::conformance {
namespace {

Declaration Base(const std::string& name) {
  Declaration d = DefaultDeclaration();
  d.exporter = name;
  return d;
}

Adapter Vantage() {
  Adapter a;
  a.name = "vantage";
  a.description = "vantage export (IPFIX over UDP)";
  a.command =
      "{vantage} export -r {pcap} --to ipfix+udp://{host}:{port} --active 1800 --inactive 15 "
      "--cache-size 65536 --quiet";
  a.declaration = Base("vantage");
  a.declaration.notes =
      "vantage export with its defaults: active 1800 s, inactive 15 s, cache "
      "65536, FIN/RST end a record, uniflow, millisecond timestamps";
  return a;
}

Adapter Softflowd() {
  Adapter a;
  a.name = "softflowd";
  a.description = "softflowd 1.1 reading the file (IPFIX over UDP)";
  a.executable = "softflowd";
  a.command =
      "softflowd -r {pcap} -d -c none -a -A milli -v 10 -n {host}:{port} -m 65536 "
      "-t maxlife=1800";
  Declaration& d = a.declaration = Base("softflowd");
  d.inactiveTimeout = core::Duration{};  // no idle timeout in file mode
  d.activeTimeout = core::Duration::Seconds(1800);
  d.tcpEnd = TcpEnd::kNone;
  d.cacheSize = 65536;
  d.direction = Direction::kPerDirection;
  d.fields = {Field::kPackets, Field::kOctets, Field::kStart,    Field::kEnd,
              Field::kPorts,   Field::kIcmp,   Field::kTcpFlags, Field::kTos};
  d.notes =
      "-r FILE -d -c none -a -A milli: no idle timeout in file mode, maxlife 1800 s, "
      "table 65536, bidirectional entries exported as one record per direction";
  return a;
}

Adapter Pmacctd() {
  Adapter a;
  a.name = "pmacctd";
  a.description = "pmacctd 1.7 with the nfprobe plugin (IPFIX over UDP)";
  a.executable = "pmacctd";
  a.command = "pmacctd -f {conf}";
  a.configFile =
      "daemonize: false\n"
      "pcap_savefile: {pcap}\n"
      "pcap_savefile_wait: false\n"
      "plugins: nfprobe\n"
      "nfprobe_receiver: {host}:{port}\n"
      "nfprobe_version: 10\n"
      "nfprobe_timeouts: tcp=15:udp=15:icmp=15:general=15:maxlife=1800:expint=1\n"
      "nfprobe_maxflows: 65536\n"
      "plugin_pipe_size: 10240000\n"
      "plugin_buffer_size: 10240\n";
  Declaration& d = a.declaration = Base("pmacctd");
  d.inactiveTimeout = core::Duration{};  // like softflowd, no idle expiry reading a file
  d.activeTimeout = core::Duration::Seconds(1800);
  d.tcpEnd = TcpEnd::kNone;
  d.cacheSize = 65536;
  d.direction = Direction::kPerDirection;
  d.fields = {Field::kPackets, Field::kOctets, Field::kStart,    Field::kEnd,
              Field::kPorts,   Field::kIcmp,   Field::kTcpFlags, Field::kTos};
  d.notes =
      "nfprobe (softflowd's table, 65536 flows) configured with timeouts 15 s and "
      "maxlife 1800 s; reading a file it applies no idle timeout; pcap_savefile_wait "
      "false, so pmacctd exits at the end of the file and its plugin exports what it "
      "holds (with wait true its final flush fails with 'Connection refused')";
  return a;
}

Adapter Nfpcapd() {
  Adapter a;
  a.name = "nfpcapd";
  a.description = "nfpcapd 1.7 (nfdump) writing nfcapd files, read back with nfdump";
  a.executable = "nfpcapd";
  a.command = "mkdir -p {out} && nfpcapd -r {pcap} -w {out} -e 1800,15";
  a.output = OutputKind::kNfdump;
  Declaration& d = a.declaration = Base("nfpcapd");
  d.inactiveTimeout = core::Duration::Seconds(15);
  d.activeTimeout = core::Duration::Seconds(1800);
  d.tcpEnd = TcpEnd::kImmediate;
  d.cacheSize = 0;
  d.fields = {Field::kPackets, Field::kOctets, Field::kStart,    Field::kEnd,
              Field::kPorts,   Field::kIcmp,   Field::kTcpFlags, Field::kTos};
  d.notes = "-e 1800,15 (active, inactive); node cache 524288 (unbounded for our inputs)";
  return a;
}

Adapter Argus() {
  Adapter a;
  a.name = "argus";
  a.description = "argus 3.0.8 writing an argus file, read back with ra";
  a.executable = "argus";
  a.command = "argus -r {pcap} -w {out} -S 60";
  a.output = OutputKind::kArgus;
  Declaration& d = a.declaration = Base("argus");
  d.inactiveTimeout = core::Duration::Seconds(30);
  d.activeTimeout = core::Duration::Seconds(60);
  d.tcpEnd = TcpEnd::kNone;
  d.cacheSize = 0;
  d.direction = Direction::kBiflow;
  d.keyTos = false;
  d.octets = OctetLayer::kFrame;
  d.fields = {Field::kPackets, Field::kOctets, Field::kStart,
              Field::kEnd,     Field::kPorts,  Field::kReverseCounters};
  d.timestampResolution = core::Duration::Micros(1);
  d.notes = "-S 60: a status record every 60 s; bidirectional records with layer-2 bytes";
  return a;
}

}  // namespace

const std::vector<Adapter>& BuiltinAdapters() {
  static const std::vector<Adapter> all = {Vantage(), Softflowd(), Pmacctd(), Nfpcapd(), Argus()};
  return all;
}

core::Result<Adapter> ResolveAdapter(const std::string& spec) {
  if (spec.rfind("cmd:", 0) == 0) {
    Adapter a;
    a.name = "cmd";
    a.command = spec.substr(4);
    if (a.command.empty())
      return core::MakeError(core::ErrorCode::kInvalid, "--exporter cmd: needs a command template");
    bool udp = a.command.find("{port}") != std::string::npos;
    bool file = a.command.find("{out}") != std::string::npos;
    if (!udp && !file)
      return core::MakeError(core::ErrorCode::kInvalid,
                             "--exporter cmd:'" + a.command +
                                 "': the template must send to {host}:{port} or write {out}");
    a.output = udp ? OutputKind::kUdp : OutputKind::kIpfixFile;
    a.description = "command template";
    a.declaration = DefaultDeclaration();
    a.declaration.exporter = "cmd";
    return a;
  }
  std::string names;
  for (const auto& a : BuiltinAdapters()) {
    if (a.name == spec) return a;
    names += (names.empty() ? "" : ", ") + a.name;
  }
  return core::MakeError(core::ErrorCode::kNotFound,
                         "--exporter " + spec + ": unknown exporter (built in: " + names +
                             "; or cmd:'TEMPLATE' with {pcap} {host} {port} {out})");
}

}  // namespace vantage::conformance
