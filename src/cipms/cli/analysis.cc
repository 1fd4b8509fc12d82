#include <CLI/CLI.hpp>

#include "cipms/cli/commands.h"

namespace cipms::cli {
void add_analysis_commands(CLI::App& app) {
  app.add_subcommand("simulate", "Run a cascade scenario (not built yet)");
  app.add_subcommand("rank", "Criticality ranking (not built yet)");
}
}  // namespace cipms::cli
