// libFuzzer entry point for cipms::fuzz::network_csv (fuzz/targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return cipms::fuzz::network_csv(data, size);
}
