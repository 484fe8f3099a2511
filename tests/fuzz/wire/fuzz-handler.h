// Shared by the wire fuzz targets: a handler that decodes every record it is given, so the
// flow codec runs on whatever the sessions accept.
#pragma once

#include "vantage/wire/flow-codec.h"
#include "vantage/wire/message-handler.h"

namespace vantage::wire::fuzz {

class DecodingHandler : public MessageHandler {
 public:
  void OnDataRecord(const MessageInfo& info, const Template& tmpl,
                    core::ByteReader record) override {
    if (tmpl.IsOptions()) {
      auto v = DecodeGenericRecord(tmpl, record);
      if (v) values += v->size();
      return;
    }
    TimeContext ctx;
    ctx.exportTimeSeconds = info.exportTime;
    ctx.sysUpTimeMs = info.sysUpTimeMs;
    core::FlowRecord r;
    if (DecodeFlowRecord(tmpl, record, ctx, r, &anomalies)) {
      // Re-encode: must not crash whatever the template holds.
      std::vector<uint8_t> out;
      core::ByteWriter w(out);
      EncodeFlowRecord(tmpl, r, w, ctx);
      ++records;
    }
  }
  size_t records = 0;
  size_t values = 0;
  core::AnomalyCounters anomalies;
};

inline DecoderLimits FuzzLimits() {
  DecoderLimits l;
  l.maxTemplatesPerDomain = 16;
  l.maxTemplatesTotal = 64;
  l.maxFieldsPerTemplate = 64;
  return l;
}

}  // namespace vantage::wire::fuzz
