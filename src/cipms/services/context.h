// What every service needs: the database and the clock, and the session/transaction helpers. Cheap to copy; shared by all
// request threads (Database is thread-safe; take one Session per request or job).
#pragma once
#include <memory>
#include <optional>

#include "cipms/base/clock.h"
#include "cipms/storage/store.h"

namespace cipms {

struct ServiceContext {
  std::shared_ptr<Database> db;
  std::shared_ptr<Clock> clock;
};

// The value of a call that returns nothing but must travel as a Result<T>.
struct Unit {};

// Runs fn(session) with a fresh Session inside one transaction: committed when fn returns a
// value, rolled back when it returns an error (or throws).
template <typename T, typename Fn>
Result<T> in_transaction(const ServiceContext& ctx, Fn&& fn) {
  auto s = ctx.db->session();
  if (!s.is_ok()) return s.status();
  Session& session = **s;
  std::optional<T> out;
  Status st = session.transact([&]() -> Status {
    Result<T> r = fn(session);
    if (!r.is_ok()) return r.status();
    out = std::move(r).value();
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return std::move(*out);
}

// Runs fn(session) with a fresh Session; reads need no transaction.
template <typename T, typename Fn>
Result<T> with_session(const ServiceContext& ctx, Fn&& fn) {
  auto s = ctx.db->session();
  if (!s.is_ok()) return s.status();
  return fn(**s);
}

}  // namespace cipms
