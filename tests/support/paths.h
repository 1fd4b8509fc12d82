// Paths tests need: the built binary, the source tree, ../shared (absent in a user's clone),
// and fresh temporary directories.
#pragma once
#include <filesystem>
#include <string>

namespace cipms::testing {

std::string cipms_binary();      // build/cipms
std::filesystem::path source_dir();
// ../shared/data/real/network, or empty when that folder is absent.
std::filesystem::path real_network_dir();
// A new empty directory under /tmp, removed by the caller (or left for inspection).
std::filesystem::path make_temp_dir(const std::string& prefix);
// The whole file as bytes; empty when it cannot be read.
std::string read_file(const std::filesystem::path& p);

}  // namespace cipms::testing
