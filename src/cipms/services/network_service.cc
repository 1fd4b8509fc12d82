#include "cipms/services/network_service.h"

#include <unordered_map>

#include "cipms/services/network_io.h"

namespace cipms {

namespace {

// Memoised "does this code exist?" over a Session; the parser asks once per distinct code
// that the file itself does not define, so a merge import costs one query per such code.
class ExistenceCache {
 public:
  explicit ExistenceCache(std::function<bool(const std::string&)> lookup) : lookup_(std::move(lookup)) {}
  bool operator()(const std::string& code) {
    auto it = cache_.find(code);
    if (it != cache_.end()) return it->second;
    bool found = lookup_(code);
    cache_.emplace(code, found);
    return found;
  }

 private:
  std::function<bool(const std::string&)> lookup_;
  std::unordered_map<std::string, bool> cache_;
};

}  // namespace

namespace {

using Parser = std::function<Result<NetworkSnapshot>(const Taxonomy&, const ParseOptions&)>;

Result<ImportCounts> import_with(const ServiceContext& ctx, ImportMode mode, const Parser& parse) {
  CIPMS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx.db->session());
  CIPMS_ASSIGN_OR_RETURN(Taxonomy tax, session->load_taxonomy());
  Session* s = session.get();
  auto facilities = std::make_shared<ExistenceCache>(
      [s](const std::string& code) { return s->find_facility_by_code(code).is_ok(); });
  auto orgs = std::make_shared<ExistenceCache>(
      [s](const std::string& code) { return s->find_organisation_by_code(code).is_ok(); });
  ParseOptions opt;
  // On replace the registry's facilities are deleted first, so only the file's own count.
  if (mode == ImportMode::kMerge) opt.known_code = [facilities](const std::string& c) { return (*facilities)(c); };
  opt.known_org = [orgs](const std::string& c) { return (*orgs)(c); };
  CIPMS_ASSIGN_OR_RETURN(NetworkSnapshot net, parse(tax, opt));
  return session->import_network(net, mode, ctx.clock->now());
}

}  // namespace

Result<ImportCounts> NetworkService::import_json(std::string_view text, ImportMode mode) {
  return import_with(ctx_, mode, [text](const Taxonomy& tax, const ParseOptions& opt) {
    return parse_network_json(text, tax, opt);
  });
}

Result<ImportCounts> NetworkService::import_csv(std::string_view facilities_csv,
                                                std::string_view dependencies_csv, ImportMode mode) {
  return import_with(ctx_, mode, [&](const Taxonomy& tax, const ParseOptions& opt) {
    return parse_network_csv(facilities_csv, dependencies_csv, tax, opt);
  });
}

Result<NetworkSnapshot> NetworkService::snapshot() {
  CIPMS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx_.db->session());
  return session->load_network();
}

Result<std::string> NetworkService::export_as(ExportFormat format) {
  CIPMS_ASSIGN_OR_RETURN(NetworkSnapshot net, snapshot());
  switch (format) {
    case ExportFormat::kJson: return network_to_json(net);
    case ExportFormat::kGeoJson: return network_to_geojson(net);
    case ExportFormat::kFacilitiesCsv: return facilities_to_csv(net);
    case ExportFormat::kDependenciesCsv: return dependencies_to_csv(net);
  }
  return Status::invalid("unknown export format");
}

Result<ImportCounts> NetworkService::load_demo(const DemoOptions& opt) {
  if (opt.facilities < 1) return Status::invalid("the demo network needs at least one facility");
  CIPMS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx_.db->session());
  const TimePoint now = ctx_.clock->now();
  // Organisations first (their own transaction): import_network opens one of its own.
  Status st = session->transact([&]() -> Status {
    for (const Organisation& o : demo_organisations()) {
      auto found = session->find_organisation_by_code(o.code);
      if (found.is_ok()) continue;
      if (found.status().code() != Code::kNotFound) return found.status();
      auto created = session->create_organisation(o, now);
      if (!created.is_ok()) return created.status();
    }
    return Status::ok();
  });
  CIPMS_RETURN_IF_ERROR(st);
  NetworkSnapshot net = generate_demo_network(opt);
  return session->import_network(net, ImportMode::kReplace, now);
}

}  // namespace cipms
