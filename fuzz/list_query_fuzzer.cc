// libFuzzer entry point for cipms::fuzz::list_query (fuzz/targets.h).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return cipms::fuzz::list_query(data, size);
}
