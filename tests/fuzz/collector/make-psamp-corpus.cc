// Writes the sampled-packet-header seeds of the collector fuzz corpus (issue 17): frame
// sections (Ethernet, 802.1Q, MPLS, IPv6 with SRv6), sampler options before and after the
// data, v9 sampler options, unknown elements, records without a key, and broken sections.
// Deterministic; run by hand: make_psamp_corpus tests/fuzz/collector/corpus
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "../../unit/collector/psamp-datagrams.h"

namespace {

using vantage::collector::test::Bytes;
namespace t = vantage::collector::test;

// The fuzz input format: flags (1 byte), length (2 bytes), datagram; repeated.
void Add(Bytes& input, const Bytes& datagram, uint8_t flags = 0) {
  input.push_back(flags);
  input.push_back(static_cast<uint8_t>(datagram.size() >> 8));
  input.push_back(static_cast<uint8_t>(datagram.size()));
  input.insert(input.end(), datagram.begin(), datagram.end());
}

bool Write(const std::string& dir, const std::string& name, const Bytes& input) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(input.data()),
            static_cast<std::streamsize>(input.size()));
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_psamp_corpus DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::vector<std::pair<std::string, Bytes>> seeds;
  Bytes in;
  Add(in, t::FrameSectionsMessage());
  seeds.emplace_back("psamp-frame-sections", in);
  in.clear();
  Add(in, t::OptionsThenDataMessage(5, 100));
  seeds.emplace_back("psamp-options-then-data", in);
  in.clear();
  Add(in, t::DataNamingSelectorMessage(6, 0));
  Add(in, t::SelectorOptionsMessage(6, 500, 1));
  seeds.emplace_back("psamp-data-then-options", in);
  in.clear();
  Add(in, t::V9SamplerPacket(64));
  seeds.emplace_back("psamp-v9-sampler", in);
  in.clear();
  Add(in, t::UnknownElementsMessage());
  Add(in, t::NoKeyMessage());
  Add(in, t::DataBeforeTemplateMessage());
  seeds.emplace_back("psamp-raw-nokey-early-data", in);
  in.clear();
  Add(in, t::MplsMessage());
  seeds.emplace_back("psamp-mpls", in);
  // Broken: the message cut inside the last section; a section cut inside its IP header.
  Bytes cut = t::FrameSectionsMessage();
  cut.resize(cut.size() - 30);
  in.clear();
  Add(in, cut);
  seeds.emplace_back("psamp-cut-message", in);
  in.clear();
  Add(in, t::ShortSectionMessage());
  seeds.emplace_back("psamp-short-section", in);
  for (const auto& [name, input] : seeds) {
    if (!Write(dir, name, input)) {
      std::cerr << "cannot write " << dir << "/" << name << "\n";
      return 1;
    }
  }
  return 0;
}
