// `cipms audit verify` (walk the hash chain of the audit log: exit 0 when intact, 1 when
// tampered, naming the first bad entry) and `cipms audit list` (the newest entries, as a table
// or --json). Both read only; a database that does not exist exits 2.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cipms/cli/commands.h"
#include "cipms/services/audit.h"
#include "cipms/storage/store.h"

namespace cipms::cli {

namespace {

// An existing database (opening a SQLite path that does not exist would create one).
Result<ServiceContext> open_existing(const std::string& url) {
  if (url.find("://") == std::string::npos && !std::filesystem::exists(sqlite_file_of(url)))
    return Status::not_found("no database at " + sqlite_file_of(url));
  auto db = Database::open(url);
  if (!db.is_ok()) return db.status();
  return ServiceContext{std::shared_ptr<Database>(std::move(db).value()), system_clock()};
}

std::string shorten(std::string s, std::size_t n) {
  if (s.size() <= n) return s;
  // Cut on a UTF-8 character boundary.
  std::size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

}  // namespace

void add_audit_commands(CLI::App& app) {
  CLI::App* audit = app.add_subcommand("audit", "The tamper-evident audit log");
  audit->require_subcommand(1);

  auto verify_db = std::make_shared<std::string>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check the audit log's hash chain: exit 0 when intact, 1 naming the first bad entry");
  add_db_option(*verify, *verify_db);
  verify->callback([verify_db] {
    auto ctx = open_existing(*verify_db);
    if (!ctx.is_ok()) return set_exit(fail("audit verify", ctx.status()));
    auto v = audit_verify(*ctx);
    if (!v.is_ok()) return set_exit(fail("audit verify", v.status()));
    if (v->ok) {
      std::cout << "audit log OK: " << v->entries << " entries\n";
      return set_exit(0);
    }
    std::cout << "audit log TAMPERED at entry " << v->first_bad.value_or(0) << ": " << v->problem << "\n";
    set_exit(1);
  });

  struct ListArgs {
    std::string db;
    int limit = 50;
    std::string action;
    bool json = false;
  };
  auto args = std::make_shared<ListArgs>();
  CLI::App* list = audit->add_subcommand("list", "Print the newest audit log entries");
  add_db_option(*list, args->db);
  list->add_option("--limit", args->limit, "How many entries (1..1000)")->check(CLI::Range(1, 1000))->capture_default_str();
  list->add_option("--action", args->action, "Only this action, or a prefix ending in '*' (facility.*)");
  list->add_flag("--json", args->json, R"(Print {"items": [...], "total": N} instead of a table)");
  list->callback([args] {
    auto ctx = open_existing(args->db);
    if (!ctx.is_ok()) return set_exit(fail("audit list", ctx.status()));
    AuditFilter f;
    f.limit = args->limit;
    if (!args->action.empty()) f.action = args->action;
    auto page = audit_search(*ctx, f);
    if (!page.is_ok()) return set_exit(fail("audit list", page.status()));
    if (args->json) {
      nlohmann::json items = nlohmann::json::array();
      for (const AuditEntry& e : page->items) items.push_back(audit_entry_json(e));
      nlohmann::json out = {{"items", std::move(items)}, {"total", page->total}};
      std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return set_exit(0);
    }
    std::cout << "seq\tat\tactor\taction\ttarget\toutcome\tdetail\n";
    for (const AuditEntry& e : page->items) {
      std::string target = e.target_kind.empty() ? "-" : e.target_kind + (e.target_id.empty() ? "" : ":" + e.target_id);
      std::cout << e.seq << "\t" << e.at << "\t" << e.actor << "\t" << e.action << "\t" << target << "\t" << e.outcome
                << "\t" << shorten(e.detail, 80) << "\n";
    }
    std::cout << "(" << page->items.size() << " of " << page->total << " entries, newest first)\n";
    set_exit(0);
  });
}

}  // namespace cipms::cli
