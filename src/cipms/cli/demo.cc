// `cipms demo`: migrates the database, then replaces its registry network with the
// deterministic demo network (services/demo.h); the demo organisations are added if missing.
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cipms/cli/commands.h"
#include "cipms/services/network_service.h"

namespace cipms::cli {

namespace {

struct DemoArgs {
  std::string db;
  std::int64_t facilities = 3000;
  std::uint64_t seed = 1;
};


int run_demo(const DemoArgs& a) {
  if (a.facilities < 1 || a.facilities > 5'000'000)
    return fail("demo", Status::invalid("--facilities must be between 1 and 5000000"));
  if (a.db.find("://") == std::string::npos) {
    std::string path = sqlite_file_of(a.db);
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  auto db = Database::open(a.db);
  if (!db.is_ok()) return fail("demo", db.status());
  ServiceContext ctx{std::shared_ptr<Database>(std::move(db).value()), system_clock()};
  auto version = ctx.db->migrate();
  if (!version.is_ok()) return fail("demo", version.status());
  auto t0 = std::chrono::steady_clock::now();
  NetworkService svc(ctx);
  auto counts = svc.load_demo({a.facilities, a.seed});
  if (!counts.is_ok()) return fail("demo", counts.status());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "demo network (seed " << a.seed << ") in " << a.db << ": "
            << counts->facilities_created + counts->facilities_updated << " facilities, "
            << counts->dependencies_written << " dependencies, " << secs << " s\n";
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand("demo", "Replace the registry network with the Taiwan-like demo network");
  add_db_option(*cmd, args->db);
  cmd->add_option("--facilities", args->facilities, "number of facilities")->capture_default_str();
  cmd->add_option("--seed", args->seed, "random seed; the same seed gives the same network")->capture_default_str();
  cmd->callback([args] { set_exit(run_demo(*args)); });
}

}  // namespace cipms::cli
