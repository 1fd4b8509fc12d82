#include "cipms/storage/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <soci/soci.h>

#include "cipms/domain/seed.h"
#include "cipms/storage/sqlite/sqlite_migrations.h"
#include "cipms/storage/sqlite/sqlite_session.h"

namespace cipms {
namespace sqlite {

Status configure_connection(::sqlite3* db) {
  // busy_timeout first: the other PRAGMAs may already need to wait for a writer. Writers of
  // this process queue on the WriteGate instead; this wait is for writers of other processes.
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db, 1);
  return exec_script(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
}

std::shared_ptr<WriteGate> write_gate_for(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return std::make_shared<WriteGate>();
  std::error_code ec;
  std::string key = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec).string();
  if (ec || key.empty()) key = path;
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<WriteGate>> gates;
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = gates.begin(); it != gates.end();) {  // forget the files no longer open
    if (it->second.expired()) it = gates.erase(it);
    else ++it;
  }
  auto& slot = gates[key];
  auto gate = slot.lock();
  if (!gate) {
    gate = std::make_shared<WriteGate>();
    slot = gate;
  }
  return gate;
}

Status exec_script(::sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return status_from_sqlite(db, rc, msg);
}

Status status_from_sqlite(::sqlite3* db, int rc, const std::string& context) {
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  if ((ext & 0xff) != (rc & 0xff)) ext = rc;  // the handle moved on; trust rc
  std::string msg = context;
  switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::conflict("duplicate key: " + msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Status::unprocessable("reference to a record that does not exist or is still "
                                   "referenced: " + msg);
    default:
      break;
  }
  switch (ext & 0xff) {
    case SQLITE_CONSTRAINT:
      return Status::invalid("constraint violated: " + msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(Code::kUnavailable, "database busy: " + msg);
    default:
      return Status::internal("sqlite: " + msg);
  }
}

namespace {

Result<std::unique_ptr<soci::session>> connect(const std::string& path) {
  try {
    auto s = soci_connect(path);
    CIPMS_RETURN_IF_ERROR(configure_connection(native_handle(*s)));
    return s;
  } catch (const std::exception& e) {
    return Status::internal("cannot open SQLite database " + path + ": " + e.what());
  }
}

Status seed_taxonomy(::sqlite3* db) {
  const Taxonomy& t = builtin_taxonomy();
  auto put = [&](const char* table, const std::vector<TaxonomyEntry>& v) -> Status {
    std::string sql = std::string("INSERT INTO ") + table +
                      " (code, parent, name, name_en, active) VALUES (?, ?, ?, ?, ?)";
    sqlite3_stmt* st = nullptr;
    if (int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr); rc != SQLITE_OK)
      return status_from_sqlite(db, rc, sqlite3_errmsg(db));
    Status out;
    for (const auto& e : v) {
      sqlite3_bind_text(st, 1, e.code.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 2, e.parent.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 3, e.name.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 4, e.name_en.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int(st, 5, e.active ? 1 : 0);
      if (int rc = sqlite3_step(st); rc != SQLITE_DONE) {
        out = status_from_sqlite(db, rc, std::string("seeding ") + table + " " + e.code + ": " +
                                             sqlite3_errmsg(db));
        break;
      }
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return out;
  };
  CIPMS_RETURN_IF_ERROR(put("sectors", t.sectors));
  CIPMS_RETURN_IF_ERROR(put("subsectors", t.subsectors));
  CIPMS_RETURN_IF_ERROR(put("facility_types", t.facility_types));
  CIPMS_RETURN_IF_ERROR(put("resources", t.resources));
  CIPMS_RETURN_IF_ERROR(put("threats", t.threats));

  sqlite3_stmt* st = nullptr;
  const char* sql =
      "INSERT INTO counties (code, abbrev, name, name_en, population, lat, lon) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)";
  if (int rc = sqlite3_prepare_v2(db, sql, -1, &st, nullptr); rc != SQLITE_OK)
    return status_from_sqlite(db, rc, sqlite3_errmsg(db));
  Status out;
  for (const auto& c : t.counties) {
    sqlite3_bind_text(st, 1, c.code.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, c.abbrev.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, c.name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, c.name_en.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, c.population);
    sqlite3_bind_double(st, 6, c.lat);
    sqlite3_bind_double(st, 7, c.lon);
    if (int rc = sqlite3_step(st); rc != SQLITE_DONE) {
      out = status_from_sqlite(db, rc, "seeding county " + c.code + ": " + sqlite3_errmsg(db));
      break;
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return out;
}

// Highest applied version, 0 for a new database. Creates schema_migrations when missing.
Result<int> applied_version(::sqlite3* db) {
  CIPMS_RETURN_IF_ERROR(exec_script(
      db,
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at TEXT NOT NULL)"));
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", -1,
                              &st, nullptr);
  if (rc != SQLITE_OK) return status_from_sqlite(db, rc, sqlite3_errmsg(db));
  rc = sqlite3_step(st);
  int v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_finalize(st);
  if (v < 0) return status_from_sqlite(db, rc, sqlite3_errmsg(db));
  return v;
}

// Copies the main database of `src` into a new file at `path` (online backup API).
Status copy_database(::sqlite3* src, const std::string& path, bool /*into_file*/) {
  ::sqlite3* dst = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(dst);
    return Status::invalid("cannot create backup file " + path + ": " + sqlite3_errstr(rc));
  }
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) {
    Status st = Status::internal(std::string("backup: ") + sqlite3_errmsg(dst));
    sqlite3_close(dst);
    return st;
  }
  // Steps of 1024 pages with a short pause while busy, so writers are not starved.
  do {
    rc = sqlite3_backup_step(b, 1024);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  // The copy keeps the source's WAL mode; a backup file is better as one self-contained file.
  if (rc == SQLITE_DONE) rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
  sqlite3_close(dst);
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    return Status::internal(std::string("backup failed: ") + sqlite3_errstr(rc));
  return Status::ok();
}

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::string path) : path_(std::move(path)), gate_(write_gate_for(path_)) {}

  Result<int> migrate() override {
    // One migrate at a time in this process; BEGIN IMMEDIATE serialises other processes.
    std::lock_guard<std::mutex> lock(migrate_mu_);
    CIPMS_ASSIGN_OR_RETURN(auto s, connect(path_));
    auto* db = native_handle(*s);
    int reached = 0;
    for (const Migration& m : migrations()) {
      WriteGate::Ticket ticket;  // a write transaction like any other (sqlite_write_gate.h)
      CIPMS_RETURN_IF_ERROR(gate_->acquire(&ticket));
      CIPMS_RETURN_IF_ERROR(exec_script(db, "BEGIN IMMEDIATE"));
      auto done = [&]() -> Status {
        CIPMS_ASSIGN_OR_RETURN(int have, applied_version(db));
        if (have >= m.version) return Status::ok();  // another process got there first
        CIPMS_RETURN_IF_ERROR(exec_script(db, m.sql));
        if (m.version == 1) CIPMS_RETURN_IF_ERROR(seed_taxonomy(db));
        sqlite3_stmt* st = nullptr;
        int rc = sqlite3_prepare_v2(
            db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", -1,
            &st, nullptr);
        if (rc != SQLITE_OK) return status_from_sqlite(db, rc, sqlite3_errmsg(db));
        std::string at = format_utc(std::chrono::time_point_cast<std::chrono::seconds>(
            std::chrono::system_clock::now()));
        sqlite3_bind_int(st, 1, m.version);
        sqlite3_bind_text(st, 2, m.name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, at.c_str(), -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return status_from_sqlite(db, rc, sqlite3_errmsg(db));
        return Status::ok();
      }();
      if (!done.is_ok()) {
        (void)exec_script(db, "ROLLBACK");
        return Status(done.code(), "migration " + std::to_string(m.version) + " (" + m.name +
                                       ") failed: " + done.message(), done.errors());
      }
      CIPMS_RETURN_IF_ERROR(exec_script(db, "COMMIT"));
      reached = m.version;
    }
    if (reached == 0) return schema_version();
    return reached;
  }

  Result<int> schema_version() override {
    CIPMS_ASSIGN_OR_RETURN(auto s, connect(path_));
    auto* db = native_handle(*s);
    return applied_version(db);
  }

  Result<std::unique_ptr<Session>> session() override {
    CIPMS_ASSIGN_OR_RETURN(auto s, connect(path_));
    return std::unique_ptr<Session>(std::make_unique<SqliteSession>(std::move(s), gate_));
  }

  const char* backend() const override { return "sqlite"; }

  // Online backup API: pages are copied while other connections keep reading and writing; a
  // write in between restarts the copy, so the result is one consistent snapshot.
  Status backup(const std::string& path) override {
    CIPMS_ASSIGN_OR_RETURN(auto s, connect(path_));
    std::string tmp = path + ".partial";
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    Status st = copy_database(native_handle(*s), tmp, /*into_file=*/true);
    if (!st.is_ok()) {
      std::filesystem::remove(tmp, ec);
      return st;
    }
    std::filesystem::rename(tmp, path, ec);  // a failed backup never replaces a good file
    if (ec) return Status::internal("cannot write " + path + ": " + ec.message());
    return Status::ok();
  }

  Status restore(const std::string& path) override {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      return Status::invalid("backup file " + path + " does not exist or is not a file");
    // Check the file before touching the database: a SQLite file, intact, made by cipms.
    ::sqlite3* in = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &in, SQLITE_OPEN_READONLY, nullptr);
    Status ok = [&]() -> Status {
      if (rc != SQLITE_OK) return Status::invalid("cannot open backup file " + path);
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(in, "PRAGMA quick_check", -1, &st, nullptr) != SQLITE_OK)
        return Status::invalid("not a SQLite database: " + path + ": " + sqlite3_errmsg(in));
      std::string verdict;
      if (sqlite3_step(st) == SQLITE_ROW)
        verdict = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      else verdict = sqlite3_errmsg(in);
      sqlite3_finalize(st);
      if (verdict != "ok") return Status::invalid("backup file " + path + " is corrupt: " + verdict);
      if (sqlite3_prepare_v2(in, "SELECT COUNT(*) FROM schema_migrations", -1, &st, nullptr) != SQLITE_OK)
        return Status::invalid("backup file " + path + " is not a cipms database");
      sqlite3_finalize(st);
      return Status::ok();
    }();
    if (!ok.is_ok()) {
      sqlite3_close(in);
      return ok;
    }
    CIPMS_ASSIGN_OR_RETURN(auto s, connect(path_));
    WriteGate::Ticket ticket;  // the copy is one write transaction: queue like other writers
    if (Status g = gate_->acquire(&ticket); !g.is_ok()) {
      sqlite3_close(in);
      return g;
    }
    // The backup API copies into the target in one write transaction: all or nothing.
    sqlite3_backup* b = sqlite3_backup_init(native_handle(*s), "main", in, "main");
    if (!b) {
      Status st = status_from_sqlite(native_handle(*s), sqlite3_errcode(native_handle(*s)),
                                     std::string("restore: ") + sqlite3_errmsg(native_handle(*s)));
      sqlite3_close(in);
      return st;
    }
    rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    sqlite3_close(in);
    if (rc != SQLITE_DONE)
      return status_from_sqlite(native_handle(*s), rc, std::string("restore: ") + sqlite3_errstr(rc));
    return Status::ok();
  }

 private:
  std::string path_;
  std::shared_ptr<WriteGate> gate_;  // shared with every Database of this process on the file
  std::mutex migrate_mu_;
};

}  // namespace
}  // namespace sqlite

Result<std::unique_ptr<Database>> open_sqlite_database(const std::string& path) {
  std::filesystem::path p(path);
  if (p.has_parent_path() && !std::filesystem::is_directory(p.parent_path()))
    return Status::invalid("directory of database file does not exist: " +
                           p.parent_path().string());
  // Open once now so that a bad path fails here, and switch the file to WAL (persistent).
  CIPMS_ASSIGN_OR_RETURN(auto s, sqlite::connect(path));
  auto* db = sqlite::native_handle(*s);
  CIPMS_RETURN_IF_ERROR(sqlite::exec_script(db, "PRAGMA journal_mode = WAL"));
  return std::unique_ptr<Database>(std::make_unique<sqlite::SqliteDatabase>(path));
}

}  // namespace cipms
