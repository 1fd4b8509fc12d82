#include <CLI/CLI.hpp>

#include "cipms/cli/commands.h"

namespace cipms::cli {
void add_db_command(CLI::App& app) { app.add_subcommand("db", "Database maintenance (not built yet)"); }
}  // namespace cipms::cli
