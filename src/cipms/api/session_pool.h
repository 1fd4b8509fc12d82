// A Database that keeps idle Sessions for reuse instead of opening a connection per request.
// Opening a SQLite connection (open, pragmas, schema parse) costs about as much as a whole
// GET of one record; the API serves hundreds per second, so `cipms serve` wraps its Database
// in this pool. A session goes back to the pool when the caller drops it; one left inside a
// transaction is rolled back first, and one whose rollback fails is closed instead.
// Thread-safe like the Database it wraps. (It belongs in storage/ once storage owns pooling.)
#pragma once

#include <cstddef>
#include <memory>

#include "cipms/storage/store.h"

namespace cipms::api {

std::shared_ptr<Database> make_session_pool(std::shared_ptr<Database> inner, std::size_t max_idle = 16);

}  // namespace cipms::api
