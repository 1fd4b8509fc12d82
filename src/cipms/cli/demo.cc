#include <CLI/CLI.hpp>

#include "cipms/cli/commands.h"

namespace cipms::cli {
void add_demo_command(CLI::App& app) { app.add_subcommand("demo", "Create the demo network (not built yet)"); }
}  // namespace cipms::cli
