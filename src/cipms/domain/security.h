// Who may do what: roles, permissions, classification levels, clearance, and the scope
// of an organisation. Plain rules with no I/O; the API middleware checks a route's permission
// against the role (403), the services check scope and clearance record by record (a record
// one may not read answers like a missing one: 404). The matrix is written down in
// docs/security.md and a generated test compares it with role_allows().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cipms/base/ids.h"
#include "cipms/base/status.h"
#include "cipms/domain/classification.h"
#include "cipms/domain/registry.h"

namespace cipms {

using UserId = StrongId<struct UserTag>;

enum class Role {
  kAdmin,                // system administrator: users, taxonomy, imports
  kOhsOfficer,           // Office of Homeland Security: everything, national review
  kCoordinatingOfficer,  // sector coordinating agency: its sectors
  kAuthorityOfficer,     // competent authority: the sub-sectors it governs
  kProviderEditor,       // CI provider: its own facilities, read and write
  kProviderViewer,       // CI provider: its own facilities, read only
  kAuditor,              // reads the audit log and, read-only, the registry
  kSupportingUnit,       // supporting unit (police, military...): its sectors, read only
};
inline constexpr Role kAllRoles[] = {Role::kAdmin,          Role::kOhsOfficer,     Role::kCoordinatingOfficer,
                                     Role::kAuthorityOfficer, Role::kProviderEditor, Role::kProviderViewer,
                                     Role::kAuditor,        Role::kSupportingUnit};
// "admin", "ohs_officer", "coordinating_officer", "authority_officer", "provider_editor",
// "provider_viewer", "auditor", "supporting_unit".
const char* role_code(Role r);
std::optional<Role> parse_role(std::string_view s);
// The organisation types a user of the role may belong to (an OHS officer works at OHS...).
bool role_fits_org(Role r, OrgType t);

// What a route needs. kPublic routes need no identity; kSignedIn any identity.
enum class Permission {
  kPublic,
  kSignedIn,         // own account: me, sign out, own tokens, TOTP
  kRegistryRead,     // organisations, facilities, core functions, dependencies, taxonomy
  kRegistryWrite,    // facilities, core functions, dependencies (within scope)
  kOrgWrite,         // organisations
  kTaxonomyWrite,
  kNetworkImport,
  kNetworkExport,
  kAnalysisRun,      // simulations, ranking
  kClassify,         // set or change a record's classification (within scope)
  kGrantManage,      // need-to-know grants
  kUserManage,       // accounts
  kAuditRead,
  kSurveyEdit,       // fill and submit a facility's survey (provider)
  kSurveyReview,     // accept/return surveys, propose grades (authority)
  kGradeFinalise,    // joint review and final grade (OHS)
};
inline constexpr Permission kAllPermissions[] = {
    Permission::kPublic,       Permission::kSignedIn,     Permission::kRegistryRead, Permission::kRegistryWrite,
    Permission::kOrgWrite,     Permission::kTaxonomyWrite, Permission::kNetworkImport, Permission::kNetworkExport,
    Permission::kAnalysisRun,  Permission::kClassify,     Permission::kGrantManage,  Permission::kUserManage,
    Permission::kAuditRead,    Permission::kSurveyEdit,   Permission::kSurveyReview, Permission::kGradeFinalise};
// "public", "signed_in", "registry.read", "registry.write", ...
const char* permission_code(Permission p);
std::optional<Permission> parse_permission(std::string_view s);
// THE permission matrix.
bool role_allows(Role r, Permission p);

// The signed-in identity of a request or a CLI run, with what it may see.
struct Principal {
  UserId user;
  std::string username;
  Role role = Role::kProviderViewer;
  OrgId org;
  std::string org_code;
  OrgType org_type = OrgType::kProvider;
  std::vector<std::string> sectors;     // of the organisation (coordinating agency, supporting unit)
  std::vector<std::string> subsectors;  // of the organisation (competent authority)
  ClassLevel clearance = ClassLevel::kGeneral;
  bool system = false;       // the CLI / start-up: every permission, every record
  std::string via = "session";  // "session" | "token" | "cli"
  std::vector<Permission> token_scopes;  // API token: only these (empty = the role's)
  // Request context for the audit log.
  std::string remote;
  std::string request_id;

  // The CLI and start-up jobs act as this.
  static Principal system_actor(std::string what = "cli");
  // No identity: only public permissions, no records.
  static Principal anonymous();
  bool can(Permission p) const;
  // Scope only (no clearance): may the principal see facilities of this shape at all?
  bool scope_all() const;
  bool in_scope(const Facility& f) const;
  // Read rule: scope, clearance >= level and, for national secrets, a grant.
  bool may_read(const Facility& f, bool has_grant) const;
  // Write rule for registry records: kRegistryWrite and scope (providers: own facilities).
  bool may_write(const Facility& f) const;
  // "username (ORG)" as the audit log and classification markings show it.
  std::string display() const;
};

// A filter the storage layer turns into SQL so that lists, counts and searches never include
// records the principal may not read. Empty vectors with all=false match nothing.
struct AccessFilter {
  bool all = false;  // scope: everything
  std::vector<std::int64_t> provider_ids, authority_ids;
  std::vector<std::string> sectors, subsectors;
  int max_level = 4;             // clearance
  std::int64_t grant_user = 0;   // need-to-know grants of this user open levels >= 2
  bool grants_bypass = false;    // system actor: no grant needed
  std::string now;               // UTC ("2026-11-25T10:59:00Z") grants must outlive; "" = system clock
};
AccessFilter access_filter(const Principal& p);

}  // namespace cipms
