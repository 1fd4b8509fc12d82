// SQLite implementation of storage/store.h (SOCI sqlite3 back end): WAL journal, foreign keys
// on, busy timeout, migrations from migrations/sqlite compiled into the binary.
#pragma once
#include <memory>
#include <string>

#include "cipms/storage/store.h"

namespace cipms {

// Opens or creates the file at `path` (parent directory must exist). Does not migrate.
Result<std::unique_ptr<Database>> open_sqlite_database(const std::string& path);

}  // namespace cipms
