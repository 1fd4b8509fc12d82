// libFuzzer entry point for cipms::fuzz::registry_body (fuzz/targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return cipms::fuzz::registry_body(data, size);
}
