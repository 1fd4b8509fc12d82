#include "cipms/storage/survey_store.h"

#include <algorithm>
#include <cstdlib>

#include "cipms/storage/access_sql.h"

namespace cipms::survey_store {

namespace {

// Params for access_where: binds values in order, '?' placeholders.
struct Binds {
  std::vector<SqlValue> v;
  std::string add(long long x) {
    v.emplace_back(static_cast<std::int64_t>(x));
    return "?";
  }
  std::string add(std::string s) {
    v.emplace_back(std::move(s));
    return "?";
  }
  std::string add(double d) {
    v.emplace_back(d);
    return "?";
  }
};

std::string access_sql(const std::optional<AccessFilter>& a, Binds& b) {
  if (!a) return "";
  return storage_detail::access_where(*a, b);
}

SqlValue opt_bool(const std::optional<bool>& b) {
  if (!b) return sql_null();
  return static_cast<std::int64_t>(*b ? 1 : 0);
}
SqlValue opt_dbl(const std::optional<double>& d) {
  if (!d) return sql_null();
  return *d;
}
std::optional<double> row_opt_dbl(const SqlRow& r, std::size_t i) {
  if (r.null(i)) return std::nullopt;
  return r.dbl(i);
}
std::optional<int> row_opt_int(const SqlRow& r, std::size_t i) {
  if (r.null(i)) return std::nullopt;
  return static_cast<int>(r.i64(i));
}
std::optional<bool> row_opt_bool(const SqlRow& r, std::size_t i) {
  if (r.null(i)) return std::nullopt;
  return r.i64(i) != 0;
}
TimePoint row_time(const SqlRow& r, std::size_t i) {
  TimePoint t{};
  parse_utc(r.str(i), &t);
  return t;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}
std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// --- rounds ---
const char* kRoundCols = "id, year, title, opens_on, deadline, version, created_at, updated_at, reminder_days";
std::string days_text(const std::vector<int>& days) {
  std::vector<std::string> v;
  for (int d : days) v.push_back(std::to_string(d));
  return join(v);
}
SurveyRound round_of(const SqlRow& r) {
  SurveyRound x;
  x.id = r.i64(0);
  x.year = static_cast<int>(r.i64(1));
  x.title = r.str(2);
  x.opens_on = r.str(3);
  x.deadline = r.str(4);
  x.version = r.i64(5);
  x.created_at = row_time(r, 6);
  x.updated_at = row_time(r, 7);
  x.reminder_days.clear();
  for (const auto& d : split(r.str(8))) x.reminder_days.push_back(std::atoi(d.c_str()));
  return x;
}

// --- surveys ---
const char* kSurveyCols =
    "surveys.id, surveys.round_id, survey_rounds.year, surveys.facility_id, surveys.state, surveys.version, "
    "pop_score, pop_evidence, gov_score, gov_categories, gov_evidence, econ_score, econ_evidence, morale_score, "
    "morale_evidence, return_comment, proposed_grade, proposal_reasons, proposal_rank, proposal_rank_of, proposed_by, "
    "proposed_at, submitted_at, final_grade, finalised_at, surveys.created_at, surveys.updated_at";
constexpr std::size_t kSurveyColCount = 27;

Survey survey_of(const SqlRow& r) {
  Survey s;
  s.id = r.i64(0);
  s.round_id = r.i64(1);
  s.year = static_cast<int>(r.i64(2));
  s.facility = FacilityId(r.i64(3));
  s.state = parse_survey_state(r.str(4)).value_or(SurveyState::kDraft);
  s.version = r.i64(5);
  s.assessment.population = {row_opt_int(r, 6), r.str(7)};
  s.assessment.government = {row_opt_int(r, 8), r.str(10)};
  s.assessment.government_categories = split(r.str(9));
  s.assessment.economic = {row_opt_int(r, 11), r.str(12)};
  s.assessment.morale = {row_opt_int(r, 13), r.str(14)};
  s.return_comment = r.str(15);
  if (!r.null(16)) {
    GradingProposal p;
    p.grade = static_cast<int>(r.i64(16));
    p.reasons = r.str(17);
    p.rank = row_opt_int(r, 18);
    p.rank_of = row_opt_int(r, 19);
    p.proposed_by = r.str(20);
    p.proposed_at = r.str(21);
    s.proposal = std::move(p);
  }
  s.submitted_at = r.opt_str(22);
  s.final_grade = row_opt_int(r, 23);
  s.finalised_at = r.opt_str(24);
  s.created_at = row_time(r, 25);
  s.updated_at = row_time(r, 26);
  return s;
}

const char* kBriefCols =
    "facilities.id, facilities.code, facilities.name, facilities.name_en, facilities.sector, facilities.subsector, "
    "facilities.type, facilities.provider_id, facilities.authority_id, facilities.grade, facilities.cii, "
    "facilities.population";
constexpr std::size_t kBriefColCount = 12;

FacilityBrief brief_of(const SqlRow& r, std::size_t o) {
  FacilityBrief b;
  b.id = FacilityId(r.i64(o));
  b.code = r.str(o + 1);
  b.name = r.str(o + 2);
  b.name_en = r.str(o + 3);
  b.sector = r.str(o + 4);
  b.subsector = r.str(o + 5);
  b.type = r.str(o + 6);
  if (!r.null(o + 7)) b.provider = OrgId(r.i64(o + 7));
  if (!r.null(o + 8)) b.authority = OrgId(r.i64(o + 8));
  b.grade = row_opt_int(r, o + 9);
  b.cii = r.i64(o + 10) != 0;
  b.population = r.i64(o + 11);
  return b;
}

Result<std::vector<Consultation>> list_consultations(Session& s, std::int64_t survey_id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT with_whom, held_on, summary FROM survey_consultations "
                                            "WHERE survey_id = ? ORDER BY position",
                                            {survey_id}));
  std::vector<Consultation> out;
  for (const auto& r : rows) out.push_back({r.str(0), r.str(1), r.str(2)});
  return out;
}

}  // namespace

Result<SurveyRound> create_round(Session& s, const SurveyRound& r, TimePoint now) {
  CIPMS_ASSIGN_OR_RETURN(auto dup, s.query("SELECT id FROM survey_rounds WHERE year = ?", {std::int64_t{r.year}}));
  if (!dup.empty()) return Status::conflict("the survey round of " + std::to_string(r.year) + " already exists");
  std::string t = format_utc(now);
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("INSERT INTO survey_rounds (year, title, opens_on, deadline, version, "
                                            "created_at, updated_at, reminder_days) VALUES (?, ?, ?, ?, 1, ?, ?, ?) "
                                            "RETURNING id",
                                            {std::int64_t{r.year}, r.title, r.opens_on, r.deadline, t, t,
                                             days_text(r.reminder_days)}));
  return get_round(s, rows.at(0).i64(0));
}

Result<SurveyRound> get_round(Session& s, std::int64_t id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows,
                         s.query(std::string("SELECT ") + kRoundCols + " FROM survey_rounds WHERE id = ?", {id}));
  if (rows.empty()) return Status::not_found("survey round " + std::to_string(id) + " does not exist");
  return round_of(rows[0]);
}

Result<SurveyRound> get_round_by_year(Session& s, int year) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kRoundCols + " FROM survey_rounds WHERE year = ?",
                                            {std::int64_t{year}}));
  if (rows.empty()) return Status::not_found("there is no survey round for " + std::to_string(year));
  return round_of(rows[0]);
}

Result<std::vector<SurveyRound>> list_rounds(Session& s) {
  CIPMS_ASSIGN_OR_RETURN(auto rows,
                         s.query(std::string("SELECT ") + kRoundCols + " FROM survey_rounds ORDER BY year DESC"));
  std::vector<SurveyRound> out;
  for (const auto& r : rows) out.push_back(round_of(r));
  return out;
}

Result<SurveyRound> update_round(Session& s, const SurveyRound& r, std::int64_t expected, TimePoint now) {
  CIPMS_ASSIGN_OR_RETURN(SurveyRound cur, get_round(s, r.id));
  CIPMS_ASSIGN_OR_RETURN(std::int64_t n, s.execute("UPDATE survey_rounds SET title = ?, opens_on = ?, deadline = ?, "
                                                   "reminder_days = ?, version = version + 1, updated_at = ? "
                                                   "WHERE id = ? AND version = ?",
                                                   {r.title, r.opens_on, r.deadline, days_text(r.reminder_days),
                                                    format_utc(now), r.id, expected}));
  if (n == 0)
    return Status::precondition_failed("survey round " + std::to_string(cur.year) + " is at version " +
                                       std::to_string(cur.version) + ", not " + std::to_string(expected));
  return get_round(s, r.id);
}

Result<Survey> create_survey(Session& s, std::int64_t round_id, FacilityId facility, TimePoint now) {
  CIPMS_ASSIGN_OR_RETURN(auto existing, find_survey(s, round_id, facility));
  if (existing)
    return Status::conflict("facility " + std::to_string(facility.value) + " already has survey " +
                            std::to_string(existing->id) + " in this round");
  std::string t = format_utc(now);
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("INSERT INTO surveys (round_id, facility_id, state, version, created_at, "
                                            "updated_at) VALUES (?, ?, 'draft', 1, ?, ?) RETURNING id",
                                            {round_id, facility.value, t, t}));
  return get_survey(s, rows.at(0).i64(0));
}

Result<Survey> get_survey(Session& s, std::int64_t id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kSurveyCols +
                                                " FROM surveys JOIN survey_rounds ON survey_rounds.id = "
                                                "surveys.round_id WHERE surveys.id = ?",
                                            {id}));
  if (rows.empty()) return Status::not_found("survey " + std::to_string(id) + " does not exist");
  Survey sv = survey_of(rows[0]);
  if (sv.proposal) {
    CIPMS_ASSIGN_OR_RETURN(sv.proposal->consultations, list_consultations(s, id));
  }
  return sv;
}

Result<std::optional<Survey>> find_survey(Session& s, std::int64_t round_id, FacilityId facility) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT id FROM surveys WHERE round_id = ? AND facility_id = ?",
                                            {round_id, facility.value}));
  if (rows.empty()) return std::optional<Survey>();
  CIPMS_ASSIGN_OR_RETURN(Survey sv, get_survey(s, rows[0].i64(0)));
  return std::optional<Survey>(std::move(sv));
}

Result<std::map<std::int64_t, std::int64_t>> survey_ids_of_round(Session& s, std::int64_t round_id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT facility_id, id FROM surveys WHERE round_id = ?", {round_id}));
  std::map<std::int64_t, std::int64_t> out;
  for (const auto& r : rows) out[r.i64(0)] = r.i64(1);
  return out;
}

Result<std::optional<Survey>> previous_survey(Session& s, FacilityId facility, int year) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT surveys.id FROM surveys JOIN survey_rounds ON survey_rounds.id = "
                                            "surveys.round_id WHERE surveys.facility_id = ? AND survey_rounds.year < ? "
                                            "ORDER BY survey_rounds.year DESC LIMIT 1",
                                            {facility.value, std::int64_t{year}}));
  if (rows.empty()) return std::optional<Survey>();
  CIPMS_ASSIGN_OR_RETURN(Survey sv, get_survey(s, rows[0].i64(0)));
  return std::optional<Survey>(std::move(sv));
}

Result<Survey> update_survey(Session& s, const Survey& sv, std::int64_t expected, TimePoint now) {
  const SelfAssessment& a = sv.assessment;
  const GradingProposal* p = sv.proposal ? &*sv.proposal : nullptr;
  std::vector<SqlValue> params = {
      std::string(survey_state_code(sv.state)),
      sql_opt(a.population.score), a.population.evidence,
      sql_opt(a.government.score), join(a.government_categories), a.government.evidence,
      sql_opt(a.economic.score), a.economic.evidence,
      sql_opt(a.morale.score), a.morale.evidence,
      sv.return_comment,
      p ? SqlValue(std::int64_t{p->grade}) : sql_null(), p ? p->reasons : std::string(),
      p ? sql_opt(p->rank) : sql_null(), p ? sql_opt(p->rank_of) : sql_null(),
      p ? p->proposed_by : std::string(), p ? SqlValue(p->proposed_at) : sql_null(),
      sql_opt(sv.submitted_at), sql_opt(sv.final_grade), sql_opt(sv.finalised_at),
      format_utc(now), sv.id, expected};
  CIPMS_ASSIGN_OR_RETURN(
      std::int64_t n,
      s.execute("UPDATE surveys SET state = ?, pop_score = ?, pop_evidence = ?, gov_score = ?, gov_categories = ?, "
                "gov_evidence = ?, econ_score = ?, econ_evidence = ?, morale_score = ?, morale_evidence = ?, "
                "return_comment = ?, proposed_grade = ?, proposal_reasons = ?, proposal_rank = ?, proposal_rank_of = ?, "
                "proposed_by = ?, proposed_at = ?, submitted_at = ?, final_grade = ?, finalised_at = ?, "
                "version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                params));
  if (n == 0) {
    CIPMS_ASSIGN_OR_RETURN(Survey cur, get_survey(s, sv.id));
    return Status::precondition_failed("survey " + std::to_string(sv.id) + " is at version " +
                                       std::to_string(cur.version) + ", not " + std::to_string(expected) +
                                       "; reload it and apply the change again");
  }
  CIPMS_RETURN_IF_ERROR(s.execute("DELETE FROM survey_consultations WHERE survey_id = ?", {sv.id}).status());
  if (p) {
    for (std::size_t i = 0; i < p->consultations.size(); ++i) {
      const Consultation& c = p->consultations[i];
      CIPMS_RETURN_IF_ERROR(s.execute("INSERT INTO survey_consultations (survey_id, position, with_whom, held_on, "
                                      "summary) VALUES (?, ?, ?, ?, ?)",
                                      {sv.id, static_cast<std::int64_t>(i), c.with_whom, c.held_on, c.summary})
                                .status());
    }
  }
  return get_survey(s, sv.id);
}

Result<std::vector<InternalAsset>> list_assets(Session& s, std::int64_t survey_id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows,
                         s.query("SELECT id, asset_class, name, description, backup_plan, max_backup_hours, "
                                 "stops_core_function, replaceable, core_function_id FROM survey_assets "
                                 "WHERE survey_id = ? ORDER BY position",
                                 {survey_id}));
  std::vector<InternalAsset> out;
  for (const auto& r : rows) {
    InternalAsset a;
    a.id = r.i64(0);
    a.asset_class = parse_asset_class(r.str(1)).value_or(AssetClass::kPhysical);
    a.name = r.str(2);
    a.description = r.str(3);
    a.backup_plan = r.str(4);
    a.max_backup_hours = row_opt_dbl(r, 5);
    a.stops_core_function = row_opt_bool(r, 6);
    a.replaceable = row_opt_bool(r, 7);
    if (!r.null(8)) a.core_function = CoreFunctionId(r.i64(8));
    out.push_back(std::move(a));
  }
  return out;
}

Status replace_assets(Session& s, std::int64_t survey_id, const std::vector<InternalAsset>& assets) {
  CIPMS_RETURN_IF_ERROR(s.execute("DELETE FROM survey_assets WHERE survey_id = ?", {survey_id}).status());
  for (std::size_t i = 0; i < assets.size(); ++i) {
    const InternalAsset& a = assets[i];
    SqlValue cf = a.core_function ? SqlValue(a.core_function->value) : sql_null();
    CIPMS_RETURN_IF_ERROR(
        s.execute("INSERT INTO survey_assets (survey_id, position, asset_class, name, description, backup_plan, "
                  "max_backup_hours, stops_core_function, replaceable, core_function_id, cii) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {survey_id, static_cast<std::int64_t>(i), std::string(asset_class_code(a.asset_class)), a.name,
                   a.description, a.backup_plan, opt_dbl(a.max_backup_hours), opt_bool(a.stops_core_function),
                   opt_bool(a.replaceable), cf, std::int64_t{is_cii_asset(a) ? 1 : 0}})
            .status());
  }
  return Status::ok();
}

Result<std::vector<UnmatchedSupplier>> list_unmatched(Session& s, std::int64_t survey_id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT id, resource, name, note, backup_plan, backup_hours FROM "
                                            "survey_external_suppliers WHERE survey_id = ? ORDER BY position",
                                            {survey_id}));
  std::vector<UnmatchedSupplier> out;
  for (const auto& r : rows) out.push_back({r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4), row_opt_dbl(r, 5)});
  return out;
}

Status replace_unmatched(Session& s, std::int64_t survey_id, const std::vector<UnmatchedSupplier>& u) {
  CIPMS_RETURN_IF_ERROR(s.execute("DELETE FROM survey_external_suppliers WHERE survey_id = ?", {survey_id}).status());
  for (std::size_t i = 0; i < u.size(); ++i)
    CIPMS_RETURN_IF_ERROR(s.execute("INSERT INTO survey_external_suppliers (survey_id, position, resource, name, note, "
                                    "backup_plan, backup_hours) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                    {survey_id, static_cast<std::int64_t>(i), u[i].resource, u[i].name, u[i].note,
                                     u[i].backup_plan, opt_dbl(u[i].backup_hours)})
                              .status());
  return Status::ok();
}

Result<std::map<std::int64_t, std::string>> backup_plans_of(Session& s, FacilityId consumer) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT p.dependency_id, p.backup_plan FROM dependency_backup_plans p JOIN "
                                            "dependencies d ON d.id = p.dependency_id AND d.consumer_id = p.consumer_id "
                                            "AND d.resource = p.resource WHERE p.consumer_id = ?",
                                            {consumer.value}));
  std::map<std::int64_t, std::string> out;
  for (const auto& r : rows) out[r.i64(0)] = r.str(1);
  return out;
}

Status set_backup_plan(Session& s, const Dependency& d, const std::string& plan) {
  CIPMS_RETURN_IF_ERROR(delete_backup_plan(s, d.id));
  return s.execute("INSERT INTO dependency_backup_plans (dependency_id, consumer_id, resource, backup_plan) VALUES "
                   "(?, ?, ?, ?)",
                   {d.id.value, d.consumer.value, d.resource, plan})
      .status();
}

Status delete_backup_plan(Session& s, DependencyId id) {
  return s.execute("DELETE FROM dependency_backup_plans WHERE dependency_id = ?", {id.value}).status();
}

Result<ReviewOpinion> add_opinion(Session& s, std::int64_t survey_id, const ReviewOpinion& o) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("INSERT INTO survey_review_opinions (survey_id, body, opinion, "
                                            "recommended_grade, author, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                            {survey_id, o.body, o.opinion, sql_opt(o.recommended_grade), o.author, o.at}));
  ReviewOpinion out = o;
  out.id = rows.at(0).i64(0);
  return out;
}

Result<std::vector<ReviewOpinion>> list_opinions(Session& s, std::int64_t survey_id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT id, body, opinion, recommended_grade, author, at FROM "
                                            "survey_review_opinions WHERE survey_id = ? ORDER BY id",
                                            {survey_id}));
  std::vector<ReviewOpinion> out;
  for (const auto& r : rows) out.push_back({r.i64(0), r.str(1), r.str(2), row_opt_int(r, 3), r.str(4), r.str(5)});
  return out;
}

Result<MissingFacilityProposal> add_missing_proposal(Session& s, const MissingFacilityProposal& m) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("INSERT INTO missing_facility_proposals (round_id, survey_id, name, sector, "
                                            "reason, proposed_by, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                            {m.round_id, sql_opt(m.survey_id), m.name, m.sector, m.reason,
                                             m.proposed_by, m.at}));
  MissingFacilityProposal out = m;
  out.id = rows.at(0).i64(0);
  return out;
}

Result<std::vector<MissingFacilityProposal>> list_missing_proposals(Session& s, std::optional<std::int64_t> round_id) {
  std::string sql = "SELECT id, round_id, survey_id, name, sector, reason, proposed_by, at FROM missing_facility_proposals";
  std::vector<SqlValue> p;
  if (round_id) {
    sql += " WHERE round_id = ?";
    p.push_back(*round_id);
  }
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(sql + " ORDER BY id", p));
  std::vector<MissingFacilityProposal> out;
  for (const auto& r : rows)
    out.push_back({r.i64(0), r.i64(1), r.opt_i64(2), r.str(3), r.str(4), r.str(5), r.str(6), r.str(7)});
  return out;
}

Status add_transition(Session& s, std::int64_t survey_id, const SurveyTransition& t) {
  return s.execute("INSERT INTO survey_transitions (survey_id, from_state, to_state, actor, at, comment, snapshot) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   {survey_id, t.from_state, t.to_state, t.actor, t.at, t.comment, t.snapshot})
      .status();
}

Result<std::vector<SurveyTransition>> list_transitions(Session& s, std::int64_t survey_id) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT id, from_state, to_state, actor, at, comment, snapshot FROM "
                                            "survey_transitions WHERE survey_id = ? ORDER BY id",
                                            {survey_id}));
  std::vector<SurveyTransition> out;
  for (const auto& r : rows) out.push_back({r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.str(6)});
  return out;
}

Result<GradeVersion> add_grade_version(Session& s, GradeVersion g) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT MAX(grade_version) FROM facility_grade_history WHERE facility_id = ?",
                                            {g.facility.value}));
  g.grade_version = (rows.empty() || rows[0].null(0) ? 0 : rows[0].i64(0)) + 1;
  CIPMS_RETURN_IF_ERROR(s.execute("INSERT INTO facility_grade_history (facility_id, grade_version, grade, cii, "
                                  "previous_grade, year, survey_id, reasons, decided_by, decided_at) VALUES "
                                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                  {g.facility.value, g.grade_version, sql_opt(g.grade), std::int64_t{g.cii ? 1 : 0},
                                   sql_opt(g.previous_grade), std::int64_t{g.year}, sql_opt(g.survey_id), g.reasons,
                                   g.decided_by, g.decided_at})
                            .status());
  return g;
}

Result<std::vector<GradeVersion>> grade_history(Session& s, FacilityId facility) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT grade_version, grade, cii, previous_grade, year, survey_id, reasons, "
                                            "decided_by, decided_at FROM facility_grade_history WHERE facility_id = ? "
                                            "ORDER BY grade_version",
                                            {facility.value}));
  std::vector<GradeVersion> out;
  for (const auto& r : rows) {
    GradeVersion g;
    g.facility = facility;
    g.grade_version = r.i64(0);
    g.grade = row_opt_int(r, 1);
    g.cii = r.i64(2) != 0;
    g.previous_grade = row_opt_int(r, 3);
    g.year = static_cast<int>(r.i64(4));
    g.survey_id = r.opt_i64(5);
    g.reasons = r.str(6);
    g.decided_by = r.str(7);
    g.decided_at = r.str(8);
    out.push_back(std::move(g));
  }
  return out;
}

Result<Page<SurveyListRow>> list_surveys(Session& s, const SurveyListFilter& f) {
  Binds b;
  std::string where = " WHERE 1 = 1";
  if (f.round_id) where += " AND surveys.round_id = " + b.add(static_cast<long long>(*f.round_id));
  if (f.state) where += " AND surveys.state = " + b.add(std::string(survey_state_code(*f.state)));
  if (f.sector) where += " AND facilities.sector = " + b.add(*f.sector);
  if (f.subsector) where += " AND facilities.subsector = " + b.add(*f.subsector);
  if (f.type) where += " AND facilities.type = " + b.add(*f.type);
  if (f.authority) where += " AND facilities.authority_id = " + b.add(static_cast<long long>(f.authority->value));
  if (f.q) {
    std::string like = "%" + *f.q + "%";
    where += " AND (facilities.code LIKE " + b.add(like) + " OR facilities.name LIKE " + b.add(like) +
             " OR facilities.name_en LIKE " + b.add(like) + ")";
  }
  where += access_sql(f.access, b);
  const std::string from =
      " FROM surveys JOIN survey_rounds ON survey_rounds.id = surveys.round_id JOIN facilities ON facilities.id = "
      "surveys.facility_id";
  CIPMS_ASSIGN_OR_RETURN(auto count, s.query("SELECT COUNT(*)" + from + where, b.v));
  Page<SurveyListRow> page;
  page.total = count.empty() ? 0 : count[0].i64(0);
  std::vector<SqlValue> params = b.v;
  params.emplace_back(static_cast<std::int64_t>(f.limit));
  params.emplace_back(f.offset);
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kSurveyCols + ", " + kBriefCols + from + where +
                                                " ORDER BY CASE WHEN surveys.proposed_grade IS NULL THEN 4 ELSE "
                                                "surveys.proposed_grade END, facilities.code LIMIT ? OFFSET ?",
                                            params));
  for (const auto& r : rows) page.items.push_back({survey_of(r), brief_of(r, kSurveyColCount)});
  return page;
}

Result<std::vector<CompletionRow>> completion(Session& s, std::int64_t round_id, const std::optional<AccessFilter>& access) {
  Binds b;
  b.add(static_cast<long long>(round_id));
  std::string where = " WHERE facilities.status = 'active'" + access_sql(access, b);
  CIPMS_ASSIGN_OR_RETURN(auto rows,
                         s.query("SELECT facilities.authority_id, facilities.sector, COALESCE(surveys.state, "
                                 "'not_started'), COUNT(*) FROM facilities LEFT JOIN surveys ON surveys.facility_id = "
                                 "facilities.id AND surveys.round_id = ?" +
                                     where +
                                     " GROUP BY facilities.authority_id, facilities.sector, COALESCE(surveys.state, "
                                     "'not_started') ORDER BY facilities.authority_id, facilities.sector",
                                 b.v));
  std::vector<CompletionRow> out;
  for (const auto& r : rows) {
    std::optional<OrgId> auth;
    if (!r.null(0)) auth = OrgId(r.i64(0));
    std::string sector = r.str(1);
    if (out.empty() || out.back().authority != auth || out.back().sector != sector) {
      CompletionRow row;
      row.authority = auth;
      row.sector = sector;
      out.push_back(std::move(row));
    }
    out.back().by_state[r.str(2)] += r.i64(3);
    out.back().facilities += r.i64(3);
  }
  return out;
}

Result<Page<FacilityBrief>> not_submitted(Session& s, std::int64_t round_id, const std::optional<AccessFilter>& access,
                                          int limit, std::int64_t offset) {
  Binds b;
  b.add(static_cast<long long>(round_id));
  std::string where = " WHERE facilities.status = 'active' AND (surveys.id IS NULL OR surveys.state IN ('draft', "
                      "'returned'))" +
                      access_sql(access, b);
  const std::string from =
      " FROM facilities LEFT JOIN surveys ON surveys.facility_id = facilities.id AND surveys.round_id = ?";
  CIPMS_ASSIGN_OR_RETURN(auto count, s.query("SELECT COUNT(*)" + from + where, b.v));
  Page<FacilityBrief> page;
  page.total = count.empty() ? 0 : count[0].i64(0);
  std::vector<SqlValue> params = b.v;
  params.emplace_back(static_cast<std::int64_t>(limit));
  params.emplace_back(offset);
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kBriefCols + from + where +
                                                " ORDER BY facilities.code LIMIT ? OFFSET ?",
                                            params));
  for (const auto& r : rows) page.items.push_back(brief_of(r, 0));
  return page;
}

Result<std::vector<UnmatchedName>> unmatched_supplier_names(Session& s, std::optional<std::int64_t> round_id,
                                                            const std::optional<AccessFilter>& access) {
  Binds b;
  std::string where = " WHERE 1 = 1";
  if (round_id) where += " AND surveys.round_id = " + b.add(static_cast<long long>(*round_id));
  where += access_sql(access, b);
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT TRIM(u.name), u.resource, facilities.code FROM "
                                            "survey_external_suppliers u JOIN surveys ON surveys.id = u.survey_id "
                                            "JOIN facilities ON facilities.id = surveys.facility_id" +
                                                where + " ORDER BY TRIM(u.name), u.resource, facilities.code",
                                            b.v));
  std::vector<UnmatchedName> out;
  for (const auto& r : rows) {
    if (out.empty() || out.back().name != r.str(0) || out.back().resource != r.str(1))
      out.push_back({r.str(0), r.str(1), {}, std::nullopt});
    auto& by = out.back().named_by;
    if (std::find(by.begin(), by.end(), r.str(2)) == by.end()) by.push_back(r.str(2));
  }
  for (auto& u : out) {
    CIPMS_ASSIGN_OR_RETURN(auto cand, s.query(std::string("SELECT ") + kBriefCols +
                                                  " FROM facilities WHERE facilities.name = ? OR facilities.name_en = ? "
                                                  "ORDER BY facilities.code LIMIT 1",
                                              {u.name, u.name}));
    if (!cand.empty()) u.candidate = brief_of(cand[0], 0);
  }
  return out;
}

Result<Page<NationalRow>> national_list(Session& s, std::optional<int> grade, const std::optional<AccessFilter>& access,
                                        int limit, std::int64_t offset) {
  Binds b;
  std::string where = " WHERE facilities.grade IS NOT NULL";
  if (grade) where += " AND facilities.grade = " + b.add(static_cast<long long>(*grade));
  where += access_sql(access, b);
  const std::string from =
      " FROM facilities LEFT JOIN facility_grade_history h ON h.facility_id = facilities.id AND h.grade_version = "
      "(SELECT MAX(h2.grade_version) FROM facility_grade_history h2 WHERE h2.facility_id = facilities.id)";
  CIPMS_ASSIGN_OR_RETURN(auto count, s.query("SELECT COUNT(*)" + from + where, b.v));
  Page<NationalRow> page;
  page.total = count.empty() ? 0 : count[0].i64(0);
  std::vector<SqlValue> params = b.v;
  params.emplace_back(static_cast<std::int64_t>(limit));
  params.emplace_back(offset);
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kBriefCols +
                                                ", h.grade_version, h.decided_at, h.year" + from + where +
                                                " ORDER BY facilities.grade, facilities.code LIMIT ? OFFSET ?",
                                            params));
  for (const auto& r : rows) {
    NationalRow n;
    n.facility = brief_of(r, 0);
    n.grade_version = r.i64(kBriefColCount);
    n.decided_at = r.str(kBriefColCount + 1);
    n.year = static_cast<int>(r.i64(kBriefColCount + 2));
    page.items.push_back(std::move(n));
  }
  return page;
}

Result<std::vector<std::string>> graded_codes(Session& s) {
  CIPMS_ASSIGN_OR_RETURN(auto rows, s.query("SELECT code FROM facilities WHERE grade IS NOT NULL OR id IN (SELECT "
                                            "facility_id FROM surveys WHERE state IN ('proposed', 'under_review', "
                                            "'finalised'))"));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.str(0));
  return out;
}

Result<std::vector<FacilityBrief>> facilities_by_code(Session& s, const std::vector<std::string>& codes,
                                                     const std::optional<AccessFilter>& access) {
  std::vector<FacilityBrief> out;
  for (std::size_t start = 0; start < codes.size(); start += 200) {
    Binds b;
    std::string list;
    for (std::size_t i = start; i < codes.size() && i < start + 200; ++i)
      list += (list.empty() ? "" : ", ") + b.add(codes[i]);
    std::string where = " WHERE facilities.code IN (" + list + ")" + access_sql(access, b);
    CIPMS_ASSIGN_OR_RETURN(auto rows, s.query(std::string("SELECT ") + kBriefCols + " FROM facilities" + where, b.v));
    for (const auto& r : rows) out.push_back(brief_of(r, 0));
  }
  return out;
}

}  // namespace cipms::survey_store
