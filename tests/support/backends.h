// The two databases a service-level test runs against, for INSTANTIATE_TEST_SUITE_P:
// a fresh SQLite file, and a fresh database on the test PostgreSQL server
// (support/postgres_server.h, started on first use).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "support/postgres_server.h"

namespace cipms::testing {

struct Backend {
  std::string name;
  // A new, empty database's URL (a file in `dir` for SQLite).
  std::function<std::string(const std::filesystem::path& dir)> fresh;
};
// Test names and ctest listings show the back end by name, not the bytes of the struct.
inline void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

inline std::vector<Backend> backends() {
  return {
      {"sqlite", [](const std::filesystem::path& dir) { return "sqlite:" + (dir / "cipms.db").string(); }},
      {"postgresql",
       [](const std::filesystem::path&) {
         auto& server = PostgresServer::instance();
         std::string url = server.create_database();
         EXPECT_FALSE(url.empty()) << server.error();
         return url;
       }},
  };
}

}  // namespace cipms::testing
