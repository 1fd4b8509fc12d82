// `cipms import` (network.json, or facilities.csv + dependencies.csv, into the registry) and
// `cipms export` (the registry as json, csv or geojson). Bad input prints every problem with
// its file and place to stderr, exits with status 2 and writes nothing.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cipms/cli/commands.h"
#include "cipms/services/network_service.h"

namespace cipms::cli {

namespace {

namespace fs = std::filesystem;




Status write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::invalid("cannot write " + path.string());
  out << text;
  out.close();
  if (!out) return Status::internal("writing " + path.string() + " failed");
  return Status::ok();
}

// Names the user's files in the places: "network.json" JSON pointers get the path in front,
// CSV places name the actual files instead of the generic "facilities.csv".
Status in_files(const Status& st, const std::vector<std::string>& files) {
  std::vector<FieldError> errors = st.errors();
  for (FieldError& e : errors) {
    if (files.size() == 1) {
      e.pointer = files[0] + ": " + (e.pointer.empty() ? "/" : e.pointer);
    } else {
      for (auto [generic, actual] : {std::pair{std::string("facilities.csv"), files[0]},
                                     std::pair{std::string("dependencies.csv"), files[1]}})
        if (e.pointer.rfind(generic, 0) == 0) e.pointer = actual + e.pointer.substr(generic.size());
    }
  }
  return Status(st.code(), st.message(), std::move(errors));
}

Result<ServiceContext> open_context(const std::string& url, bool create) {
  if (url.find("://") == std::string::npos) {
    fs::path path = sqlite_file_of(url);
    if (!create && !fs::exists(path)) return Status::not_found("no database at " + path.string());
    std::error_code ec;
    if (create && !path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  }
  CIPMS_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::open(url));
  ServiceContext ctx{std::shared_ptr<Database>(std::move(db)), system_clock()};
  if (create) {
    auto version = ctx.db->migrate();
    if (!version.is_ok()) return version.status();
  }
  return ctx;
}

struct ImportArgs {
  std::string db;
  std::vector<std::string> files;
  bool replace = false;
};

int run_import(const ImportArgs& a) {
  if (a.files.empty() || a.files.size() > 2)
    return fail("import", Status::invalid("give network.json, or facilities.csv and dependencies.csv"));
  if (a.files.size() == 1 && fs::path(a.files[0]).extension() == ".csv")
    return fail("import", Status::invalid("a CSV import needs two files: facilities.csv dependencies.csv"));
  std::vector<std::string> texts;
  for (const std::string& f : a.files) {
    auto text = read_file(f);
    if (!text.is_ok()) return fail("import", text.status());
    texts.push_back(std::move(text).value());
  }
  auto ctx = open_context(a.db, true);
  if (!ctx.is_ok()) return fail("import", ctx.status());
  NetworkService svc(*ctx);
  const ImportMode mode = a.replace ? ImportMode::kReplace : ImportMode::kMerge;
  auto counts = a.files.size() == 1 ? svc.import_json(texts[0], mode) : svc.import_csv(texts[0], texts[1], mode);
  if (!counts.is_ok()) return fail("import", in_files(counts.status(), a.files));
  std::cout << "imported (" << (a.replace ? "replace" : "merge") << "): " << counts->facilities_created
            << " facilities created, " << counts->facilities_updated << " updated, " << counts->dependencies_written
            << " dependencies written\n";
  return 0;
}

struct ExportArgs {
  std::string db;
  std::string format = "json";
  std::string out;
};

int run_export(const ExportArgs& a) {
  if (a.format == "csv" && a.out.empty())
    return fail("export", Status::invalid("--format csv writes two files: give --out DIR"));
  auto ctx = open_context(a.db, false);
  if (!ctx.is_ok()) return fail("export", ctx.status());
  NetworkService svc(*ctx);
  if (a.format == "csv") {
    auto fac = svc.export_as(ExportFormat::kFacilitiesCsv);
    if (!fac.is_ok()) return fail("export", fac.status());
    auto dep = svc.export_as(ExportFormat::kDependenciesCsv);
    if (!dep.is_ok()) return fail("export", dep.status());
    std::error_code ec;
    fs::create_directories(a.out, ec);
    if (ec) return fail("export", Status::invalid("cannot create " + a.out + ": " + ec.message()));
    Status st = write_file(fs::path(a.out) / "facilities.csv", *fac);
    if (st.is_ok()) st = write_file(fs::path(a.out) / "dependencies.csv", *dep);
    if (!st.is_ok()) return fail("export", st);
    return 0;
  }
  auto text = svc.export_as(a.format == "geojson" ? ExportFormat::kGeoJson : ExportFormat::kJson);
  if (!text.is_ok()) return fail("export", text.status());
  if (a.out.empty() || a.out == "-") {
    std::cout << *text;
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  Status st = write_file(a.out, *text);
  return st.is_ok() ? 0 : fail("export", st);
}

}  // namespace

void add_import_export_commands(CLI::App& app) {
  auto in = std::make_shared<ImportArgs>();
  CLI::App* imp = app.add_subcommand(
      "import", "Import network.json, or facilities.csv and dependencies.csv (in that order), into the registry");
  add_db_option(*imp, in->db);
  imp->add_option("files", in->files, "network.json | facilities.csv dependencies.csv")->required();
  imp->add_flag("--replace", in->replace,
                "replace the registry's facilities and dependencies (default: merge by facility id)");
  imp->callback([in] { set_exit(run_import(*in)); });

  auto out = std::make_shared<ExportArgs>();
  CLI::App* exp = app.add_subcommand("export", "Export the registry network");
  add_db_option(*exp, out->db);
  exp->add_option("--format", out->format, "json | csv | geojson")
      ->check(CLI::IsMember({"json", "csv", "geojson"}))
      ->capture_default_str();
  exp->add_option("--out", out->out, "output file (json, geojson; default stdout) or directory (csv)");
  exp->callback([out] { set_exit(run_export(*out)); });
}

}  // namespace cipms::cli
