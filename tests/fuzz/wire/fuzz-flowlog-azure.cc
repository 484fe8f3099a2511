// Fuzz target: the azure flow-log reader on untrusted text, then write -> read of what it read.
#include "fuzz-flowlog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vantage::wire::fuzz::FuzzFlowLog(vantage::wire::flowlog::FileFormat::kAzureVnet, data, size);
  return 0;
}
