#include <CLI/CLI.hpp>
#include <cstdlib>

#include "cipms/cli/commands.h"

namespace cipms::cli {

namespace {
int g_exit = 0;
}

void set_exit(int code) { g_exit = code; }
int exit_code() { return g_exit; }

void add_db_option(CLI::App& cmd, std::string& db) {
  const char* env = std::getenv("CIPMS_DB");
  db = env && *env ? env : "var/cipms.db";
  cmd.add_option("--db", db, "SQLite file (or sqlite:PATH); env CIPMS_DB")->capture_default_str();
}

int run(int argc, char** argv) {
  CLI::App app{"cipms — Critical Infrastructure Protection Management System"};
  app.require_subcommand(1);
  add_serve_command(app);
  add_db_command(app);
  add_demo_command(app);
  add_import_export_commands(app);
  add_analysis_commands(app);
  add_backup_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return g_exit;
}

}  // namespace cipms::cli
