#include "cipms/api/permissions.h"

#include <map>
#include <utility>

namespace cipms::api {

namespace {

using P = Permission;
using Key = std::pair<std::string, std::string>;

const std::map<Key, Permission>& table() {
  static const std::map<Key, Permission> t = {
      // system
      {{"GET", "/healthz"}, P::kPublic},
      {{"GET", "/metrics"}, P::kPublic},
      {{"GET", "/api/v1/openapi.json"}, P::kPublic},
      {{"GET", "/api/v1/taxonomy"}, P::kRegistryRead},
      {{"PUT", "/api/v1/taxonomy/{kind}/{code}"}, P::kTaxonomyWrite},
      // accounts and sign-in
      {{"POST", "/api/v1/auth/login"}, P::kPublic},
      {{"POST", "/api/v1/auth/logout"}, P::kSignedIn},
      {{"POST", "/api/v1/auth/logout-all"}, P::kSignedIn},
      {{"GET", "/api/v1/auth/me"}, P::kSignedIn},
      {{"POST", "/api/v1/auth/password"}, P::kSignedIn},
      {{"POST", "/api/v1/auth/totp/setup"}, P::kSignedIn},
      {{"POST", "/api/v1/auth/totp/enable"}, P::kSignedIn},
      {{"POST", "/api/v1/auth/totp/disable"}, P::kSignedIn},
      {{"GET", "/api/v1/auth/tokens"}, P::kSignedIn},
      {{"POST", "/api/v1/auth/tokens"}, P::kSignedIn},
      {{"DELETE", "/api/v1/auth/tokens/{id}"}, P::kSignedIn},
      {{"GET", "/api/v1/users"}, P::kUserManage},
      {{"POST", "/api/v1/users"}, P::kUserManage},
      {{"GET", "/api/v1/users/{id}"}, P::kUserManage},
      {{"PATCH", "/api/v1/users/{id}"}, P::kUserManage},
      {{"GET", "/api/v1/grants"}, P::kGrantManage},
      {{"POST", "/api/v1/grants"}, P::kGrantManage},
      {{"DELETE", "/api/v1/grants/{id}"}, P::kGrantManage},
      {{"GET", "/api/v1/audit"}, P::kAuditRead},
      {{"GET", "/api/v1/audit/verify"}, P::kAuditRead},
      // registry
      {{"GET", "/api/v1/organisations"}, P::kRegistryRead},
      {{"POST", "/api/v1/organisations"}, P::kOrgWrite},
      {{"GET", "/api/v1/organisations/{id}"}, P::kRegistryRead},
      {{"PUT", "/api/v1/organisations/{id}"}, P::kOrgWrite},
      {{"PATCH", "/api/v1/organisations/{id}"}, P::kOrgWrite},
      {{"DELETE", "/api/v1/organisations/{id}"}, P::kOrgWrite},
      {{"GET", "/api/v1/facilities"}, P::kRegistryRead},
      {{"POST", "/api/v1/facilities"}, P::kRegistryWrite},
      {{"GET", "/api/v1/facilities/{id}"}, P::kRegistryRead},
      {{"PUT", "/api/v1/facilities/{id}"}, P::kRegistryWrite},
      {{"PATCH", "/api/v1/facilities/{id}"}, P::kRegistryWrite},
      {{"DELETE", "/api/v1/facilities/{id}"}, P::kRegistryWrite},
      {{"PUT", "/api/v1/facilities/{id}/classification"}, P::kClassify},
      {{"GET", "/api/v1/facilities/{id}/dependencies"}, P::kRegistryRead},
      {{"GET", "/api/v1/facilities/{id}/dependents"}, P::kRegistryRead},
      {{"GET", "/api/v1/facilities/{id}/core-functions"}, P::kRegistryRead},
      {{"POST", "/api/v1/facilities/{id}/core-functions"}, P::kRegistryWrite},
      {{"GET", "/api/v1/core-functions/{id}"}, P::kRegistryRead},
      {{"PUT", "/api/v1/core-functions/{id}"}, P::kRegistryWrite},
      {{"PATCH", "/api/v1/core-functions/{id}"}, P::kRegistryWrite},
      {{"DELETE", "/api/v1/core-functions/{id}"}, P::kRegistryWrite},
      {{"POST", "/api/v1/dependencies"}, P::kRegistryWrite},
      {{"GET", "/api/v1/dependencies/{id}"}, P::kRegistryRead},
      {{"PUT", "/api/v1/dependencies/{id}"}, P::kRegistryWrite},
      {{"PATCH", "/api/v1/dependencies/{id}"}, P::kRegistryWrite},
      {{"DELETE", "/api/v1/dependencies/{id}"}, P::kRegistryWrite},
      // whole network
      {{"GET", "/api/v1/network"}, P::kNetworkExport},
      {{"POST", "/api/v1/network/import"}, P::kNetworkImport},
      // analysis
      {{"POST", "/api/v1/simulations"}, P::kAnalysisRun},
      {{"GET", "/api/v1/jobs/{id}"}, P::kAnalysisRun},
      {{"GET", "/api/v1/jobs/{id}/result"}, P::kAnalysisRun},
      {{"GET", "/api/v1/ranking"}, P::kAnalysisRun},
      // survey and grading workflow
      {{"GET", "/api/v1/survey-rounds"}, P::kRegistryRead},
      {{"POST", "/api/v1/survey-rounds"}, P::kGradeFinalise},
      {{"GET", "/api/v1/survey-rounds/{year}"}, P::kRegistryRead},
      {{"PUT", "/api/v1/survey-rounds/{year}"}, P::kGradeFinalise},
      {{"GET", "/api/v1/survey-rounds/{year}/surveys"}, P::kRegistryRead},
      {{"POST", "/api/v1/survey-rounds/{year}/surveys"}, P::kRegistryRead},  // service: survey.edit or survey.review in scope
      {{"GET", "/api/v1/survey-rounds/{year}/completion"}, P::kRegistryRead},
      {{"GET", "/api/v1/survey-rounds/{year}/overdue"}, P::kRegistryRead},
      {{"GET", "/api/v1/survey-rounds/{year}/missing-facilities"}, P::kSurveyReview},
      {{"GET", "/api/v1/survey-rounds/{year}/grading-list.xlsx"}, P::kSurveyReview},
      {{"POST", "/api/v1/survey-rounds/{year}/import"}, P::kSurveyEdit},  // service: each facility in scope
      {{"GET", "/api/v1/survey-rounds/{year}/import-template.xlsx"}, P::kRegistryRead},
      {{"GET", "/api/v1/survey-rounds/{year}/grading-list.pdf"}, P::kSurveyReview},
      {{"GET", "/api/v1/surveys/{id}"}, P::kRegistryRead},
      {{"GET", "/api/v1/surveys/{id}/export.pdf"}, P::kRegistryRead},
      {{"GET", "/api/v1/surveys/{id}/changes"}, P::kRegistryRead},
      {{"GET", "/api/v1/surveys/{id}/decision-support"}, P::kSurveyReview},
      {{"PUT", "/api/v1/surveys/{id}/core-functions"}, P::kSurveyEdit},
      {{"PUT", "/api/v1/surveys/{id}/external-resources"}, P::kSurveyEdit},
      {{"PUT", "/api/v1/surveys/{id}/assets"}, P::kSurveyEdit},
      {{"PUT", "/api/v1/surveys/{id}/self-assessment"}, P::kSurveyEdit},
      {{"POST", "/api/v1/surveys/{id}/submit"}, P::kSurveyEdit},
      {{"POST", "/api/v1/surveys/{id}/return"}, P::kSurveyReview},
      {{"POST", "/api/v1/surveys/{id}/accept"}, P::kSurveyReview},
      {{"POST", "/api/v1/surveys/{id}/propose"}, P::kSurveyReview},
      {{"POST", "/api/v1/surveys/{id}/review-opinions"}, P::kSurveyReview},
      {{"POST", "/api/v1/surveys/{id}/finalise"}, P::kGradeFinalise},
      {{"GET", "/api/v1/national-ci"}, P::kRegistryRead},
      {{"GET", "/api/v1/facilities/{id}/grade-history"}, P::kRegistryRead},
      // the signed-in user's own notifications
      {{"GET", "/api/v1/notifications"}, P::kSignedIn},
      {{"GET", "/api/v1/notifications/unread-count"}, P::kSignedIn},
      {{"POST", "/api/v1/notifications/{id}/read"}, P::kSignedIn},
      {{"POST", "/api/v1/notifications/read-all"}, P::kSignedIn},
  };
  return t;
}

}  // namespace

std::optional<Permission> route_permission(const std::string& method, const std::string& pattern) {
  auto it = table().find({method, pattern});
  if (it == table().end()) return std::nullopt;
  return it->second;
}

}  // namespace cipms::api
