// The fuzz targets of cipms, as plain functions so that both the libFuzzer programs
// (fuzz/*_fuzzer.cc, clang, `make fuzz`) and the regression test that replays
// fuzz/regressions/<target>/* (tests/unit/fuzz_regression_test.cc, g++, `make test`) run them.
// Each takes any bytes, never throws, and aborts (CIPMS_FUZZ_CHECK) when a parser breaks its
// contract: a crash, a sanitizer report or an abort is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cipms::fuzz {

using Target = int (*)(const std::uint8_t* data, std::size_t size);

// network.json import (services/network_io.h); an accepted file must re-parse after export.
int network_json(const std::uint8_t* data, std::size_t size);
// facilities.csv + dependencies.csv: the input is split at its first NUL byte.
int network_csv(const std::uint8_t* data, std::size_t size);
// scenario JSON (services/scenario_io.h).
int scenario_json(const std::uint8_t* data, std::size_t size);
// Query strings of the list endpoints: byte 0 picks the endpoint, the rest is the raw query
// (decoded as the server does), dispatched to the real handler over an in-memory database.
// Any answer other than 200/400/404/422 is a finding.
int list_query(const std::uint8_t* data, std::size_t size);
// The JSON body readers of the registry API (api/json_io.h): byte 0 picks the record kind.
int registry_body(const std::uint8_t* data, std::size_t size);

struct NamedTarget {
  const char* name;
  Target fn;
};
// Every target by the name of its folder under fuzz/corpus and fuzz/regressions.
const std::vector<NamedTarget>& all_targets();

}  // namespace cipms::fuzz
