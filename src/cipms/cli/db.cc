// `cipms db migrate` (apply pending migrations, creating the file and its folder) and
// `cipms db version` (the schema version of an existing database).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "cipms/cli/commands.h"
#include "cipms/storage/store.h"

namespace cipms::cli {

namespace {



}  // namespace

void add_db_command(CLI::App& app) {
  CLI::App* db = app.add_subcommand("db", "Database maintenance");
  db->require_subcommand(1);

  auto migrate_db = std::make_shared<std::string>();
  CLI::App* migrate = db->add_subcommand("migrate", "Create the database or bring its schema up to date");
  add_db_option(*migrate, *migrate_db);
  migrate->callback([migrate_db] {
    const std::string& url = *migrate_db;
    if (url.find("://") == std::string::npos) {
      std::filesystem::path parent = std::filesystem::path(sqlite_file_of(url)).parent_path();
      std::error_code ec;
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    }
    auto opened = Database::open(url);
    if (!opened.is_ok()) return set_exit(fail("db migrate", opened.status()));
    auto version = (*opened)->migrate();
    if (!version.is_ok()) return set_exit(fail("db migrate", version.status()));
    std::cout << url << ": schema version " << *version << "\n";
    set_exit(0);
  });

  auto version_db = std::make_shared<std::string>();
  CLI::App* version = db->add_subcommand("version", "Print the schema version of a database");
  add_db_option(*version, *version_db);
  version->callback([version_db] {
    const std::string& url = *version_db;
    // Opening creates the file; asking about a database that does not exist is a mistake.
    if (url.find("://") == std::string::npos && !std::filesystem::exists(sqlite_file_of(url)))
      return set_exit(fail("db version", Status::not_found("no database at " + sqlite_file_of(url))));
    auto opened = Database::open(url);
    if (!opened.is_ok()) return set_exit(fail("db version", opened.status()));
    auto v = (*opened)->schema_version();
    if (!v.is_ok()) return set_exit(fail("db version", v.status()));
    std::cout << *v << "\n";
    set_exit(0);
  });
}

}  // namespace cipms::cli
