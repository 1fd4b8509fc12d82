#include "cipms/domain/security.h"

#include <algorithm>
#include <cstdio>

namespace cipms {

namespace {

constexpr const char* kRoles[] = {"admin",           "ohs_officer",     "coordinating_officer", "authority_officer",
                                  "provider_editor", "provider_viewer", "auditor",              "supporting_unit"};
constexpr const char* kPermissions[] = {
    "public",        "signed_in",       "registry.read",  "registry.write", "org.write",    "taxonomy.write",
    "network.import", "network.export", "analysis.run",   "classify",       "grant.manage", "user.manage",
    "audit.read",    "survey.edit",     "survey.review",  "grade.finalise"};
constexpr const char* kLevels[] = {"general", "official", "confidential", "secret", "top_secret"};
constexpr const char* kLevelsZh[] = {"一般", "密", "機密", "極機密", "絕對機密"};

template <typename E, std::size_t N>
std::optional<E> parse_of(const char* const (&names)[N], std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  return std::nullopt;
}

// The matrix, one row per permission, one column per role in kAllRoles order:
//                         admin ohs coord auth p.ed p.view audit supp
struct Row {
  Permission p;
  bool allow[8];
};
constexpr Row kMatrix[] = {
    {Permission::kPublic,        {1, 1, 1, 1, 1, 1, 1, 1}},
    {Permission::kSignedIn,      {1, 1, 1, 1, 1, 1, 1, 1}},
    {Permission::kRegistryRead,  {1, 1, 1, 1, 1, 1, 1, 1}},
    {Permission::kRegistryWrite, {0, 1, 0, 1, 1, 0, 0, 0}},
    {Permission::kOrgWrite,      {1, 1, 0, 0, 0, 0, 0, 0}},
    {Permission::kTaxonomyWrite, {1, 0, 0, 0, 0, 0, 0, 0}},
    {Permission::kNetworkImport, {1, 1, 0, 0, 0, 0, 0, 0}},
    {Permission::kNetworkExport, {1, 1, 1, 1, 0, 0, 0, 0}},
    {Permission::kAnalysisRun,   {1, 1, 1, 1, 0, 0, 0, 0}},
    {Permission::kClassify,      {0, 1, 1, 1, 1, 0, 0, 0}},
    {Permission::kGrantManage,   {0, 1, 0, 0, 0, 0, 0, 0}},
    {Permission::kUserManage,    {1, 0, 0, 0, 0, 0, 0, 0}},
    {Permission::kAuditRead,     {0, 0, 0, 0, 0, 0, 1, 0}},
    {Permission::kSurveyEdit,    {0, 0, 0, 0, 1, 0, 0, 0}},
    {Permission::kSurveyReview,  {0, 1, 1, 1, 0, 0, 0, 0}},
    {Permission::kGradeFinalise, {0, 1, 0, 0, 0, 0, 0, 0}},
};
static_assert(std::size(kMatrix) == std::size(kAllPermissions));

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool valid_date(const std::string& s) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
  if (s[4] != '-' || s[7] != '-' || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

}  // namespace

const char* role_code(Role r) { return kRoles[static_cast<int>(r)]; }
std::optional<Role> parse_role(std::string_view s) { return parse_of<Role>(kRoles, s); }

bool role_fits_org(Role r, OrgType t) {
  switch (r) {
    case Role::kAdmin:
    case Role::kOhsOfficer:
    case Role::kAuditor: return t == OrgType::kOhs;
    case Role::kCoordinatingOfficer: return t == OrgType::kCoordinatingAgency;
    case Role::kAuthorityOfficer: return t == OrgType::kCompetentAuthority;
    case Role::kProviderEditor:
    case Role::kProviderViewer: return t == OrgType::kProvider;
    case Role::kSupportingUnit: return t == OrgType::kSupportingUnit;
  }
  return false;
}

const char* permission_code(Permission p) { return kPermissions[static_cast<int>(p)]; }
std::optional<Permission> parse_permission(std::string_view s) { return parse_of<Permission>(kPermissions, s); }

bool role_allows(Role r, Permission p) {
  return kMatrix[static_cast<int>(p)].allow[static_cast<int>(r)];
}

const char* class_level_code(ClassLevel l) { return kLevels[static_cast<int>(l)]; }
std::optional<ClassLevel> parse_class_level(std::string_view s) { return parse_of<ClassLevel>(kLevels, s); }
const char* class_level_name_zh(ClassLevel l) { return kLevelsZh[static_cast<int>(l)]; }

int max_classified_years(ClassLevel l) {
  switch (l) {
    case ClassLevel::kConfidential: return 10;
    case ClassLevel::kSecret: return 20;
    case ClassLevel::kTopSecret: return 30;
    default: return 0;
  }
}

std::vector<FieldError> check_classification(const Classification& c, const std::string& today,
                                             const std::string& prefix) {
  std::vector<FieldError> errs;
  auto err = [&](const char* field, std::string msg) { errs.push_back({prefix + "/" + field, std::move(msg)}); };
  if (c.level != ClassLevel::kGeneral && c.reason.find_first_not_of(" \t\r\n") == std::string::npos)
    err("reason", "a classified record needs the reason for its classification");
  if (c.reason.size() > 2000) err("reason", "at most 2,000 bytes");
  if (c.declassify_condition.size() > 2000) err("declassify_condition", "at most 2,000 bytes");
  if (c.declassify_on) {
    if (!valid_date(*c.declassify_on)) {
      err("declassify_on", "must be a date YYYY-MM-DD, not '" + *c.declassify_on + "'");
    } else if (*c.declassify_on <= today) {
      err("declassify_on", "must be after today (" + today + ")");
    } else if (int years = max_classified_years(c.level); years > 0 && today.size() == 10) {
      std::string limit = std::to_string(std::stoi(today.substr(0, 4)) + years) + today.substr(4);
      if (*c.declassify_on > limit)
        err("declassify_on", std::string(class_level_name_zh(c.level)) + " may stay classified at most " +
                                 std::to_string(years) + " years: declassify on " + limit + " at the latest");
    }
  }
  if (is_national_secret(c.level) && !c.declassify_on &&
      c.declassify_condition.find_first_not_of(" \t\r\n") == std::string::npos)
    err("declassify_on", "a national secret needs a declassification date or a declassification condition");
  return errs;
}

Principal Principal::system_actor(std::string what) {
  Principal p;
  p.username = "system";
  p.role = Role::kAdmin;
  p.clearance = ClassLevel::kTopSecret;
  p.system = true;
  p.via = std::move(what);
  return p;
}

Principal Principal::anonymous() {
  Principal p;
  p.username = "anonymous";
  p.via = "anonymous";
  return p;
}

bool Principal::can(Permission perm) const {
  if (system) return true;
  if (perm == Permission::kPublic) return true;
  if (!user.valid()) return false;  // anonymous
  if (!role_allows(role, perm)) return false;
  if (!token_scopes.empty() && perm != Permission::kSignedIn)
    return std::find(token_scopes.begin(), token_scopes.end(), perm) != token_scopes.end();
  return true;
}

bool Principal::scope_all() const {
  return system || role == Role::kAdmin || role == Role::kOhsOfficer || role == Role::kAuditor;
}

bool Principal::in_scope(const Facility& f) const {
  if (scope_all()) return true;
  switch (role) {
    case Role::kCoordinatingOfficer:
    case Role::kSupportingUnit: return contains(sectors, f.sector);
    case Role::kAuthorityOfficer: return (f.authority && *f.authority == org) || contains(subsectors, f.subsector);
    case Role::kProviderEditor:
    case Role::kProviderViewer: return f.provider && *f.provider == org;
    default: return false;
  }
}

bool Principal::may_read(const Facility& f, bool has_grant) const {
  if (system) return true;
  if (!can(Permission::kRegistryRead) || !in_scope(f)) return false;
  if (clearance < f.classification.level) return false;
  return !is_national_secret(f.classification.level) || has_grant;
}

bool Principal::may_write(const Facility& f) const {
  return can(Permission::kRegistryWrite) && in_scope(f);
}

std::string Principal::display() const {
  if (system) return "system (" + via + ")";
  return org_code.empty() ? username : username + " (" + org_code + ")";
}

AccessFilter access_filter(const Principal& p) {
  AccessFilter a;
  a.max_level = static_cast<int>(p.clearance);
  a.grant_user = p.user.value;
  if (p.system) {
    a.all = true;
    a.grants_bypass = true;
    return a;
  }
  if (!p.can(Permission::kRegistryRead)) {
    a.max_level = -1;  // nothing
    return a;
  }
  a.all = p.scope_all();
  switch (p.role) {
    case Role::kCoordinatingOfficer:
    case Role::kSupportingUnit: a.sectors = p.sectors; break;
    case Role::kAuthorityOfficer:
      a.authority_ids = {p.org.value};
      a.subsectors = p.subsectors;
      break;
    case Role::kProviderEditor:
    case Role::kProviderViewer: a.provider_ids = {p.org.value}; break;
    default: break;
  }
  return a;
}

}  // namespace cipms
