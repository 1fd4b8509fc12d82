// JSON of the survey workflow: the wire shape of a survey document and of its sections, and
// strict readers for request bodies and import files. Shared by the API, the CLI (import and
// export) and the transition snapshots (what changed since the last submission).
//
// Readers check JSON types and names: a wrongly typed or unknown field is kInvalidArgument
// (400) with its JSON pointer, every one at once; unknown enum values (asset class) are
// kUnprocessable (422). Field rules are domain/survey.h's. Read-only fields (id of a survey,
// version, timestamps, cii, *_code) are accepted and ignored, so a client can send back what it read.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cipms/base/status.h"
#include "cipms/domain/survey.h"
#include "cipms/storage/survey_store.h"

namespace cipms {

using SurveyJson = nlohmann::json;

SurveyJson survey_round_json(const SurveyRound& r);
SurveyJson core_function_item_json(const CoreFunction& c);
SurveyJson external_resource_json(const ExternalResource& e);
SurveyJson unmatched_supplier_json(const UnmatchedSupplier& u);
SurveyJson asset_json(const InternalAsset& a);
SurveyJson assessment_json(const SelfAssessment& a);
SurveyJson proposal_json(const GradingProposal& p);
SurveyJson opinion_json(const ReviewOpinion& o);
SurveyJson missing_proposal_json(const MissingFacilityProposal& m);
SurveyJson grade_version_json(const GradeVersion& g);
SurveyJson facility_brief_json(const survey_store::FacilityBrief& b);
// The four sections only (what a snapshot compares).
SurveyJson survey_sections_json(const SurveyDocument& d);
// The whole document: survey row, facility, sections, proposal, opinions, history (no snapshots).
SurveyJson survey_document_json(const SurveyDocument& d);

// Readers. `where` prefixes pointers ("" for a request body, "/surveys/3" in a file).
Status read_core_functions(const SurveyJson& j, const std::string& where, std::vector<CoreFunction>& out);
// {"external_resources": [...], "unmatched_suppliers": [...]}
Status read_external_section(const SurveyJson& j, const std::string& where, std::vector<ExternalResource>& items,
                             std::vector<UnmatchedSupplier>& unmatched);
Status read_assets(const SurveyJson& j, const std::string& where, std::vector<InternalAsset>& out);
Status read_assessment(const SurveyJson& j, const std::string& where, SelfAssessment& out);
Status read_proposal(const SurveyJson& j, const std::string& where, GradingProposal& out);
Status read_opinion(const SurveyJson& j, const std::string& where, ReviewOpinion& o,
                    std::vector<MissingFacilityProposal>& missing);

}  // namespace cipms
