// The cipms subcommands. Each add_* registers one command (and its options) on the CLI11 app;
// its callback runs the command and sets the exit status through set_exit (0 ok, 1 failure,
// 2 bad input). Commands use services only, never HTTP or SQL.
#pragma once
#include <string>

#include "cipms/base/status.h"

namespace CLI {
class App;
}

namespace cipms::cli {

void add_serve_command(CLI::App& app);     // serve.cc
void add_db_command(CLI::App& app);        // db.cc: db migrate
void add_demo_command(CLI::App& app);      // demo.cc
void add_import_export_commands(CLI::App& app);  // import_export.cc
void add_analysis_commands(CLI::App& app);  // analysis.cc: simulate, rank
void add_backup_commands(CLI::App& app);    // backup.cc: backup, restore
void add_audit_commands(CLI::App& app);     // audit.cc: audit verify, audit list
void add_user_commands(CLI::App& app);      // user.cc: user create
void add_survey_commands(CLI::App& app);    // survey.cc: survey round, import, export

// Registers --db (fallback $CIPMS_DB, default var/cipms.db) on a command.
void add_db_option(CLI::App& cmd, std::string& db);

// Prints "cipms <command>: <status with its field errors>" to stderr and returns the exit
// status: 2 for bad input (invalid, unprocessable, not found), 1 for any other failure.
int fail(const std::string& command, const Status& st);
// The whole file; kInvalidArgument naming the path when it cannot be read.
Result<std::string> read_file(const std::string& path);
// The file behind a SQLite database URL ("sqlite:PATH" or a plain path).
std::string sqlite_file_of(const std::string& url);

// Exit status the process returns after the command callback ran.
void set_exit(int code);
int exit_code();

// Runs the program: parses argv, runs the chosen command, returns the exit status.
int run(int argc, char** argv);

}  // namespace cipms::cli
