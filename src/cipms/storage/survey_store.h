// Persistence of the survey and grading workflow (domain/survey.h, migration 0020), written
// once for both back ends over Session::query/execute (storage/sql.h). Every function runs
// inside the caller's transaction when one is open (services group a change and its audit
// entry in Session::transact). Errors: kNotFound for a missing row, kConflict for a duplicate
// (round year, survey of a facility in a round), kPreconditionFailed for a stale version,
// kInternal for database failures.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cipms/domain/survey.h"
#include "cipms/storage/store.h"

namespace cipms::survey_store {

// --- rounds ---
Result<SurveyRound> create_round(Session& s, const SurveyRound& r, TimePoint now);
Result<SurveyRound> get_round_by_year(Session& s, int year);
Result<SurveyRound> get_round(Session& s, std::int64_t id);
Result<std::vector<SurveyRound>> list_rounds(Session& s);  // newest year first
Result<SurveyRound> update_round(Session& s, const SurveyRound& r, std::int64_t expected_version, TimePoint now);

// --- surveys ---
Result<Survey> create_survey(Session& s, std::int64_t round_id, FacilityId facility, TimePoint now);
Result<Survey> get_survey(Session& s, std::int64_t id);  // with the proposal's consultations
Result<std::optional<Survey>> find_survey(Session& s, std::int64_t round_id, FacilityId facility);
// facility id → survey id of every survey of the round.
Result<std::map<std::int64_t, std::int64_t>> survey_ids_of_round(Session& s, std::int64_t round_id);
// The latest survey of the facility in an earlier round than `year`, if any.
Result<std::optional<Survey>> previous_survey(Session& s, FacilityId facility, int year);
// Writes the row (state, assessment, comment, proposal and its consultations, dates, final
// grade) when the stored version is `expected_version`; version becomes expected + 1.
Result<Survey> update_survey(Session& s, const Survey& sv, std::int64_t expected_version, TimePoint now);

Result<std::vector<InternalAsset>> list_assets(Session& s, std::int64_t survey_id);
Status replace_assets(Session& s, std::int64_t survey_id, const std::vector<InternalAsset>& assets);
Result<std::vector<UnmatchedSupplier>> list_unmatched(Session& s, std::int64_t survey_id);
Status replace_unmatched(Session& s, std::int64_t survey_id, const std::vector<UnmatchedSupplier>& u);

// Backup plans of external resources, by dependency id (only plans whose consumer and
// resource still match the dependency).
Result<std::map<std::int64_t, std::string>> backup_plans_of(Session& s, FacilityId consumer);
Status set_backup_plan(Session& s, const Dependency& d, const std::string& plan);
Status delete_backup_plan(Session& s, DependencyId id);

Result<ReviewOpinion> add_opinion(Session& s, std::int64_t survey_id, const ReviewOpinion& o);
Result<std::vector<ReviewOpinion>> list_opinions(Session& s, std::int64_t survey_id);
Result<MissingFacilityProposal> add_missing_proposal(Session& s, const MissingFacilityProposal& m);
Result<std::vector<MissingFacilityProposal>> list_missing_proposals(Session& s, std::optional<std::int64_t> round_id);
Status add_transition(Session& s, std::int64_t survey_id, const SurveyTransition& t);
Result<std::vector<SurveyTransition>> list_transitions(Session& s, std::int64_t survey_id);

// --- national CI database: grade versions ---
Result<GradeVersion> add_grade_version(Session& s, GradeVersion g);  // assigns grade_version = last + 1
Result<std::vector<GradeVersion>> grade_history(Session& s, FacilityId facility);  // oldest first

// --- lists (all obey `access`, domain/security.h; nullopt = everything) ---
struct FacilityBrief {
  FacilityId id;
  std::string code, name, name_en, sector, subsector, type;
  std::optional<OrgId> provider, authority;
  std::optional<int> grade;
  bool cii = false;
  std::int64_t population = 0;
};

struct SurveyListFilter {
  std::optional<std::int64_t> round_id;
  std::optional<SurveyState> state;
  std::optional<std::string> sector, subsector, type;
  std::optional<OrgId> authority;
  std::optional<std::string> q;  // substring of facility code, name or name_en
  std::optional<AccessFilter> access;
  int limit = 50;
  std::int64_t offset = 0;
};
struct SurveyListRow {
  Survey survey;  // without the proposal's consultations
  FacilityBrief facility;
};
// Ordered by proposed grade (graded first), then facility code.
Result<Page<SurveyListRow>> list_surveys(Session& s, const SurveyListFilter& f);

// Completion of a round per (authority, sector): active facilities and their surveys by state.
struct CompletionRow {
  std::optional<OrgId> authority;
  std::string sector;
  std::int64_t facilities = 0;
  std::map<std::string, std::int64_t> by_state;  // "not_started" and every survey state
};
Result<std::vector<CompletionRow>> completion(Session& s, std::int64_t round_id, const std::optional<AccessFilter>& access);

// Active facilities whose survey of the round is not submitted yet (none, draft, returned).
Result<Page<FacilityBrief>> not_submitted(Session& s, std::int64_t round_id, const std::optional<AccessFilter>& access,
                                          int limit, std::int64_t offset);

// Free-text suppliers across surveys, grouped by name (trimmed) and resource, with the codes
// of the facilities that name them and a registered facility whose name or name_en equals
// the name exactly (a candidate match), if any.
struct UnmatchedName {
  std::string name, resource;
  std::vector<std::string> named_by;  // facility codes
  std::optional<FacilityBrief> candidate;
};
Result<std::vector<UnmatchedName>> unmatched_supplier_names(Session& s, std::optional<std::int64_t> round_id,
                                                            const std::optional<AccessFilter>& access);

// Facilities with a final grade (the national CI list), with their grade version.
struct NationalRow {
  FacilityBrief facility;
  std::int64_t grade_version = 0;
  std::string decided_at;
  int year = 0;
};
Result<Page<NationalRow>> national_list(Session& s, std::optional<int> grade, const std::optional<AccessFilter>& access,
                                        int limit, std::int64_t offset);
// Codes of facilities that hold a grade or a finalised survey.
Result<std::vector<std::string>> graded_codes(Session& s);
// Briefs of facilities by code that `access` admits (for decision-support lists).
Result<std::vector<FacilityBrief>> facilities_by_code(Session& s, const std::vector<std::string>& codes,
                                                     const std::optional<AccessFilter>& access);

}  // namespace cipms::survey_store
