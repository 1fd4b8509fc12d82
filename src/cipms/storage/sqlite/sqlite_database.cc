#include "cipms/storage/sqlite/sqlite_database.h"

namespace cipms {
Result<std::unique_ptr<Database>> open_sqlite_database(const std::string& path) {
  return Status::internal("sqlite back end not built yet: " + path);
}
}  // namespace cipms
