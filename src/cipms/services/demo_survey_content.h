// What the demo surveys say (services/demo_surveys.h): plausible zh-TW answers, with English
// terms, for a demo facility, from its type, sector, population, loss per hour and MTPD. Pure
// functions of their arguments (no clock, no randomness beyond a hash of the facility code).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cipms/domain/registry.h"
#include "cipms/domain/survey.h"

namespace cipms::demo_content {

// 1 (national: power plants, dispatch, LNG, clearing...), 2 (regional), 3 (local): the grade
// the authority proposes and the base of the self-assessed scores.
int tier_of(const Facility& f);
// A stable per-facility number for small variations.
std::uint64_t variation(const Facility& f);

std::vector<CoreFunction> core_functions(const Facility& f);
// The backup plan of an existing dependency (resource, backup hours).
std::string backup_plan(const Dependency& d);
// A supplier named in free text: the diesel dealer of the emergency generators, when an
// electricity dependency has backup hours; otherwise none (empty name).
UnmatchedSupplier unmatched_supplier(const std::vector<ExternalResource>& resources);
// ICT, physical and personnel assets; the ICT asset supports `core` (when valid).
std::vector<InternalAsset> assets(const Facility& f, CoreFunctionId core);
SelfAssessment self_assessment(const Facility& f);
// The authority's proposal: grade from the tier, rank among the type's facilities (omitted when
// not 1 <= rank <= rank_of), consultations with the provider and, for grades 1 and 2, the expert
// panel on the given dates (YYYY-MM-DD).
GradingProposal proposal(const Facility& f, const std::string& provider_name, int rank, int rank_of,
                         const std::string& consulted_on, const std::string& expert_meeting_on);
std::string return_comment(const Facility& f);
std::string accept_comment(const Facility& f);
ReviewOpinion ohs_opinion(const Facility& f, int grade);
ReviewOpinion agency_opinion(const Facility& f, int grade);
std::string finalise_reasons(const Facility& f, int grade);

}  // namespace cipms::demo_content
