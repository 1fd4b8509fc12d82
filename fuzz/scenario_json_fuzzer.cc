// libFuzzer entry point for cipms::fuzz::scenario_json (fuzz/targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return cipms::fuzz::scenario_json(data, size);
}
