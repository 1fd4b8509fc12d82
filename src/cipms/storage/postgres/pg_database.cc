#include "cipms/storage/postgres/pg_database.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

#include "cipms/domain/seed.h"
#include "cipms/storage/postgres/pg_migrations.h"
#include "cipms/storage/postgres/pg_session.h"

extern char** environ;

namespace cipms {
namespace pg {
namespace {

// Serialises migrate() across processes (several servers may start at once).
constexpr long long kMigrateLockKey = 0x636970'6d73'01;  // "cipms" 1
// Idle connections kept for reuse; more may be open while sessions are in use.
constexpr std::size_t kMaxIdle = 16;

void seed_taxonomy(Conn& c) {
  const Taxonomy& t = builtin_taxonomy();
  auto put = [&](const char* table, const std::vector<TaxonomyEntry>& v) {
    for (const auto& e : v) {
      Params p;
      std::string q = std::string("INSERT INTO ") + table +
                      " (code, parent, name, name_en, active) VALUES (" + p.add(e.code) + ", ";
      q += p.add(e.parent) + ", ";
      q += p.add(e.name) + ", ";
      q += p.add(e.name_en) + ", ";
      q += p.add(e.active ? 1 : 0) + ")";
      c.query(q, p);
    }
  };
  put("sectors", t.sectors);
  put("subsectors", t.subsectors);
  put("facility_types", t.facility_types);
  put("resources", t.resources);
  put("threats", t.threats);
  for (const auto& k : t.counties) {
    Params p;
    std::string q = "INSERT INTO counties (code, abbrev, name, name_en, population, lat, lon) VALUES (" +
                    p.add(k.code) + ", ";
    q += p.add(k.abbrev) + ", ";
    q += p.add(k.name) + ", ";
    q += p.add(k.name_en) + ", ";
    q += p.add(static_cast<long long>(k.population)) + ", ";
    q += p.add(k.lat) + ", ";
    q += p.add(k.lon) + ")";
    c.query(q, p);
  }
}

// The PostgreSQL client tools: the version-15 folder of Debian's packaging first, then PATH.
std::string pg_tool(const std::string& name) {
  std::string debian = "/usr/lib/postgresql/15/bin/" + name;
  if (::access(debian.c_str(), X_OK) == 0) return debian;
  return name;  // posix_spawnp searches PATH
}

// Runs a tool without a shell (arguments are never interpreted); returns its exit status and
// its stderr (through a temporary file) in *err.
int run_tool(std::vector<std::string> args, std::string* err) {
  auto err_path = std::filesystem::temp_directory_path() /
                  ("cipms-pgtool-" + std::to_string(::getpid()) + "-" +
                   std::to_string(reinterpret_cast<std::uintptr_t>(err)) + ".log");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    *err = "cannot run " + args[0] + ": " + std::strerror(rc);
    return 127;
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  std::ifstream in(err_path);
  err->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::error_code ec;
  std::filesystem::remove(err_path, ec);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

class PgDatabase final : public Database {
 public:
  explicit PgDatabase(std::string url) : url_(std::move(url)), pool_(std::make_shared<ConnPool>(url_)) {}

  Result<int> migrate() override {
    CIPMS_ASSIGN_OR_RETURN(auto c, Conn::connect(url_));
    int reached = 0;
    for (const Migration& m : migrations()) {
      CIPMS_RETURN_IF_ERROR(c->exec("BEGIN"));
      Status done = [&]() -> Status {
        try {
          Params lock;
          c->query("SELECT pg_advisory_xact_lock(" + lock.add(kMigrateLockKey) + ")", lock);
          c->script("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
          long long have =
              c->query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").i64(0, 0);
          if (have >= m.version) return Status::ok();  // another process got there first
          c->script(m.sql);
          if (m.version == 1) seed_taxonomy(*c);
          Params p;
          std::string q = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (" +
                          p.add(m.version) + ", ";
          q += p.add(m.name) + ", ";
          q += p.add(format_utc(std::chrono::time_point_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now()))) + ")";
          c->query(q, p);
          return Status::ok();
        } catch (const PgError& e) {
          return status_of(e);
        }
      }();
      if (!done.is_ok()) {
        (void)c->exec("ROLLBACK");
        return Status(done.code(), "migration " + std::to_string(m.version) + " (" + m.name +
                                       ") failed: " + done.message(), done.errors());
      }
      CIPMS_RETURN_IF_ERROR(c->exec("COMMIT"));
      reached = m.version;
    }
    if (reached == 0) return schema_version();
    return reached;
  }

  Result<int> schema_version() override {
    CIPMS_ASSIGN_OR_RETURN(auto c, Conn::connect(url_));
    try {
      if (c->query("SELECT to_regclass('schema_migrations') IS NOT NULL").text(0, 0) != "t") return 0;
      return static_cast<int>(
          c->query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").i64(0, 0));
    } catch (const PgError& e) {
      return status_of(e);
    }
  }

  Result<std::unique_ptr<Session>> session() override {
    CIPMS_ASSIGN_OR_RETURN(auto c, pool_->take());
    return std::unique_ptr<Session>(std::make_unique<PgSession>(std::move(c), pool_));
  }

  const char* backend() const override { return "postgresql"; }

  Status backup(const std::string& path) override {
    // Written next to the target and renamed, so a failed dump never replaces a good file.
    std::string tmp = path + ".partial";
    std::string err;
    int rc = run_tool({pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file=" + tmp,
                       "--dbname=" + url_},
                      &err);
    std::error_code ec;
    if (rc != 0) {
      std::filesystem::remove(tmp, ec);
      return Status::internal("pg_dump failed (exit " + std::to_string(rc) + "): " + err);
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) return Status::internal("cannot write " + path + ": " + ec.message());
    return Status::ok();
  }

  Status restore(const std::string& path) override {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      return Status::invalid("backup file " + path + " does not exist or is not a file");
    std::string err;
    // The table of contents first: a file that is not a pg_dump archive fails here, before
    // the database is touched.
    if (int rc = run_tool({pg_tool("pg_restore"), "--list", path}, &err); rc != 0)
      return Status::invalid("not a PostgreSQL backup (pg_dump -Fc) file: " + path + ": " + err);
    // One transaction: any error leaves the database as it was.
    int rc = run_tool({pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                       "--single-transaction", "--exit-on-error", "--dbname=" + url_, path},
                      &err);
    if (rc != 0)
      return Status::invalid("restore from " + path + " failed, database unchanged: " + err);
    pool_->clear();  // cached connections may hold plans on the replaced tables
    return Status::ok();
  }

 private:
  class ConnPool final : public Pool {
   public:
    explicit ConnPool(std::string url) : url_(std::move(url)) {}
    Result<std::unique_ptr<Conn>> take() {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!idle_.empty()) {
          auto c = std::move(idle_.back());
          idle_.pop_back();
          return c;
        }
      }
      return Conn::connect(url_);
    }
    void give_back(std::unique_ptr<Conn> c) override {
      if (!c || !c->reusable()) return;
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < kMaxIdle) idle_.push_back(std::move(c));
    }
    void clear() {
      std::lock_guard<std::mutex> lock(mu_);
      idle_.clear();
    }

   private:
    std::string url_;
    std::mutex mu_;
    std::vector<std::unique_ptr<Conn>> idle_;
  };

  std::string url_;
  std::shared_ptr<ConnPool> pool_;
};

}  // namespace
}  // namespace pg

Result<std::unique_ptr<Database>> open_postgres_database(const std::string& url) {
  CIPMS_ASSIGN_OR_RETURN(auto c, pg::Conn::connect(url));
  (void)c;
  return std::unique_ptr<Database>(std::make_unique<pg::PgDatabase>(url));
}

}  // namespace cipms
