// `cipms backup --db URL --out FILE` and `cipms restore --db URL --in FILE`: a consistent copy
// of the whole database while it stays in use, and its way back (Database::backup / restore:
// SQLite's online backup API, pg_dump -Fc / pg_restore for PostgreSQL). Bad input — a missing,
// corrupt or foreign file, a database that does not exist — exits with status 2 and leaves the
// target as it was.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "cipms/cli/commands.h"
#include "cipms/storage/store.h"

namespace cipms::cli {

namespace {

namespace fs = std::filesystem;

bool is_url(const std::string& db) { return db.find("://") != std::string::npos; }

}  // namespace

void add_backup_commands(CLI::App& app) {
  auto db = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* backup = app.add_subcommand("backup", "Write a consistent backup of the database to a file");
  add_db_option(*backup, *db);
  backup->add_option("--out", *out, "Backup file to write (replaced when complete)")->required();
  backup->callback([db, out] {
    // Opening a SQLite path that does not exist would create an empty database to back up.
    if (!is_url(*db) && !fs::exists(sqlite_file_of(*db)))
      return set_exit(fail("backup", Status::invalid("database " + sqlite_file_of(*db) + " does not exist")));
    fs::path parent = fs::path(*out).parent_path();
    if (!parent.empty() && !fs::is_directory(parent))
      return set_exit(fail("backup", Status::invalid("directory " + parent.string() + " does not exist")));
    auto opened = Database::open(*db);
    if (!opened.is_ok()) return set_exit(fail("backup", opened.status()));
    if (Status st = (*opened)->backup(*out); !st.is_ok()) return set_exit(fail("backup", st));
    std::cout << "backup of " << *db << " (" << (*opened)->backend() << ") written to " << *out << "\n";
    set_exit(0);
  });

  auto rdb = std::make_shared<std::string>();
  auto in = std::make_shared<std::string>();
  CLI::App* restore = app.add_subcommand(
      "restore", "Replace the database's contents with a backup made by `cipms backup`");
  add_db_option(*restore, *rdb);
  restore->add_option("--in", *in, "Backup file to read")->required();
  restore->callback([rdb, in] {
    // Checked before opening: opening a new SQLite path creates the file.
    std::error_code ec;
    if (!fs::is_regular_file(*in, ec))
      return set_exit(fail("restore", Status::invalid("backup file " + *in + " does not exist")));
    if (!is_url(*rdb)) {
      fs::path parent = fs::path(sqlite_file_of(*rdb)).parent_path();
      if (!parent.empty()) fs::create_directories(parent, ec);
    }
    auto opened = Database::open(*rdb);
    if (!opened.is_ok()) return set_exit(fail("restore", opened.status()));
    if (Status st = (*opened)->restore(*in); !st.is_ok()) return set_exit(fail("restore", st));
    std::cout << "restored " << *rdb << " (" << (*opened)->backend() << ") from " << *in << "\n";
    set_exit(0);
  });
}

}  // namespace cipms::cli
