// Strong id types: a FacilityId cannot be passed where an OrgId is expected.
// Ids are positive 64-bit database keys; 0 means "not assigned yet".
#pragma once
#include <cstdint>
#include <functional>

namespace cipms {

template <typename Tag>
struct StrongId {
  std::int64_t value = 0;
  constexpr StrongId() = default;
  constexpr explicit StrongId(std::int64_t v) : value(v) {}
  constexpr bool valid() const { return value > 0; }
  auto operator<=>(const StrongId&) const = default;
};

using FacilityId = StrongId<struct FacilityTag>;
using OrgId = StrongId<struct OrgTag>;
using DependencyId = StrongId<struct DependencyTag>;
using CoreFunctionId = StrongId<struct CoreFunctionTag>;

}  // namespace cipms

template <typename Tag>
struct std::hash<cipms::StrongId<Tag>> {
  std::size_t operator()(const cipms::StrongId<Tag>& id) const noexcept {
    return std::hash<std::int64_t>()(id.value);
  }
};
