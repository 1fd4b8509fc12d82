#include <string>

#include "cipms/storage/postgres/pg_database.h"
#include "cipms/storage/sqlite/sqlite_database.h"
#include "cipms/storage/store.h"

namespace cipms {

Result<std::unique_ptr<Database>> Database::open(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
    return open_postgres_database(url);
  std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
  if (path.empty()) return Status::invalid("empty database path");
  return open_sqlite_database(path);
}

}  // namespace cipms
