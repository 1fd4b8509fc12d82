// WriteGate: the in-process queue of SQLite writers of one database file. Internal to
// storage/sqlite.
//
// SQLite lets one connection write at a time; a connection that finds the write lock taken
// sleeps in the busy handler (1, 2, 5, 10 … 100 ms steps) and retries, so under a steady write
// load the waiters wake long after the writer committed (the write mix's p99 went from 5 ms to
// 158 ms). Writers of this process therefore queue here first, on a mutex and condition
// variable that wake the next waiter the moment a write transaction ends, and only then take
// SQLite's lock (BEGIN IMMEDIATE), which is then free unless another process (the CLI while
// the server runs) holds it — that case still waits in SQLite's busy handler.
//
// Taken by every write transaction: Session::begin() (always BEGIN IMMEDIATE), each mutating
// call on its own, an autocommit statement that writes, migrate() and restore(). Not taken by
// reads (WAL readers never wait for writers), nor by load_network()'s read-only snapshot.
// The order is always gate → SQLite lock, so the two cannot deadlock. A thread that already
// holds the gate (an open write transaction on one session) and writes through a second
// session is not made to wait for itself: it goes straight to SQLite, whose busy timeout
// answers as it did before the gate existed.
//
// Thread-safe. A Ticket may be released on another thread than the one that took it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cipms/base/status.h"

namespace cipms::sqlite {

// How long a writer waits, for the gate and again in SQLite's busy handler (milliseconds).
inline constexpr int kBusyTimeoutMs = 5000;

class WriteGate {
 public:
  // Held write slot; releases on destruction. Empty (held() false) when nothing was taken.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    Ticket& operator=(Ticket&& o) noexcept {
      if (this != &o) {
        release();
        gate_ = o.gate_;
        o.gate_ = nullptr;
      }
      return *this;
    }
    ~Ticket() { release(); }
    bool held() const { return gate_ != nullptr; }
    void release() {
      if (gate_) gate_->unlock();
      gate_ = nullptr;
    }

   private:
    friend class WriteGate;
    explicit Ticket(WriteGate* g) : gate_(g) {}
    WriteGate* gate_ = nullptr;
  };

  // Waits up to `timeout` for the gate. kUnavailable when it stays taken that long; an empty
  // Ticket (and OK) when the calling thread already holds it (see above).
  Status acquire(Ticket* out, std::chrono::milliseconds timeout = std::chrono::milliseconds(kBusyTimeoutMs)) {
    std::unique_lock<std::mutex> lk(mu_);
    const auto me = std::this_thread::get_id();
    if (held_ && owner_ == me) {
      *out = Ticket();
      return Status::ok();
    }
    if (!cv_.wait_for(lk, timeout, [&] { return !held_; }))
      return Status(Code::kUnavailable,
                    "database busy: another write has held the database for more than " +
                        std::to_string(timeout.count()) + " ms; try again");
    held_ = true;
    owner_ = me;
    *out = Ticket(this);
    return Status::ok();
  }

 private:
  void unlock() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      held_ = false;
      owner_ = std::thread::id();
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  std::thread::id owner_;
};

// The gate of the database file at `path`, shared by every Database object of this process
// that opens the same file (the key is the canonical path). A fresh gate for ":memory:" and
// other names that are not files.
std::shared_ptr<WriteGate> write_gate_for(const std::string& path);

}  // namespace cipms::sqlite
