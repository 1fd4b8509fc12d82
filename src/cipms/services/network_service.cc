#include "cipms/services/network_service.h"

#include <unordered_set>

#include "cipms/storage/security_store.h"

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

Result<std::optional<std::unordered_set<std::string>>> NetworkService::readable_codes(const Principal& who) {
  if (who.system) return std::optional<std::unordered_set<std::string>>();
  AccessFilter a = access_filter(who);
  a.now = format_utc(ctx_.clock->now());
  CIPMS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx_.db->session());
  CIPMS_ASSIGN_OR_RETURN(auto codes, security_store::readable_facility_codes(*session, a));
  return std::optional<std::unordered_set<std::string>>(std::unordered_set<std::string>(
      std::make_move_iterator(codes.begin()), std::make_move_iterator(codes.end())));
}

Result<NetworkSnapshot> NetworkService::snapshot_for(const Principal& who) {
  CIPMS_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, ctx_.db->session());
  CIPMS_ASSIGN_OR_RETURN(NetworkSnapshot net, session->load_network());
  if (who.system) return net;
  if (!who.can(Permission::kRegistryRead)) return NetworkSnapshot{};
  const std::string now = format_utc(ctx_.clock->now());
  std::unordered_set<std::int64_t> granted;
  if (who.user.valid()) {
    CIPMS_ASSIGN_OR_RETURN(auto grants, security_store::list_grants(*session, who.user, std::string("facility"),
                                                                    std::nullopt));
    for (const Grant& g : grants)
      if (!g.expires_at || *g.expires_at > now) granted.insert(g.record_id);
  }
  NetworkSnapshot out;
  std::unordered_set<std::string> readable, referable;
  for (std::size_t i = 0; i < net.facilities.size(); ++i) {
    Facility f = net.facilities[i];
    // Scope by organisation code: the snapshot names organisations by code.
    f.provider = net.provider_codes[i] == who.org_code && !who.org_code.empty() ? std::optional<OrgId>(who.org)
                                                                                 : std::nullopt;
    f.authority = net.authority_codes[i] == who.org_code && !who.org_code.empty() ? std::optional<OrgId>(who.org)
                                                                                   : std::nullopt;
    bool ok = who.may_read(f, granted.count(f.id.value) > 0);
    if (ok || f.classification.level == ClassLevel::kGeneral) referable.insert(f.code);
    if (!ok) continue;
    readable.insert(f.code);
    out.facilities.push_back(net.facilities[i]);
    out.provider_codes.push_back(net.provider_codes[i]);
    out.authority_codes.push_back(net.authority_codes[i]);
  }
  for (auto& d : net.dependencies) {
    if (!readable.count(d.consumer)) continue;
    NetworkSnapshot::Dep kept = d;
    kept.suppliers.clear();
    for (const auto& s : d.suppliers)
      if (referable.count(s)) kept.suppliers.push_back(s);
    if (kept.suppliers.empty()) continue;
    kept.min_up = std::min<int>(kept.min_up, static_cast<int>(kept.suppliers.size()));
    out.dependencies.push_back(std::move(kept));
  }
  return out;
}

Result<std::string> NetworkService::export_as(ExportFormat format, const Principal& who, std::string* marking) {
  CIPMS_ASSIGN_OR_RETURN(NetworkSnapshot net, snapshot_for(who));
  ClassLevel top = ClassLevel::kGeneral;
  for (const Facility& f : net.facilities) top = std::max(top, f.classification.level);
  std::string mark = std::string(class_level_name_zh(top)) + " " + class_level_code(top);
  if (marking) *marking = mark;
  std::string text;
  switch (format) {
    case ExportFormat::kJson: text = network_to_json(net); break;
    case ExportFormat::kGeoJson: text = network_to_geojson(net); break;
    case ExportFormat::kFacilitiesCsv: return facilities_to_csv(net);
    case ExportFormat::kDependenciesCsv: return dependencies_to_csv(net);
  }
  // A top-level member first, so that the marking is what a reader sees at the top.
  if (!text.empty() && text.front() == '{') text.insert(1, "\"marking\":\"" + mark + "\",");
  return text;
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
