// PostgreSQL implementation of storage/store.h (libpq): a connection pool inside the Database,
// migrations from migrations/postgres compiled into the binary, backups through pg_dump.
#pragma once
#include <memory>
#include <string>

#include "cipms/storage/store.h"

namespace cipms {

// Opens a database at a "postgresql://" / "postgres://" URL (libpq syntax: user, password,
// host, port, dbname, ?host=/socket/dir ...). Connects once so a bad URL fails here. Does not
// migrate.
Result<std::unique_ptr<Database>> open_postgres_database(const std::string& url);

}  // namespace cipms
