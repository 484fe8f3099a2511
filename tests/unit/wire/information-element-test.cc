// The IE registry against IANA (python3-ipfix's iana.iespec and rfc5103.iespec).
#include "vantage/wire/information-element.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <string>

namespace vantage::wire {
namespace {

constexpr const char* kIanaSpec = "/usr/lib/python3/dist-packages/ipfix/iana.iespec";
constexpr const char* kReverseSpec = "/usr/lib/python3/dist-packages/ipfix/rfc5103.iespec";

struct SpecEntry {
  std::string name;
  std::string type;
  unsigned length = 0;
};

// "name(id)<type>[len]" or "name(pen/id)<type>[len]", keyed by (pen, id).
std::map<std::pair<uint32_t, uint16_t>, SpecEntry> LoadSpec(const char* path) {
  std::map<std::pair<uint32_t, uint16_t>, SpecEntry> out;
  std::ifstream in(path);
  std::regex line(R"(^(\w+)\((?:(\d+)/)?(\d+)\)<(\w+)>\[(\d+)\])");
  std::string text;
  while (std::getline(in, text)) {
    std::smatch m;
    if (!std::regex_search(text, m, line)) continue;
    uint32_t pen = m[2].matched ? static_cast<uint32_t>(std::stoul(m[2])) : 0;
    out[{pen, static_cast<uint16_t>(std::stoul(m[3]))}] =
        SpecEntry{m[1], m[4], static_cast<unsigned>(std::stoul(m[5]))};
  }
  return out;
}

const char* TypeName(IeType t) {
  switch (t) {
    case IeType::kOctetArray:
      return "octetArray";
    case IeType::kUnsigned8:
      return "unsigned8";
    case IeType::kUnsigned16:
      return "unsigned16";
    case IeType::kUnsigned32:
      return "unsigned32";
    case IeType::kUnsigned64:
      return "unsigned64";
    case IeType::kSigned8:
      return "signed8";
    case IeType::kSigned16:
      return "signed16";
    case IeType::kSigned32:
      return "signed32";
    case IeType::kSigned64:
      return "signed64";
    case IeType::kFloat32:
      return "float32";
    case IeType::kFloat64:
      return "float64";
    case IeType::kBoolean:
      return "boolean";
    case IeType::kMacAddress:
      return "macAddress";
    case IeType::kString:
      return "string";
    case IeType::kDateTimeSeconds:
      return "dateTimeSeconds";
    case IeType::kDateTimeMilliseconds:
      return "dateTimeMilliseconds";
    case IeType::kDateTimeMicroseconds:
      return "dateTimeMicroseconds";
    case IeType::kDateTimeNanoseconds:
      return "dateTimeNanoseconds";
    case IeType::kIpv4Address:
      return "ipv4Address";
    case IeType::kIpv6Address:
      return "ipv6Address";
    case IeType::kBasicList:
      return "basicList";
    case IeType::kSubTemplateList:
      return "subTemplateList";
    case IeType::kSubTemplateMultiList:
      return "subTemplateMultiList";
  }
  return "?";
}

TEST(InformationElementTest, EveryElementMatchesIana) {
  std::ifstream probe(kIanaSpec);
  if (!probe) GTEST_SKIP() << kIanaSpec << " not installed (package python3-ipfix)";
  auto iana = LoadSpec(kIanaSpec);
  ASSERT_GT(iana.size(), 300u);
  for (const auto& e : AllInformationElements()) {
    SCOPED_TRACE(std::string(e.name));
    ASSERT_EQ(e.enterprise, 0u);
    auto it = iana.find({0, e.id});
    ASSERT_NE(it, iana.end()) << "id " << e.id << " not in IANA list";
    EXPECT_EQ(it->second.name, e.name);
    EXPECT_EQ(it->second.type, TypeName(e.type));
    EXPECT_EQ(it->second.length, e.defaultLength);
  }
}

TEST(InformationElementTest, ReversibleElementsMatchRfc5103) {
  std::ifstream probe(kReverseSpec);
  if (!probe) GTEST_SKIP() << kReverseSpec << " not installed (package python3-ipfix)";
  auto reverse = LoadSpec(kReverseSpec);
  ASSERT_GT(reverse.size(), 100u);
  for (const auto& e : AllInformationElements()) {
    if (!e.reversible) {
      EXPECT_EQ(FindInformationElement(kReversePen, e.id), nullptr) << e.name;
      continue;
    }
    SCOPED_TRACE(std::string(e.name));
    auto it = reverse.find({kReversePen, e.id});
    ASSERT_NE(it, reverse.end()) << "no reverse element for " << e.id;
    EXPECT_EQ(it->second.name, ReverseName(e));
    EXPECT_EQ(FindInformationElement(kReversePen, e.id), &e);
  }
}

TEST(InformationElementTest, HoldsTheElementsTheIssueNames) {
  const uint16_t required[] = {
      1,   2,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,  15,  16,  17,  21,  22,
      27,  28,  32,  34,  35,  36,  37,  40,  41,  42,  52,  53,  56,  58,  62,  80,  85,  86,
      130, 131, 136, 139, 149, 150, 151, 152, 153, 154, 155, 156, 157, 160, 164, 166, 167, 176,
      177, 178, 179, 225, 226, 227, 228, 230, 281, 282, 304, 305, 306, 311, 318, 319};
  for (uint16_t id : required) EXPECT_NE(FindInformationElement(0, id), nullptr) << id;
  for (uint16_t id : {1, 2, 85, 86, 6, 152, 153}) {
    EXPECT_NE(FindInformationElement(kReversePen, id), nullptr) << id;
  }
}

TEST(InformationElementTest, LookupByNameAndSortedById) {
  const auto* e = FindInformationElementByName("postNATSourceIPv4Address");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->id, ie::kPostNATSourceIPv4Address);
  EXPECT_EQ(e->type, IeType::kIpv4Address);
  EXPECT_EQ(FindInformationElementByName("noSuchElement"), nullptr);
  EXPECT_EQ(FindInformationElement(0, 60000), nullptr);
  EXPECT_EQ(FindInformationElement(9, ie::kOctetDeltaCount), nullptr);
  const auto& all = AllInformationElements();
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].id, all[i].id);
  EXPECT_EQ(ReverseName(*FindInformationElement(0, 5)), "reverseIpClassOfService");
}

}  // namespace
}  // namespace vantage::wire
