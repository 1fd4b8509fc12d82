#include <CLI/CLI.hpp>

#include "cipms/cli/commands.h"

namespace cipms::cli {
void add_serve_command(CLI::App& app) { app.add_subcommand("serve", "Serve the API and web UI (not built yet)"); }
}  // namespace cipms::cli
