// The only file that includes SOCI's sqlite3 back-end header. That header wraps <sqlite3.h> in
// `namespace sqlite_api`, which cannot coexist with the global <sqlite3.h> the rest of this
// folder uses; so the native handle crosses over here as the (same) global ::sqlite3 object.
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "cipms/storage/sqlite/sqlite_session.h"

namespace cipms::sqlite {

std::unique_ptr<soci::session> soci_connect(const std::string& path) {
  // SOCI parses "key=value" pairs; quote the path so spaces survive. timeout is in seconds.
  return std::make_unique<soci::session>(soci::sqlite3, "db=\"" + path + "\" timeout=5");
}

::sqlite3* native_handle(soci::session& s) {
  auto* be = static_cast<soci::sqlite3_session_backend*>(s.get_backend());
  return reinterpret_cast<::sqlite3*>(be->conn_);
}

}  // namespace cipms::sqlite
