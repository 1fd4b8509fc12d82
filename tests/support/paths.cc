#include "support/paths.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cipms::testing {

std::string cipms_binary() { return CIPMS_BINARY; }
std::filesystem::path source_dir() { return CIPMS_SOURCE_DIR; }

std::filesystem::path real_network_dir() {
  std::filesystem::path p = std::filesystem::path(CIPMS_SHARED_DIR) / "data" / "real" / "network";
  return std::filesystem::exists(p / "network.json") ? p : std::filesystem::path();
}

std::filesystem::path make_temp_dir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cipms::testing
