// Survey import over HTTP (issue 7, docs/survey.md "Import"): POST a round's surveys as JSON,
// or its self-assessments as CSV or XLSX — as the body (Content-Type says which) or as the
// `file` part of a multipart/form-data upload — and GET the XLSX template to fill in. The file
// formats are services/survey_import.h's; permission and scope are the service's (a provider
// editor imports its own facilities' surveys). All or nothing: 422 lists every problem with
// its place (JSON pointer or Sheet!C7). Every attempt is audited as survey.import.
#include <memory>

#include "cipms/api/json_io.h"
#include "cipms/api/multipart.h"
#include "cipms/api/routes.h"
#include "cipms/services/audit.h"
#include "cipms/services/survey_import.h"

namespace cipms::api {

namespace {

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

std::optional<int> round_year(const Request& req) {
  auto y = path_id(req, "year");
  if (!y || *y < 2000 || *y > 2200) return std::nullopt;
  return static_cast<int>(*y);
}

Response unsupported(const Request& req, const std::string& mt) {
  return problem_response(415, "unsupported_media_type",
                          "Content-Type '" + mt + "' is not accepted; send application/json, text/csv, " + kXlsxType +
                              " or multipart/form-data with the file in a part named 'file'",
                          {{"header:Content-Type", "unsupported"}}, req);
}

// The uploaded bytes and what they are. `bytes` points into the request body.
struct Upload {
  std::string_view bytes;
  SurveyFileFormat format = SurveyFileFormat::kJson;
  std::string name;  // the file name, for the audit entry
};

Result<Upload> upload_of(const Request& req) {
  std::string mt = req.media_type();
  if (mt == "application/json" || mt.empty()) return Upload{req.body, SurveyFileFormat::kJson, "body.json"};
  if (mt == "text/csv" || mt == "application/csv") return Upload{req.body, SurveyFileFormat::kCsv, "body.csv"};
  if (mt == kXlsxType) return Upload{req.body, SurveyFileFormat::kXlsx, "body.xlsx"};
  CIPMS_ASSIGN_OR_RETURN(std::vector<FormPart> parts, parse_multipart(req.header("content-type").value_or(""), req.body));
  std::vector<FieldError> errs;
  std::optional<Upload> file;
  for (const FormPart& p : parts) {
    if (p.name == "file" && !file) file = Upload{p.body, detect_survey_format(p.body, p.filename), p.filename};
    else errs.push_back({"part:" + p.name, p.name == "file" ? "only one file per import" : "unknown form field '" + p.name + "'"});
  }
  if (!file) errs.push_back({"part:file", "is required (the survey file)"});
  if (!errs.empty()) return Status::invalid("bad multipart upload", errs);
  return *file;
}

const char* format_name(SurveyFileFormat f) {
  switch (f) {
    case SurveyFileFormat::kXlsx: return "xlsx";
    case SurveyFileFormat::kCsv: return "csv";
    case SurveyFileFormat::kJson: break;
  }
  return "json";
}

Result<SurveyService::ImportSummary> run_import(SurveyService& svc, const Request& req, int year, const Upload& up) {
  CIPMS_ASSIGN_OR_RETURN(SurveyImportFile file, read_survey_import(up.bytes, up.format));
  auto sum = svc.import_surveys(req.who(), year, file.items);
  if (!sum.is_ok()) return locate_import_errors(sum.status(), file);
  return sum;
}

}  // namespace

void add_survey_import_routes(Router& router, const ServiceContext& ctx) {
  auto svc = std::make_shared<SurveyService>(ctx);

  router.add("POST", "/api/v1/survey-rounds/{year}/import", [svc, ctx](const Request& req) {
    auto year = round_year(req);
    if (!year) return problem(Status::not_found("survey round " + req.params.at("year") + " does not exist"), req);
    std::string mt = req.media_type();
    if (!mt.empty() && mt != "application/json" && mt != "text/csv" && mt != "application/csv" && mt != kXlsxType &&
        mt != "multipart/form-data")
      return unsupported(req, mt);
    auto up = upload_of(req);
    if (!up.is_ok()) return problem(up.status(), req);
    auto sum = run_import(*svc, req, *year, *up);
    std::string what = std::string(format_name(up->format)) + " file '" + up->name + "', round " + std::to_string(*year);
    AuditEvent e{"survey.import", "survey_round", std::to_string(*year), "ok", what};
    if (!sum.is_ok()) {
      e.outcome = sum.status().code() == Code::kPermissionDenied ? "denied" : "failed";
      e.detail = what + ": " + sum.status().message() + " (" + std::to_string(sum.status().errors().size()) + " problems)";
    } else {
      e.detail = what + ": " + std::to_string(sum->surveys) + " surveys, " + std::to_string(sum->submitted) + " submitted";
    }
    (void)audit_record(ctx, req.who(), e);
    if (!sum.is_ok()) return problem(sum.status(), req);
    return json_response(200, dump(Json{{"year", *year},
                                        {"format", format_name(up->format)},
                                        {"surveys", sum->surveys},
                                        {"submitted", sum->submitted}}));
  });

  router.add("GET", "/api/v1/survey-rounds/{year}/import-template.xlsx", [svc](const Request& req) {
    auto year = round_year(req);
    if (!year) return problem(Status::not_found("survey round " + req.params.at("year") + " does not exist"), req);
    auto x = survey_import_template(*svc, req.who(), *year);
    if (!x.is_ok()) return problem(x.status(), req);
    Response r;
    r.content_type = kXlsxType;
    r.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"survey-import-" + std::to_string(*year) + ".xlsx\"");
    r.headers.emplace_back("Cache-Control", "no-store");
    r.body = std::move(x).value();
    return r;
  });
}

}  // namespace cipms::api
