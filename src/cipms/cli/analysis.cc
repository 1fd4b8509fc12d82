// cipms simulate / cipms rank: the analysis engine on network files or the stored registry.
// Output is the results JSON on stdout and nothing else; every failure goes to stderr with
// exit status 2 for bad input (files, JSON, fields — with their JSON pointer or line) and 1
// for anything else.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "cipms/cli/commands.h"
#include "cipms/domain/seed.h"
#include "cipms/services/analysis.h"
#include "cipms/services/network_io.h"
#include "cipms/services/scenario_io.h"

namespace cipms::cli {

namespace {

struct NetworkSource {
  std::string network, facilities, dependencies, db;
  CLI::Option* db_opt = nullptr;
};

void add_network_options(CLI::App& cmd, NetworkSource& src) {
  cmd.add_option("--network", src.network, "network.json (docs/cascade-model.md)");
  cmd.add_option("--facilities", src.facilities, "facilities.csv (with --dependencies)");
  cmd.add_option("--dependencies", src.dependencies, "dependencies.csv (with --facilities)");
  add_db_option(cmd, src.db);
  src.db_opt = cmd.get_option("--db");
}



// Annotates field errors of a file with the file's name ("network.json: /dependencies/3/...").
Status in_file(const Status& st, const std::string& path) {
  std::vector<FieldError> errors = st.errors();
  for (FieldError& e : errors) e.pointer = path + ": " + (e.pointer.empty() ? "/" : e.pointer);
  return Status(st.code(), st.message() + " in " + path, std::move(errors));
}

Result<std::shared_ptr<const AnalysisNetwork>> load_network(const NetworkSource& src) {
  const bool files = !src.network.empty() || !src.facilities.empty() || !src.dependencies.empty();
  if (files && src.db_opt->count() > 0)
    return Status::invalid("give either network files or --db, not both");
  if (!src.network.empty() && (!src.facilities.empty() || !src.dependencies.empty()))
    return Status::invalid("give either --network or --facilities/--dependencies, not both");
  if (!src.network.empty()) {
    CIPMS_ASSIGN_OR_RETURN(std::string text, read_file(src.network));
    auto net = parse_network_json(text, builtin_taxonomy());
    if (!net.is_ok()) return in_file(net.status(), src.network);
    return build_analysis_network(*net);
  }
  if (files) {
    if (src.facilities.empty() || src.dependencies.empty())
      return Status::invalid("--facilities and --dependencies go together");
    CIPMS_ASSIGN_OR_RETURN(std::string fac, read_file(src.facilities));
    CIPMS_ASSIGN_OR_RETURN(std::string dep, read_file(src.dependencies));
    auto net = parse_network_csv(fac, dep, builtin_taxonomy());
    if (!net.is_ok()) return net.status();
    return build_analysis_network(*net);
  }
  // The stored registry. A missing file is an error here, not a new empty database.
  std::string path = src.db;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  if (src.db.find("://") == std::string::npos && !std::filesystem::exists(path))
    return Status::not_found("database " + src.db + " does not exist (run `cipms demo` or `cipms import`)");
  auto db = Database::open(src.db);
  if (!db.is_ok()) return db.status();
  ServiceContext ctx{std::shared_ptr<Database>(std::move(db).value()), system_clock()};
  CIPMS_ASSIGN_OR_RETURN(NetworkSnapshot net, load_registry_network(ctx));
  return build_analysis_network(net);
}

}  // namespace

void add_analysis_commands(CLI::App& app) {
  {
    auto src = std::make_shared<NetworkSource>();
    auto scenario = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand(
        "simulate", "Run a cascade scenario; prints the results JSON (docs/cascade-model.md)");
    add_network_options(*cmd, *src);
    cmd->add_option("--scenario", *scenario, "scenario.json")->required();
    cmd->callback([src, scenario]() {
      auto net = load_network(*src);
      if (!net.is_ok()) return set_exit(fail("simulate", net.status()));
      auto text = read_file(*scenario);
      if (!text.is_ok()) return set_exit(fail("simulate", text.status()));
      const AnalysisNetwork& n = **net;
      auto sc = parse_scenario_json(*text, [&](const std::string& id) { return n.index.count(id) > 0; });
      if (!sc.is_ok()) return set_exit(fail("simulate", in_file(sc.status(), *scenario)));
      auto json = simulate_to_json(n, *sc);
      if (!json.is_ok()) return set_exit(fail("simulate", json.status()));
      std::cout << *json << "\n";
      set_exit(0);
    });
  }
  {
    struct RankArgs {
      NetworkSource src;
      double horizon = 168;
      std::int64_t top = -1;
      int threads = 0;
    };
    auto a = std::make_shared<RankArgs>();
    CLI::App* cmd = app.add_subcommand(
        "rank", "Criticality ranking: each facility damaged on [0, horizon), impact on the others");
    add_network_options(*cmd, a->src);
    cmd->add_option("--horizon", a->horizon, "hours")->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->add_option("--top", a->top, "print only the first K facilities")->check(CLI::NonNegativeNumber);
    cmd->add_option("--threads", a->threads, "worker threads (default: all cores)")->check(CLI::PositiveNumber);
    cmd->callback([a]() {
      auto net = load_network(a->src);
      if (!net.is_ok()) return set_exit(fail("rank", net.status()));
      RankingOptions opt;
      opt.horizon_hours = a->horizon;
      opt.threads = a->threads > 0 ? a->threads : std::max(1u, std::thread::hardware_concurrency());
      auto r = rank_facilities(**net, opt);
      if (!r.is_ok()) return set_exit(fail("rank", r.status()));
      std::cout << ranking_to_json(*r, 0, a->top) << "\n";
      set_exit(0);
    });
  }
}

}  // namespace cipms::cli
