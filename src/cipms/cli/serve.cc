// `cipms serve`: the API and the web UI over HTTP; and the hidden `cipms routes`, which prints
// the route table (the OpenAPI test compares it with docs/api/openapi.json).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <stop_token>
#include <thread>

#include "cipms/api/permissions.h"
#include "cipms/api/routes.h"
#include "cipms/api/server.h"
#include "cipms/api/session_pool.h"
#include "cipms/base/log.h"
#include "cipms/cli/commands.h"
#include "cipms/services/auth_service.h"
#include "cipms/services/demo_surveys.h"
#include "cipms/services/network_service.h"
#include "cipms/services/registry_service.h"
#include "cipms/services/survey_service.h"

namespace cipms::cli {

namespace {

struct ServeArgs {
  std::string db;
  std::string listen;
  bool demo = false;
  bool demo_users = false;
  bool demo_round = false;
  unsigned threads = 0;
  std::string web;
  std::size_t max_import_mb = 64;
  std::string log_format = "json";
  std::string tls_cert, tls_key;
  unsigned reminder_interval_minutes = 60;
};

bool split_listen(const std::string& listen, std::string* host, std::uint16_t* port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  *host = listen.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  if (host->empty()) *host = "0.0.0.0";
  try {
    std::size_t used = 0;
    unsigned long p = std::stoul(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || p == 0 || p > 65535) return false;
    *port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return true;
}

// The survey reminder sweep (SurveyService::run_reminders) at start and then every `every`, on a
// thread of its own. The returned jthread's destructor asks it to stop — waking it from its
// wait at once — and joins it, so it must be destroyed before `ctx`'s database goes away.
std::jthread start_reminder_sweep(const ServiceContext& ctx, std::chrono::minutes every) {
  return std::jthread([ctx, every](std::stop_token stop) {
    SurveyService svc(ctx);
    std::mutex mu;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      auto n = svc.run_reminders(ctx.clock->now());
      if (!n.is_ok())
        log_event(LogLevel::kError, "reminders_failed", R"("error":")" + std::string(code_name(n.status().code())) + "\"");
      else if (*n > 0)
        log_event(LogLevel::kInfo, "reminders", R"("created":)" + std::to_string(*n));
      std::unique_lock<std::mutex> lock(mu);
      wake.wait_for(lock, stop, every, [] { return false; });
    }
  });
}

int fail(const Status& st, int code = 1) {
  log_event(LogLevel::kError, "serve_failed", R"("error":")" + std::string(code_name(st.code())) + "\"");
  std::cerr << "cipms serve: " << st.to_string() << "\n";
  return code;
}

int serve(const ServeArgs& a) {
  init_logging(a.log_format == "json");
  api::ServerOptions opt;
  if (!split_listen(a.listen, &opt.address, &opt.port))
    return fail(Status::invalid("--listen must be ADDRESS:PORT, not '" + a.listen + "'"), 2);
  opt.threads = a.threads;
  opt.api.max_import_bytes = a.max_import_mb << 20;
  opt.tls_cert = a.tls_cert;
  opt.tls_key = a.tls_key;
  if (!a.web.empty()) {
    if (!std::filesystem::is_directory(a.web)) return fail(Status::invalid("--web " + a.web + " is not a directory"), 2);
    opt.web_dir = a.web;
  } else if (std::filesystem::is_regular_file("web/dist/index.html")) {
    opt.web_dir = "web/dist";
  }

  // A plain file path: make its folder, as a first `make run` has no var/ yet.
  if (a.db.find("://") == std::string::npos) {
    std::string path = a.db.rfind("sqlite:", 0) == 0 ? a.db.substr(7) : a.db;
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  auto db = Database::open(a.db);
  if (!db.is_ok()) return fail(db.status());
  ServiceContext ctx{std::shared_ptr<Database>(std::move(db).value()), system_clock()};
  auto version = ctx.db->migrate();
  // One connection per request would cost as much as the request itself: reuse them.
  ctx.db = api::make_session_pool(ctx.db, std::max(16u, a.threads * 2));
  if (!version.is_ok()) return fail(version.status());
  log_event(LogLevel::kInfo, "database",
            R"("backend":")" + std::string(ctx.db->backend()) + R"(","schema_version":)" + std::to_string(*version));

  if (a.demo) {
    FacilityFilter f;
    f.limit = 1;
    auto page = RegistryService(ctx).list_facilities(Principal::system_actor("serve"), f);
    if (!page.is_ok()) return fail(page.status());
    if (page->total == 0) {
      auto counts = NetworkService(ctx).load_demo(DemoOptions{});
      if (!counts.is_ok()) return fail(counts.status());
      log_event(LogLevel::kInfo, "demo_loaded",
                R"("facilities":)" + std::to_string(counts->facilities_created) +
                    R"(,"dependencies":)" + std::to_string(counts->dependencies_written));
    }
  }

  if (a.demo || a.demo_users) {
    const char* env_pw = std::getenv("CIPMS_DEMO_PASSWORD");
    std::string pw = env_pw && *env_pw ? env_pw : "cipms-demo-2026";
    auto users = seed_demo_users(ctx, pw);
    if (!users.is_ok()) return fail(users.status());
    // Demo mode only: the accounts anyone may try, printed where the person who typed
    // `make run` sees them.
    std::cerr << "cipms demo accounts (password \"" << pw << "\" unless changed):\n";
    for (const auto& [name, role] : *users) std::cerr << "  " << name << "  (" << role_code(role) << ")\n";
  } else if (auto n = AuthService(ctx).user_count(); n.is_ok() && *n == 0) {
    log_event(LogLevel::kWarn, "no_users", R"("hint":"create one: cipms user create --admin")");
  }

  // After the demo accounts: the seeded surveys are filled and reviewed by `tpc`, `energy`, `ohs`.
  if (a.demo_round) {
    auto started = std::chrono::steady_clock::now();
    auto round = open_demo_round(ctx, Principal::system_actor("serve"));
    if (!round.is_ok()) return fail(round.status());
    if (round->opened) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      std::string states;
      for (const auto& [state, n] : round->seeded.by_state)
        states += std::string(states.empty() ? "" : ",") + "\"" + state + "\":" + std::to_string(n);
      log_event(LogLevel::kInfo, "survey_round_opened",
                R"("year":)" + std::to_string(round->opened->year) + R"(,"deadline":")" + round->opened->deadline +
                    R"(","demo_surveys":)" + std::to_string(round->seeded.surveys) + R"(,"by_state":{)" + states +
                    R"(},"ms":)" + std::to_string(ms.count()));
    }
  }

  api::Dispatcher dispatcher(api::build_router(ctx), opt.api);
  dispatcher.set_auth(api::make_auth_middleware(ctx));
  std::jthread reminders;
  if (a.reminder_interval_minutes > 0)
    reminders = start_reminder_sweep(ctx, std::chrono::minutes(a.reminder_interval_minutes));
  Status st = api::run_server(dispatcher, opt);
  // Stop the sweep before the database and the pool go (also when the server failed to start).
  reminders.request_stop();
  if (reminders.joinable()) reminders.join();
  if (!st.is_ok()) return fail(st, st.code() == Code::kInvalidArgument ? 2 : 1);
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the API (/api/v1) and the web UI over HTTP");
  add_db_option(*cmd, args->db);
  const char* env = std::getenv("CIPMS_LISTEN");
  args->listen = env && *env ? env : "127.0.0.1:8080";
  cmd->add_option("--listen", args->listen, "ADDRESS:PORT to listen on; env CIPMS_LISTEN")->capture_default_str();
  cmd->add_flag("--demo", args->demo,
                "Load the demo network when the registry has no facilities, and the demo accounts");
  cmd->add_flag("--demo-round", args->demo_round,
                "Open this year's survey round (1 January to 30 days from today) when the year has none, with demo "
                "surveys in every workflow state");
  cmd->add_flag("--demo-users", args->demo_users,
                "Create the demo accounts (one per role; password $CIPMS_DEMO_PASSWORD or the printed default) "
                "when there are no users");
  cmd->add_option("--threads", args->threads, "Worker threads (default: max(4, CPUs))")->check(CLI::Range(1, 256));
  cmd->add_option("--web", args->web, "Folder of the built web UI (default: web/dist when present)");
  cmd->add_option("--max-import-mb", args->max_import_mb, "Largest network import body, MiB")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_option("--log-format", args->log_format, "Log lines as json or text")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  cmd->add_option("--reminder-interval-minutes", args->reminder_interval_minutes,
                  "Send due survey reminders at start and then every N minutes; 0 = never (use `cipms survey remind`)")
      ->check(CLI::Range(0u, 10080u))
      ->capture_default_str();
  auto* cert = cmd->add_option("--tls-cert", args->tls_cert, "Serve HTTPS only: PEM certificate (chain) file");
  auto* key = cmd->add_option("--tls-key", args->tls_key, "Serve HTTPS only: PEM private key file (with --tls-cert)");
  cert->needs(key);
  key->needs(cert);
  cmd->callback([args] { set_exit(serve(*args)); });

  // Hidden: the route table, one "METHOD PATTERN" per line (with --permissions, the
  // permission each needs as a third column: the access test walks this table).
  CLI::App* routes = app.add_subcommand("routes", "Print the HTTP route table");
  routes->group("");
  auto with_perms = std::make_shared<bool>(false);
  routes->add_flag("--permissions", *with_perms, "Add the permission each route needs");
  routes->callback([with_perms] {
    api::Router r = api::build_router(ServiceContext{});
    int missing = 0;
    for (const api::Route& route : r.routes()) {
      std::cout << route.method << " " << route.pattern;
      if (*with_perms) {
        auto p = api::route_permission(route.method, route.pattern);
        std::cout << " " << (p ? permission_code(*p) : "MISSING");
        missing += !p;
      }
      std::cout << "\n";
    }
    set_exit(missing ? 1 : 0);
  });
}

}  // namespace cipms::cli
