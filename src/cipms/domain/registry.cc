#include "cipms/domain/registry.h"

namespace cipms {

namespace {
template <typename E, std::size_t N>
std::optional<E> parse(const char* const (&names)[N], const std::string& s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  return std::nullopt;
}
const char* const kOrgTypes[] = {"ohs", "coordinating_agency", "competent_authority", "provider",
                                 "supporting_unit"};
const char* const kLifecycles[] = {"planned", "active", "decommissioned"};
}  // namespace

const char* org_type_code(OrgType t) { return kOrgTypes[static_cast<int>(t)]; }
std::optional<OrgType> parse_org_type(const std::string& s) { return parse<OrgType>(kOrgTypes, s); }
const char* lifecycle_code(Lifecycle l) { return kLifecycles[static_cast<int>(l)]; }
std::optional<Lifecycle> parse_lifecycle(const std::string& s) { return parse<Lifecycle>(kLifecycles, s); }

}  // namespace cipms
