// Survey and grading workflow routes (issue 7): rounds, surveys and their sections, the
// workflow transitions, the grading board with the engine's rank beside each proposal, the
// national CI list, grade history, the completion dashboard, overdue lists and the
// missing-facility finder. Handlers parse and render; services/survey_service.h checks
// permission, scope, state and versions.
#include <memory>

#include "cipms/api/json_io.h"
#include "cipms/api/routes.h"
#include "cipms/services/survey_json.h"
#include "cipms/services/survey_service.h"

namespace cipms::api {

namespace {

using Svc = std::shared_ptr<SurveyService>;

Response not_found(const Request& req, const char* what, const char* param = "id") {
  auto it = req.params.find(param);
  return problem(Status::not_found(std::string(what) + " " + (it == req.params.end() ? "" : it->second) +
                                   " does not exist"),
                 req);
}

Response document(int status, const Result<SurveyDocument>& d, const Request& req) {
  if (!d.is_ok()) return problem(d.status(), req);
  return record_response(status, survey_document_json(*d), d->survey.version);
}

Json engine_json(const EngineView& v) {
  return {{"rank", v.rank},
          {"ranked", v.ranked},
          {"type_rank", v.type_rank},
          {"type_ranked", v.type_ranked},
          {"population_hours", v.population_hours},
          {"facilities_down", v.facilities_down},
          {"economic_loss", v.economic_loss},
          {"engine_score", v.engine_score},
          {"self_score", v.self_score},
          {"disagrees", v.disagrees}};
}

// A downloaded document: no caching, a file name, and (for the marked exports) its
// classification level as X-Classification-Marking, as GET /network does.
Response attachment(const Result<std::string>& body, const std::string& content_type, const std::string& filename,
                    std::optional<ClassLevel> level, const Request& req) {
  if (!body.is_ok()) return problem(body.status(), req);
  Response r;
  r.content_type = content_type;
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  if (level) r.headers.emplace_back("X-Classification-Marking", class_level_code(*level));
  r.body = *body;
  return r;
}

std::optional<int> year_param(const Request& req) {
  auto y = path_id(req, "year");
  if (!y || *y < 2000 || *y > 2200) return std::nullopt;
  return static_cast<int>(*y);
}

// The surveys/{id} routes that change a survey: If-Match (428/412), the body, the service.
using Action = std::function<Result<SurveyDocument>(const Principal&, std::int64_t, std::int64_t, const Json&)>;
Handler change(Action action, bool needs_body) {
  return [action = std::move(action), needs_body](const Request& req) -> Response {
    auto id = path_id(req);
    if (!id) return not_found(req, "survey");
    std::int64_t version = 0;
    if (auto p = parse_if_match(req, &version)) return *p;
    Json body = Json::object();
    if (needs_body || req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
      auto b = parse_json_object(req);
      if (!b.is_ok()) return problem(b.status(), req);
      body = std::move(b).value();
    }
    if (version == kAnyVersion) return problem(Status::precondition_failed("surveys need If-Match with the version you read, not *"), req);
    return document(200, action(req.who(), *id, version, body), req);
  };
}

Result<std::string> comment_field(const Json& body) {
  std::vector<FieldError> errs;
  std::string comment;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "comment") errs.push_back({"/" + it.key(), "unknown field"});
    else if (!it->is_string()) errs.push_back({"/comment", "must be a string"});
    else comment = it->get<std::string>();
  }
  if (!errs.empty()) return Status::invalid("the body is malformed", errs);
  return comment;
}

void add_round_routes(Router& router, const Svc& svc) {
  router.add("GET", "/api/v1/survey-rounds", [svc](const Request& req) {
    auto rounds = svc->list_rounds(req.who());
    if (!rounds.is_ok()) return problem(rounds.status(), req);
    Json items = Json::array();
    for (const auto& r : *rounds) items.push_back(survey_round_json(r));
    return json_response(200, dump(Json{{"items", items}, {"total", items.size()}}));
  });
  auto read_round = [](const Json& j, SurveyRound& r) -> Status {
    std::vector<FieldError> errs;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      if (k == "year") {
        if (it->is_number_integer()) r.year = it->get<int>();
        else errs.push_back({"/year", "must be an integer"});
      } else if (k == "title" || k == "opens_on" || k == "deadline") {
        if (!it->is_string()) {
          errs.push_back({"/" + k, "must be a string"});
          continue;
        }
        (k == "title" ? r.title : k == "opens_on" ? r.opens_on : r.deadline) = it->get<std::string>();
      } else if (k == "reminder_days") {
        r.reminder_days.clear();
        if (!it->is_array()) errs.push_back({"/reminder_days", "must be an array of days before the deadline"});
        for (std::size_t i = 0; it->is_array() && i < it->size(); ++i) {
          if ((*it)[i].is_number_integer()) {
            std::int64_t d = (*it)[i].get<std::int64_t>();
            r.reminder_days.push_back(d < 0 || d > 100000 ? 0 : static_cast<int>(d));  // 0: out of range (422)
          }
          else errs.push_back({"/reminder_days/" + std::to_string(i), "must be an integer"});
        }
      } else if (k != "id" && k != "version" && k != "created_at" && k != "updated_at") {
        errs.push_back({"/" + k, "unknown field"});
      }
    }
    if (!errs.empty()) return Status::invalid("the body is malformed", errs);
    return Status::ok();
  };
  router.add("POST", "/api/v1/survey-rounds", [svc, read_round](const Request& req) {
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    SurveyRound r;
    if (Status st = read_round(*body, r); !st.is_ok()) return problem(st, req);
    auto made = svc->create_round(req.who(), r);
    if (!made.is_ok()) return problem(made.status(), req);
    Response resp = record_response(201, survey_round_json(*made), made->version);
    resp.headers.emplace_back("Location", "/api/v1/survey-rounds/" + std::to_string(made->year));
    return resp;
  });
  router.add("GET", "/api/v1/survey-rounds/{year}", [svc](const Request& req) {
    auto year = year_param(req);
    if (!year) return not_found(req, "survey round", "year");
    auto r = svc->get_round(req.who(), *year);
    if (!r.is_ok()) return problem(r.status(), req);
    return record_response(200, survey_round_json(*r), r->version);
  });
  router.add("PUT", "/api/v1/survey-rounds/{year}", [svc, read_round](const Request& req) {
    auto year = year_param(req);
    if (!year) return not_found(req, "survey round", "year");
    std::int64_t version = 0;
    if (auto p = parse_if_match(req, &version)) return *p;
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    SurveyRound r;
    if (Status st = read_round(*body, r); !st.is_ok()) return problem(st, req);
    r.year = *year;
    if (version == kAnyVersion || !body->contains("reminder_days")) {
      auto cur = svc->get_round(req.who(), *year);
      if (!cur.is_ok()) return problem(cur.status(), req);
      if (version == kAnyVersion) version = cur->version;
      if (!body->contains("reminder_days")) r.reminder_days = cur->reminder_days;  // absent: kept
    }
    auto out = svc->update_round(req.who(), r, version);
    if (!out.is_ok()) return problem(out.status(), req);
    return record_response(200, survey_round_json(*out), out->version);
  });

  // The grading board: the round's surveys with the engine's view beside each.
  router.add("GET", "/api/v1/survey-rounds/{year}/surveys", [svc](const Request& req) {
    auto year = year_param(req);
    if (!year) return not_found(req, "survey round", "year");
    QueryReader q(req);
    survey_store::SurveyListFilter f;
    if (auto s = q.str("state")) {
      if (auto st = parse_survey_state(*s)) f.state = *st;
      else q.error("state", "unknown state '" + *s + "'");
    }
    if (auto s = q.str("sector")) f.sector = *s;
    if (auto s = q.str("subsector")) f.subsector = *s;
    if (auto s = q.str("type")) f.type = *s;
    if (auto a = q.integer("authority", 1, INT64_MAX)) f.authority = OrgId(*a);
    if (auto s = q.str("q"); s && !s->empty()) f.q = *s;
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    f.limit = p.limit;
    f.offset = p.offset;
    auto page = svc->grading_board(req.who(), *year, f);
    if (!page.is_ok()) return problem(page.status(), req);
    Json items = Json::array();
    for (const auto& b : page->items) {
      const Survey& s = b.row.survey;
      items.push_back({{"id", s.id},
                       {"state", survey_state_code(s.state)},
                       {"version", s.version},
                       {"facility", facility_brief_json(b.row.facility)},
                       {"self_assessment", assessment_json(s.assessment)},
                       {"proposal", s.proposal ? proposal_json(*s.proposal) : Json(nullptr)},
                       {"final_grade", s.final_grade ? Json(*s.final_grade) : Json(nullptr)},
                       {"engine", engine_json(b.engine)}});
    }
    return list_response(req, std::move(items), page->total, p);
  });
  router.add("POST", "/api/v1/survey-rounds/{year}/surveys", [svc](const Request& req) {
    auto year = year_param(req);
    if (!year) return not_found(req, "survey round", "year");
    auto body = parse_json_object(req);
    if (!body.is_ok()) return problem(body.status(), req);
    std::vector<FieldError> errs;
    std::int64_t facility = 0;
    for (auto it = body->begin(); it != body->end(); ++it) {
      if (it.key() != "facility") errs.push_back({"/" + it.key(), "unknown field"});
      else if (!it->is_number_integer() || it->get<std::int64_t>() < 1) errs.push_back({"/facility", "must be a facility id"});
      else facility = it->get<std::int64_t>();
    }
    if (facility == 0 && errs.empty()) errs.push_back({"/facility", "is required"});
    if (!errs.empty()) return problem(Status::invalid("the body is malformed", errs), req);
    auto d = svc->start_survey(req.who(), *year, FacilityId(facility));
    if (!d.is_ok()) return problem(d.status(), req);
    Response r = record_response(201, survey_document_json(*d), d->survey.version);
    r.headers.emplace_back("Location", "/api/v1/surveys/" + std::to_string(d->survey.id));
    return r;
  });
  router.add("GET", "/api/v1/survey-rounds/{year}/completion", [svc](const Request& req) {
    auto year = year_param(req);
    if (!year) return not_found(req, "survey round", "year");
    auto c = svc->completion(req.who(), *year);
    if (!c.is_ok()) return problem(c.status(), req);
    Json rows = Json::array();
    std::int64_t total = 0, done = 0;
    for (std::size_t i = 0; i < c->rows.size(); ++i) {
      const auto& r = c->rows[i];
      Json states = Json::object();
      for (const auto& [k, n] : r.by_state) states[k] = n;
      std::int64_t submitted = r.facilities;
      for (const char* open : {"not_started", "draft", "returned"}) {
        auto it = r.by_state.find(open);
        if (it != r.by_state.end()) submitted -= it->second;
      }
      total += r.facilities;
      done += submitted;
      rows.push_back({{"authority", r.authority ? Json(r.authority->value) : Json(nullptr)},
                      {"authority_code", c->authority_codes[i]},
                      {"sector", r.sector},
                      {"facilities", r.facilities},
                      {"submitted", submitted},
                      {"by_state", states}});
    }
    return json_response(200, dump(Json{{"round", survey_round_json(c->round)},
                                        {"facilities", total},
                                        {"submitted", done},
                                        {"rows", rows}}));
  });
  router.add("GET", "/api/v1/survey-rounds/{year}/overdue", [svc](const Request& req) {
    auto year = year_param(req);
    if (!year) return not_found(req, "survey round", "year");
    QueryReader q(req);
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto o = svc->overdue(req.who(), *year, p.limit, p.offset);
    if (!o.is_ok()) return problem(o.status(), req);
    Json items = Json::array();
    for (const auto& f : o->facilities.items) items.push_back(facility_brief_json(f));
    Response r = list_response(req, std::move(items), o->facilities.total, p);
    Json body = Json::parse(r.body);
    body["deadline"] = o->round.deadline;
    body["past_deadline"] = o->past_deadline;
    r.body = dump(body);
    return r;
  });
  router.add("GET", "/api/v1/survey-rounds/{year}/grading-list.xlsx", [svc](const Request& req) {
    auto year = year_param(req);
    if (!year) return not_found(req, "survey round", "year");
    return attachment(svc->grading_list_xlsx(req.who(), *year),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      "grading-list-" + std::to_string(*year) + ".xlsx", std::nullopt, req);
  });
  router.add("GET", "/api/v1/survey-rounds/{year}/grading-list.pdf", [svc](const Request& req) {
    auto year = year_param(req);
    if (!year) return not_found(req, "survey round", "year");
    ClassLevel level = ClassLevel::kGeneral;
    auto pdf = svc->grading_list_pdf(req.who(), *year, &level);
    return attachment(pdf, "application/pdf", "grading-list-" + std::to_string(*year) + ".pdf", level, req);
  });
  router.add("GET", "/api/v1/survey-rounds/{year}/missing-facilities", [svc](const Request& req) {
    auto year = year_param(req);
    if (!year) return not_found(req, "survey round", "year");
    QueryReader q(req);
    int top = static_cast<int>(q.integer("top", 1, 1000).value_or(50));
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto m = svc->missing_facilities(req.who(), *year, top);
    if (!m.is_ok()) return problem(m.status(), req);
    Json un = Json::array(), ranked = Json::array(), proposed = Json::array();
    for (const auto& u : m->unmatched_suppliers)
      un.push_back({{"name", u.name},
                    {"resource", u.resource},
                    {"named_by", u.named_by},
                    {"candidate", u.candidate ? facility_brief_json(*u.candidate) : Json(nullptr)}});
    for (const auto& r : m->ranked_ungraded)
      ranked.push_back({{"facility", facility_brief_json(r.facility)},
                        {"rank", r.rank},
                        {"population_hours", r.population_hours}});
    for (const auto& p : m->proposed_by_reviewers) proposed.push_back(missing_proposal_json(p));
    return json_response(200, dump(Json{{"unmatched_suppliers", un},
                                        {"ranked_ungraded", ranked},
                                        {"proposed_by_reviewers", proposed}}));
  });
}

void add_survey_routes_impl(Router& router, const Svc& svc) {
  router.add("GET", "/api/v1/surveys/{id}", [svc](const Request& req) {
    auto id = path_id(req);
    if (!id) return not_found(req, "survey");
    return document(200, svc->get_survey(req.who(), *id), req);
  });
  router.add("GET", "/api/v1/surveys/{id}/export.pdf", [svc](const Request& req) {
    auto id = path_id(req);
    if (!id) return not_found(req, "survey");
    ClassLevel level = ClassLevel::kGeneral;
    auto pdf = svc->survey_pdf(req.who(), *id, &level);
    return attachment(pdf, "application/pdf", "survey-" + std::to_string(*id) + ".pdf", level, req);
  });
  router.add("GET", "/api/v1/surveys/{id}/changes", [svc](const Request& req) {
    auto id = path_id(req);
    if (!id) return not_found(req, "survey");
    auto d = svc->changes_since_submission(req.who(), *id);
    if (!d.is_ok()) return problem(d.status(), req);
    return json_response(200, "{\"changes\":" + *d + "}");
  });
  router.add("GET", "/api/v1/surveys/{id}/decision-support", [svc](const Request& req) {
    auto id = path_id(req);
    if (!id) return not_found(req, "survey");
    auto v = svc->engine_view(req.who(), *id);
    if (!v.is_ok()) return problem(v.status(), req);
    return json_response(200, dump(engine_json(*v)));
  });
  router.add("PUT", "/api/v1/surveys/{id}/core-functions",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               std::vector<CoreFunction> items;
               CIPMS_RETURN_IF_ERROR(read_core_functions(body, "", items));
               return svc->put_core_functions(who, id, v, items);
             }, true));
  router.add("PUT", "/api/v1/surveys/{id}/external-resources",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               std::vector<ExternalResource> items;
               std::vector<UnmatchedSupplier> un;
               CIPMS_RETURN_IF_ERROR(read_external_section(body, "", items, un));
               return svc->put_external_resources(who, id, v, items, un);
             }, true));
  router.add("PUT", "/api/v1/surveys/{id}/assets",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               std::vector<InternalAsset> items;
               CIPMS_RETURN_IF_ERROR(read_assets(body, "", items));
               return svc->put_assets(who, id, v, items);
             }, true));
  router.add("PUT", "/api/v1/surveys/{id}/self-assessment",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               SelfAssessment a;
               CIPMS_RETURN_IF_ERROR(read_assessment(body, "", a));
               return svc->put_self_assessment(who, id, v, a);
             }, true));
  router.add("POST", "/api/v1/surveys/{id}/submit",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               CIPMS_ASSIGN_OR_RETURN(std::string c, comment_field(body));
               return svc->submit(who, id, v, c);
             }, false));
  router.add("POST", "/api/v1/surveys/{id}/return",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               CIPMS_ASSIGN_OR_RETURN(std::string c, comment_field(body));
               return svc->return_survey(who, id, v, c);
             }, false));
  router.add("POST", "/api/v1/surveys/{id}/accept",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               CIPMS_ASSIGN_OR_RETURN(std::string c, comment_field(body));
               return svc->accept(who, id, v, c);
             }, false));
  router.add("POST", "/api/v1/surveys/{id}/propose",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               GradingProposal p;
               CIPMS_RETURN_IF_ERROR(read_proposal(body, "", p));
               return svc->propose(who, id, v, p);
             }, true));
  router.add("POST", "/api/v1/surveys/{id}/review-opinions",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               ReviewOpinion o;
               std::vector<MissingFacilityProposal> missing;
               CIPMS_RETURN_IF_ERROR(read_opinion(body, "", o, missing));
               return svc->add_review_opinion(who, id, v, o, missing);
             }, true));
  router.add("POST", "/api/v1/surveys/{id}/finalise",
             change([svc](const Principal& who, std::int64_t id, std::int64_t v, const Json& body) -> Result<SurveyDocument> {
               std::vector<FieldError> errs;
               std::optional<int> grade;
               std::string reasons;
               for (auto it = body.begin(); it != body.end(); ++it) {
                 if (it.key() == "grade") {
                   if (it->is_number_integer()) grade = it->get<int>();
                   else if (!it->is_null()) errs.push_back({"/grade", "must be 1, 2 or 3"});
                 } else if (it.key() == "reasons") {
                   if (it->is_string()) reasons = it->get<std::string>();
                   else errs.push_back({"/reasons", "must be a string"});
                 } else {
                   errs.push_back({"/" + it.key(), "unknown field"});
                 }
               }
               if (!errs.empty()) return Status::invalid("the body is malformed", errs);
               return svc->finalise(who, id, v, grade, reasons);
             }, false));
}

void add_national_routes(Router& router, const Svc& svc) {
  router.add("GET", "/api/v1/national-ci", [svc](const Request& req) {
    QueryReader q(req);
    std::optional<int> grade;
    if (auto g = q.integer("grade", 1, 3)) grade = static_cast<int>(*g);
    ListParams p = q.list_params();
    if (Status st = q.finish(); !st.is_ok()) return problem(st, req);
    auto page = svc->national_list(req.who(), grade, p.limit, p.offset);
    if (!page.is_ok()) return problem(page.status(), req);
    Json items = Json::array();
    for (const auto& n : page->items) {
      Json j = facility_brief_json(n.facility);
      j["grade_version"] = n.grade_version;
      j["decided_at"] = n.decided_at;
      j["year"] = n.year;
      items.push_back(std::move(j));
    }
    return list_response(req, std::move(items), page->total, p);
  });
  router.add("GET", "/api/v1/facilities/{id}/grade-history", [svc](const Request& req) {
    auto id = path_id(req);
    if (!id) return not_found(req, "facility");
    auto h = svc->grade_history(req.who(), FacilityId(*id));
    if (!h.is_ok()) return problem(h.status(), req);
    Json items = Json::array();
    for (const auto& g : *h) items.push_back(grade_version_json(g));
    return json_response(200, dump(Json{{"items", items}, {"total", items.size()}}));
  });
}

}  // namespace

void add_survey_routes(Router& router, const ServiceContext& ctx) {
  auto svc = std::make_shared<SurveyService>(ctx);
  add_round_routes(router, svc);
  add_survey_routes_impl(router, svc);
  add_national_routes(router, svc);
}

}  // namespace cipms::api
