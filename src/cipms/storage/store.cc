#include "cipms/storage/store.h"

#include <exception>

namespace cipms {

Status Session::transact(const std::function<Status()>& fn) {
  CIPMS_RETURN_IF_ERROR(begin());
  Status st;
  try {
    st = fn();
  } catch (const std::exception& e) {
    st = Status::internal(std::string("unexpected exception: ") + e.what());
  }
  if (!st.is_ok()) {
    (void)rollback();
    return st;
  }
  return commit();
}

Status Database::backup(const std::string&) {
  return Status::internal(std::string("backup is not supported by the ") + backend() + " back end");
}

Status Database::restore(const std::string&) {
  return Status::internal(std::string("restore is not supported by the ") + backend() + " back end");
}

}  // namespace cipms
