#include "cipms/services/survey_json.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace cipms {

namespace {

using J = SurveyJson;

J opt(const std::optional<double>& v) { return v ? J(*v) : J(nullptr); }
J opt(const std::optional<int>& v) { return v ? J(*v) : J(nullptr); }
J opt(const std::optional<bool>& v) { return v ? J(*v) : J(nullptr); }
J opt(const std::optional<std::string>& v) { return v ? J(*v) : J(nullptr); }
J opt(const std::optional<std::int64_t>& v) { return v ? J(*v) : J(nullptr); }

// Collects type errors (400) and enum errors (422) while reading objects.
struct Errors {
  std::vector<FieldError> invalid, unprocessable;
  Status status() const {
    if (!invalid.empty()) {
      std::vector<FieldError> all = invalid;
      all.insert(all.end(), unprocessable.begin(), unprocessable.end());
      return Status::invalid("the body has " + std::to_string(all.size()) + " malformed field(s)", all);
    }
    if (!unprocessable.empty())
      return Status::unprocessable("the body has " + std::to_string(unprocessable.size()) + " invalid value(s)",
                                   unprocessable);
    return Status::ok();
  }
};

class Obj {
 public:
  Obj(const J& j, std::string ptr, Errors& e, std::initializer_list<const char*> known,
      std::initializer_list<const char*> ignored = {})
      : j_(j), ptr_(std::move(ptr)), e_(e) {
    if (!j.is_object()) {
      e.invalid.push_back({ptr_.empty() ? "/" : ptr_, "must be an object"});
      ok_ = false;
      return;
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool k = std::any_of(known.begin(), known.end(), [&](const char* n) { return it.key() == n; }) ||
               std::any_of(ignored.begin(), ignored.end(), [&](const char* n) { return it.key() == n; });
      if (!k) e.invalid.push_back({ptr_ + "/" + it.key(), "unknown field"});
    }
  }
  bool ok() const { return ok_; }
  const J* get(const char* name) const {
    if (!ok_) return nullptr;
    auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  std::string p(const char* name) const { return ptr_ + "/" + name; }
  void str(const char* name, std::string& out) const {
    if (auto v = get(name)) {
      if (v->is_string()) out = v->get<std::string>();
      else e_.invalid.push_back({p(name), "must be a string"});
    }
  }
  void num(const char* name, std::optional<double>& out) const {
    if (auto v = get(name)) {
      if (v->is_number()) out = v->get<double>();
      else e_.invalid.push_back({p(name), "must be a number"});
    }
  }
  void num(const char* name, double& out) const {
    std::optional<double> o;
    num(name, o);
    if (o) out = *o;
  }
  void integer(const char* name, std::optional<int>& out) const {
    if (auto v = get(name)) {
      if (v->is_number_integer() && v->get<std::int64_t>() >= -1000000 && v->get<std::int64_t>() <= 1000000)
        out = v->get<int>();
      else e_.invalid.push_back({p(name), "must be an integer"});
    }
  }
  void id(const char* name, std::int64_t& out) const {
    if (auto v = get(name)) {
      if (v->is_number_integer() && v->get<std::int64_t>() > 0) out = v->get<std::int64_t>();
      else e_.invalid.push_back({p(name), "must be a positive integer id"});
    }
  }
  void boolean(const char* name, std::optional<bool>& out) const {
    if (auto v = get(name)) {
      if (v->is_boolean()) out = v->get<bool>();
      else e_.invalid.push_back({p(name), "must be true or false"});
    }
  }
  const J* array(const char* name) const {
    auto v = get(name);
    if (v && !v->is_array()) {
      e_.invalid.push_back({p(name), "must be an array"});
      return nullptr;
    }
    return v;
  }

 private:
  const J& j_;
  std::string ptr_;
  Errors& e_;
  bool ok_ = true;
};

const J* array_at(const J& j, const std::string& where, Errors& e) {
  if (!j.is_array()) {
    e.invalid.push_back({where.empty() ? "/" : where, "must be an array"});
    return nullptr;
  }
  return &j;
}

void read_cf(const J& j, const std::string& ptr, Errors& e, CoreFunction& c) {
  Obj o(j, ptr, e, {"id", "name", "description", "mtpd_hours", "continuity"},
        {"facility", "version", "created_at", "updated_at"});
  std::int64_t id = 0;
  o.id("id", id);
  c.id = CoreFunctionId(id);
  o.str("name", c.name);
  o.str("description", c.description);
  o.num("mtpd_hours", c.mtpd_hours);
  o.str("continuity", c.continuity);
}

void read_ext(const J& j, const std::string& ptr, Errors& e, ExternalResource& x) {
  Obj o(j, ptr, e, {"id", "resource", "suppliers", "min_up", "backup_hours", "backup_plan"},
        {"consumer", "supplier_codes", "version", "created_at", "updated_at"});
  std::int64_t id = 0;
  o.id("id", id);
  x.dependency.id = DependencyId(id);
  o.str("resource", x.dependency.resource);
  if (auto a = o.array("suppliers")) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      const J& v = (*a)[i];
      if (v.is_number_integer()) x.dependency.suppliers.push_back(FacilityId(v.get<std::int64_t>()));
      else e.invalid.push_back({ptr + "/suppliers/" + std::to_string(i), "must be a facility id"});
    }
  }
  std::optional<int> min_up;
  o.integer("min_up", min_up);
  x.dependency.min_up = min_up.value_or(1);
  o.num("backup_hours", x.dependency.backup_hours);
  o.str("backup_plan", x.backup_plan);
}

void read_unmatched(const J& j, const std::string& ptr, Errors& e, UnmatchedSupplier& u) {
  Obj o(j, ptr, e, {"resource", "name", "note", "backup_plan", "backup_hours"}, {"id"});
  o.str("resource", u.resource);
  o.str("name", u.name);
  o.str("note", u.note);
  o.str("backup_plan", u.backup_plan);
  o.num("backup_hours", u.backup_hours);
}

void read_asset(const J& j, const std::string& ptr, Errors& e, InternalAsset& a) {
  Obj o(j, ptr, e,
        {"class", "name", "description", "backup_plan", "max_backup_hours", "stops_core_function", "replaceable",
         "core_function"},
        {"id", "cii"});
  std::string cls;
  o.str("class", cls);
  if (auto c = parse_asset_class(cls)) a.asset_class = *c;
  else if (o.ok()) e.unprocessable.push_back({ptr + "/class", "must be physical, personnel or ict, not '" + cls + "'"});
  o.str("name", a.name);
  o.str("description", a.description);
  o.str("backup_plan", a.backup_plan);
  o.num("max_backup_hours", a.max_backup_hours);
  o.boolean("stops_core_function", a.stops_core_function);
  o.boolean("replaceable", a.replaceable);
  std::int64_t cf = 0;
  o.id("core_function", cf);
  if (cf > 0) a.core_function = CoreFunctionId(cf);
}

void read_criterion(const Obj& parent, const char* name, Errors& e, CriterionScore& c,
                    std::vector<std::string>* categories) {
  const J* v = parent.get(name);
  if (!v) return;
  std::string ptr = parent.p(name);
  Obj o(*v, ptr, e, categories ? std::initializer_list<const char*>{"score", "evidence", "categories"}
                               : std::initializer_list<const char*>{"score", "evidence"});
  o.integer("score", c.score);
  o.str("evidence", c.evidence);
  if (categories)
    if (auto a = o.array("categories"))
      for (std::size_t i = 0; i < a->size(); ++i) {
        if ((*a)[i].is_string()) categories->push_back((*a)[i].get<std::string>());
        else e.invalid.push_back({ptr + "/categories/" + std::to_string(i), "must be a string"});
      }
}

}  // namespace

SurveyJson survey_round_json(const SurveyRound& r) {
  return {{"id", r.id},           {"year", r.year},       {"title", r.title},
          {"opens_on", r.opens_on}, {"deadline", r.deadline}, {"version", r.version},
          {"created_at", format_utc(r.created_at)}, {"updated_at", format_utc(r.updated_at)},
          {"reminder_days", r.reminder_days}};
}

SurveyJson core_function_item_json(const CoreFunction& c) {
  return {{"id", c.id.value},           {"name", c.name},          {"description", c.description},
          {"mtpd_hours", opt(c.mtpd_hours)}, {"continuity", c.continuity}, {"version", c.version}};
}

SurveyJson external_resource_json(const ExternalResource& e) {
  J sup = J::array();
  for (FacilityId f : e.dependency.suppliers) sup.push_back(f.value);
  return {{"id", e.dependency.id.value},   {"resource", e.dependency.resource}, {"suppliers", sup},
          {"supplier_codes", e.supplier_codes}, {"min_up", e.dependency.min_up},
          {"backup_hours", e.dependency.backup_hours}, {"backup_plan", e.backup_plan},
          {"version", e.dependency.version}};
}

SurveyJson unmatched_supplier_json(const UnmatchedSupplier& u) {
  return {{"resource", u.resource},       {"name", u.name},
          {"note", u.note},               {"backup_plan", u.backup_plan},
          {"backup_hours", opt(u.backup_hours)}};
}

SurveyJson asset_json(const InternalAsset& a) {
  return {{"class", asset_class_code(a.asset_class)},
          {"name", a.name},
          {"description", a.description},
          {"backup_plan", a.backup_plan},
          {"max_backup_hours", opt(a.max_backup_hours)},
          {"stops_core_function", opt(a.stops_core_function)},
          {"replaceable", opt(a.replaceable)},
          {"core_function", a.core_function ? J(a.core_function->value) : J(nullptr)},
          {"cii", is_cii_asset(a)}};
}

SurveyJson assessment_json(const SelfAssessment& a) {
  auto c = [](const CriterionScore& s) { return J{{"score", opt(s.score)}, {"evidence", s.evidence}}; };
  J gov = c(a.government);
  gov["categories"] = a.government_categories;
  return {{"population", c(a.population)}, {"government", gov}, {"economic", c(a.economic)}, {"morale", c(a.morale)}};
}

SurveyJson proposal_json(const GradingProposal& p) {
  J cons = J::array();
  for (const auto& c : p.consultations)
    cons.push_back({{"with_whom", c.with_whom}, {"held_on", c.held_on}, {"summary", c.summary}});
  return {{"grade", p.grade},         {"reasons", p.reasons},           {"rank", opt(p.rank)},
          {"rank_of", opt(p.rank_of)}, {"consultations", cons},          {"proposed_by", p.proposed_by},
          {"proposed_at", p.proposed_at}};
}

SurveyJson opinion_json(const ReviewOpinion& o) {
  return {{"id", o.id},     {"body", o.body},     {"opinion", o.opinion}, {"recommended_grade", opt(o.recommended_grade)},
          {"author", o.author}, {"at", o.at}};
}

SurveyJson missing_proposal_json(const MissingFacilityProposal& m) {
  return {{"id", m.id},     {"survey_id", opt(m.survey_id)}, {"name", m.name}, {"sector", m.sector},
          {"reason", m.reason}, {"proposed_by", m.proposed_by}, {"at", m.at}};
}

SurveyJson grade_version_json(const GradeVersion& g) {
  return {{"facility", g.facility.value}, {"grade_version", g.grade_version}, {"grade", opt(g.grade)},
          {"cii", g.cii},                 {"previous_grade", opt(g.previous_grade)}, {"year", g.year},
          {"survey_id", opt(g.survey_id)}, {"reasons", g.reasons}, {"decided_by", g.decided_by},
          {"decided_at", g.decided_at}};
}

SurveyJson facility_brief_json(const survey_store::FacilityBrief& b) {
  return {{"id", b.id.value},         {"code", b.code},
          {"name", b.name},           {"name_en", b.name_en},
          {"sector", b.sector},       {"subsector", b.subsector},
          {"type", b.type},           {"provider", b.provider ? J(b.provider->value) : J(nullptr)},
          {"authority", b.authority ? J(b.authority->value) : J(nullptr)},
          {"grade", opt(b.grade)},    {"cii", b.cii},
          {"population", b.population}};
}

SurveyJson survey_sections_json(const SurveyDocument& d) {
  J cf = J::array(), ext = J::array(), un = J::array(), as = J::array();
  for (const auto& c : d.core_functions) cf.push_back(core_function_item_json(c));
  for (const auto& e : d.external_resources) ext.push_back(external_resource_json(e));
  for (const auto& u : d.unmatched_suppliers) un.push_back(unmatched_supplier_json(u));
  for (const auto& a : d.assets) as.push_back(asset_json(a));
  for (auto& c : cf) c.erase("version");
  for (auto& e : ext) e.erase("version");
  return {{"core_functions", cf},
          {"external_resources", ext},
          {"unmatched_suppliers", un},
          {"assets", as},
          {"self_assessment", assessment_json(d.survey.assessment)}};
}

SurveyJson survey_document_json(const SurveyDocument& d) {
  const Survey& s = d.survey;
  J j = survey_sections_json(d);
  for (std::size_t i = 0; i < d.core_functions.size(); ++i) j["core_functions"][i]["version"] = d.core_functions[i].version;
  for (std::size_t i = 0; i < d.external_resources.size(); ++i)
    j["external_resources"][i]["version"] = d.external_resources[i].dependency.version;
  j["id"] = s.id;
  j["year"] = s.year;
  j["round_id"] = s.round_id;
  j["state"] = survey_state_code(s.state);
  j["version"] = s.version;
  j["facility"] = {{"id", d.facility.id.value},     {"code", d.facility.code},       {"name", d.facility.name},
                   {"name_en", d.facility.name_en}, {"sector", d.facility.sector},   {"subsector", d.facility.subsector},
                   {"type", d.facility.type},       {"cii", d.facility.cii},
                   {"grade", d.facility.grade ? J(*d.facility.grade) : J(nullptr)}};
  j["holds_cii"] = holds_cii(d.assets);
  j["return_comment"] = s.return_comment;
  j["proposal"] = s.proposal ? proposal_json(*s.proposal) : J(nullptr);
  j["submitted_at"] = opt(s.submitted_at);
  j["final_grade"] = opt(s.final_grade);
  j["finalised_at"] = opt(s.finalised_at);
  J ops = J::array();
  for (const auto& o : d.opinions) ops.push_back(opinion_json(o));
  j["review_opinions"] = ops;
  J hist = J::array();
  for (const auto& t : d.history)
    hist.push_back({{"from", t.from_state}, {"to", t.to_state}, {"actor", t.actor}, {"at", t.at}, {"comment", t.comment}});
  j["history"] = hist;
  j["created_at"] = format_utc(s.created_at);
  j["updated_at"] = format_utc(s.updated_at);
  return j;
}

Status read_core_functions(const J& j, const std::string& where, std::vector<CoreFunction>& out) {
  Errors e;
  const J* arr = &j;
  if (j.is_object()) {
    Obj o(j, where, e, {"core_functions"});
    arr = o.array("core_functions");
    if (!arr) return e.invalid.empty() ? Status::invalid("core_functions is required", {{where + "/core_functions", "is required"}}) : e.status();
  }
  std::string base = j.is_object() ? where + "/core_functions" : where;
  if (array_at(*arr, base, e))
    for (std::size_t i = 0; i < arr->size(); ++i) {
      CoreFunction c;
      read_cf((*arr)[i], base + "/" + std::to_string(i), e, c);
      out.push_back(std::move(c));
    }
  return e.status();
}

Status read_external_section(const J& j, const std::string& where, std::vector<ExternalResource>& items,
                             std::vector<UnmatchedSupplier>& unmatched) {
  Errors e;
  Obj o(j, where, e, {"external_resources", "unmatched_suppliers"});
  if (auto a = o.array("external_resources"))
    for (std::size_t i = 0; i < a->size(); ++i) {
      ExternalResource x;
      read_ext((*a)[i], where + "/external_resources/" + std::to_string(i), e, x);
      items.push_back(std::move(x));
    }
  if (auto a = o.array("unmatched_suppliers"))
    for (std::size_t i = 0; i < a->size(); ++i) {
      UnmatchedSupplier u;
      read_unmatched((*a)[i], where + "/unmatched_suppliers/" + std::to_string(i), e, u);
      unmatched.push_back(std::move(u));
    }
  return e.status();
}

Status read_assets(const J& j, const std::string& where, std::vector<InternalAsset>& out) {
  Errors e;
  const J* arr = &j;
  std::string base = where;
  if (j.is_object()) {
    Obj o(j, where, e, {"assets"});
    arr = o.array("assets");
    base = where + "/assets";
    if (!arr) return e.invalid.empty() ? Status::invalid("assets is required", {{base, "is required"}}) : e.status();
  }
  if (array_at(*arr, base, e))
    for (std::size_t i = 0; i < arr->size(); ++i) {
      InternalAsset a;
      read_asset((*arr)[i], base + "/" + std::to_string(i), e, a);
      out.push_back(std::move(a));
    }
  return e.status();
}

Status read_assessment(const J& j, const std::string& where, SelfAssessment& out) {
  Errors e;
  Obj o(j, where, e, {"population", "government", "economic", "morale"});
  read_criterion(o, "population", e, out.population, nullptr);
  read_criterion(o, "government", e, out.government, &out.government_categories);
  read_criterion(o, "economic", e, out.economic, nullptr);
  read_criterion(o, "morale", e, out.morale, nullptr);
  return e.status();
}

Status read_proposal(const J& j, const std::string& where, GradingProposal& out) {
  Errors e;
  Obj o(j, where, e, {"grade", "reasons", "rank", "rank_of", "consultations"}, {"proposed_by", "proposed_at"});
  std::optional<int> g;
  o.integer("grade", g);
  out.grade = g.value_or(0);
  o.str("reasons", out.reasons);
  o.integer("rank", out.rank);
  o.integer("rank_of", out.rank_of);
  if (auto a = o.array("consultations"))
    for (std::size_t i = 0; i < a->size(); ++i) {
      Consultation c;
      Obj co((*a)[i], where + "/consultations/" + std::to_string(i), e, {"with_whom", "held_on", "summary"});
      co.str("with_whom", c.with_whom);
      co.str("held_on", c.held_on);
      co.str("summary", c.summary);
      out.consultations.push_back(std::move(c));
    }
  return e.status();
}

Status read_opinion(const J& j, const std::string& where, ReviewOpinion& o,
                    std::vector<MissingFacilityProposal>& missing) {
  Errors e;
  Obj ob(j, where, e, {"body", "opinion", "recommended_grade", "missing_facilities"});
  ob.str("body", o.body);
  ob.str("opinion", o.opinion);
  ob.integer("recommended_grade", o.recommended_grade);
  if (auto a = ob.array("missing_facilities"))
    for (std::size_t i = 0; i < a->size(); ++i) {
      MissingFacilityProposal m;
      Obj mo((*a)[i], where + "/missing_facilities/" + std::to_string(i), e, {"name", "sector", "reason"});
      mo.str("name", m.name);
      mo.str("sector", m.sector);
      mo.str("reason", m.reason);
      missing.push_back(std::move(m));
    }
  return e.status();
}

}  // namespace cipms
