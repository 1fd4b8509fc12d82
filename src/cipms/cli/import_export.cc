#include <CLI/CLI.hpp>

#include "cipms/cli/commands.h"

namespace cipms::cli {
void add_import_export_commands(CLI::App& app) {
  app.add_subcommand("import", "Import a network (not built yet)");
  app.add_subcommand("export", "Export the registry (not built yet)");
}
}  // namespace cipms::cli
