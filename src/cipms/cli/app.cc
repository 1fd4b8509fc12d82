#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cipms/cli/commands.h"

namespace cipms::cli {

namespace {
int g_exit = 0;
}

void set_exit(int code) { g_exit = code; }

int fail(const std::string& command, const Status& st) {
  std::cerr << "cipms " << command << ": " << st.to_string() << "\n";
  const bool bad_input = st.code() == Code::kInvalidArgument || st.code() == Code::kUnprocessable ||
                         st.code() == Code::kNotFound;
  return bad_input ? 2 : 1;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid("cannot read " + path, {{path, "cannot open file"}});
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string sqlite_file_of(const std::string& url) {
  return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
}
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
  add_audit_commands(app);
  add_user_commands(app);
  add_survey_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return g_exit;
}

}  // namespace cipms::cli
