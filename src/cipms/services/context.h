// What every service needs: the database and the clock. Cheap to copy; shared by all
// request threads (Database is thread-safe; take one Session per request or job).
#pragma once
#include <memory>

#include "cipms/base/clock.h"
#include "cipms/storage/store.h"

namespace cipms {

struct ServiceContext {
  std::shared_ptr<Database> db;
  std::shared_ptr<Clock> clock;
};

}  // namespace cipms
