// `cipms survey export` (a round's surveys as JSON, or the grading list as CSV or XLSX) and
// `cipms survey import` (surveys from JSON — the export's shape — or self-assessments from CSV),
// acting as the system. An import is all or nothing: every problem is printed with its place
// (JSON pointer, or CSV line and column), the exit status is 2 and nothing is written.
//
// JSON: {"year": 2026, "surveys": [{"facility": "CODE" | {"code": "CODE", ...},
//   "core_functions": [...], "external_resources": [{"resource", "supplier_codes": [...],
//   "min_up", "backup_hours", "backup_plan"}], "unmatched_suppliers": [...], "assets": [...],
//   "self_assessment": {...}, "submit": true|false}]} — other fields of the export are ignored.
// CSV (self-assessment): facility_code, population_score, population_evidence,
//   government_score, government_categories (separated by ';'), government_evidence,
//   economic_score, economic_evidence, morale_score, morale_evidence[, submit (0/1)].
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cipms/cli/commands.h"
#include "cipms/services/survey_json.h"
#include "cipms/services/survey_service.h"

namespace cipms::cli {

namespace {

using J = nlohmann::json;

Result<ServiceContext> open_db(const std::string& url) {
  CIPMS_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::open(url));
  ServiceContext ctx{std::shared_ptr<Database>(std::move(db)), system_clock()};
  CIPMS_RETURN_IF_ERROR(ctx.db->migrate().status());
  return ctx;
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// RFC 4180 records; line numbers of each record's start.
std::vector<std::pair<int, std::vector<std::string>>> parse_csv(const std::string& text) {
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  int line = 1, start = 1;
  std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = false;
      else {
        if (c == '\n') ++line;
        cell += c;
      }
    } else if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(cell)), cell.clear(), any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !cell.empty()) row.push_back(std::move(cell)), rows.emplace_back(start, std::move(row));
      row.clear(), cell.clear(), any = false;
      start = ++line;
    } else {
      cell += c, any = true;
    }
  }
  if (any || !cell.empty()) row.push_back(std::move(cell)), rows.emplace_back(start, std::move(row));
  return rows;
}

Result<std::vector<SurveyService::SurveyImport>> read_json_import(const std::string& text) {
  J doc = J::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Status::invalid("the file is not a JSON object");
  if (!doc.contains("surveys") || !doc["surveys"].is_array())
    return Status::invalid("no \"surveys\" array", {{"/surveys", "must be an array"}});
  std::vector<SurveyService::SurveyImport> out;
  std::vector<FieldError> errs;
  auto collect = [&](const Status& st) {
    for (const auto& e : st.errors()) errs.push_back(e);
    if (st.errors().empty() && !st.is_ok()) errs.push_back({"", st.message()});
  };
  for (std::size_t i = 0; i < doc["surveys"].size(); ++i) {
    J s = doc["surveys"][i];
    std::string at = "/surveys/" + std::to_string(i);
    SurveyService::SurveyImport item;
    if (!s.is_object()) {
      errs.push_back({at, "must be an object"});
      continue;
    }
    if (s.contains("facility") && s["facility"].is_string()) item.facility_code = s["facility"];
    else if (s.contains("facility") && s["facility"].is_object() && s["facility"].value("code", J()).is_string())
      item.facility_code = s["facility"]["code"];
    else errs.push_back({at + "/facility", "the facility's code is required"});
    if (s.contains("core_functions")) {
      std::vector<CoreFunction> cfs;
      collect(read_core_functions(s["core_functions"], at + "/core_functions", cfs));
      for (auto& c : cfs) c.id = CoreFunctionId();  // ids of another database mean nothing here
      item.core_functions = std::move(cfs);
    }
    if (s.contains("external_resources") || s.contains("unmatched_suppliers")) {
      J section = J::object();
      std::vector<std::vector<std::string>> codes;
      if (s.contains("external_resources") && s["external_resources"].is_array()) {
        section["external_resources"] = J::array();
        for (std::size_t j = 0; j < s["external_resources"].size(); ++j) {
          J e = s["external_resources"][j];
          std::vector<std::string> c;
          if (e.is_object()) {
            J names = e.contains("supplier_codes") ? e["supplier_codes"] : e.value("suppliers", J::array());
            for (std::size_t k = 0; names.is_array() && k < names.size(); ++k) {
              if (names[k].is_string()) c.push_back(names[k]);
              else errs.push_back({at + "/external_resources/" + std::to_string(j) + "/supplier_codes/" + std::to_string(k),
                                   "must be a facility code"});
            }
            e.erase("supplier_codes");
            e.erase("suppliers");
            e.erase("id");
          }
          section["external_resources"].push_back(e);
          codes.push_back(std::move(c));
        }
      } else if (s.contains("external_resources")) {
        errs.push_back({at + "/external_resources", "must be an array"});
      }
      if (s.contains("unmatched_suppliers")) section["unmatched_suppliers"] = s["unmatched_suppliers"];
      std::vector<ExternalResource> res;
      std::vector<UnmatchedSupplier> un;
      collect(read_external_section(section, at, res, un));
      if (s.contains("external_resources")) {
        std::vector<SurveyService::SurveyImport::Resource> rs;
        for (std::size_t j = 0; j < res.size() && j < codes.size(); ++j) rs.push_back({res[j], codes[j]});
        item.external_resources = std::move(rs);
      }
      if (s.contains("unmatched_suppliers")) item.unmatched_suppliers = std::move(un);
    }
    if (s.contains("assets")) {
      std::vector<InternalAsset> as;
      J assets = s["assets"];
      for (auto& a : assets)
        if (a.is_object()) a.erase("core_function");
      collect(read_assets(assets, at + "/assets", as));
      item.assets = std::move(as);
    }
    if (s.contains("self_assessment")) {
      SelfAssessment a;
      collect(read_assessment(s["self_assessment"], at + "/self_assessment", a));
      item.self_assessment = a;
    }
    if (s.contains("submit")) {
      if (s["submit"].is_boolean()) item.submit = s["submit"];
      else errs.push_back({at + "/submit", "must be true or false"});
    }
    out.push_back(std::move(item));
  }
  if (!errs.empty()) return Status::invalid("the survey file is malformed, nothing was written", errs);
  return out;
}

Result<std::vector<SurveyService::SurveyImport>> read_csv_import(const std::string& text) {
  auto rows = parse_csv(text);
  if (rows.empty()) return Status::invalid("the CSV file is empty");
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < rows[0].second.size(); ++i) col[rows[0].second[i]] = i;
  std::vector<FieldError> errs;
  for (const char* need : {"facility_code", "population_score", "population_evidence", "government_score",
                           "government_categories", "government_evidence", "economic_score", "economic_evidence",
                           "morale_score", "morale_evidence"})
    if (!col.count(need)) errs.push_back({"line 1", std::string("missing column ") + need});
  if (!errs.empty()) return Status::invalid("the CSV header is incomplete", errs);
  std::vector<SurveyService::SurveyImport> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& [line, cells] = rows[r];
    auto get = [&](const std::string& name) -> std::string {
      auto it = col.find(name);
      return it == col.end() || it->second >= cells.size() ? std::string() : cells[it->second];
    };
    auto score = [&](const std::string& name) -> std::optional<int> {
      std::string v = get(name);
      if (v.empty()) return std::nullopt;
      if (v.size() == 1 && v[0] >= '0' && v[0] <= '9') return v[0] - '0';
      errs.push_back({"line " + std::to_string(line) + ", column " + name, "must be a score 1-5, not '" + v + "'"});
      return std::nullopt;
    };
    SurveyService::SurveyImport item;
    item.facility_code = get("facility_code");
    SelfAssessment a;
    a.population = {score("population_score"), get("population_evidence")};
    a.government = {score("government_score"), get("government_evidence")};
    std::string cats = get("government_categories");
    for (std::size_t p = 0; p < cats.size();) {
      std::size_t q = cats.find(';', p);
      if (q == std::string::npos) q = cats.size();
      if (q > p) a.government_categories.push_back(cats.substr(p, q - p));
      p = q + 1;
    }
    a.economic = {score("economic_score"), get("economic_evidence")};
    a.morale = {score("morale_score"), get("morale_evidence")};
    item.self_assessment = a;
    item.submit = get("submit") == "1" || get("submit") == "true";
    out.push_back(std::move(item));
  }
  if (!errs.empty()) return Status::invalid("the CSV file is malformed, nothing was written", errs);
  return out;
}

std::string grading_csv(const std::vector<SurveyDocument>& docs) {
  std::string out =
      "facility_code,facility_name,facility_name_en,sector,subsector,type,state,population_score,government_score,"
      "government_categories,economic_score,morale_score,proposed_grade,proposal_reasons,rank,rank_of,final_grade,"
      "holds_cii,facility_grade\n";
  auto opt = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string(); };
  for (const auto& d : docs) {
    const auto& a = d.survey.assessment;
    std::string cats;
    for (const auto& c : a.government_categories) cats += (cats.empty() ? "" : ";") + c;
    const auto& p = d.survey.proposal;
    std::vector<std::string> cells = {d.facility.code, d.facility.name, d.facility.name_en, d.facility.sector,
                                      d.facility.subsector, d.facility.type, survey_state_code(d.survey.state),
                                      opt(a.population.score), opt(a.government.score), cats, opt(a.economic.score),
                                      opt(a.morale.score), p ? std::to_string(p->grade) : "", p ? p->reasons : "",
                                      p ? opt(p->rank) : "", p ? opt(p->rank_of) : "", opt(d.survey.final_grade),
                                      holds_cii(d.assets) ? "1" : "0", opt(d.facility.grade)};
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_cell(cells[i]);
    out += "\n";
  }
  return out;
}

struct Args {
  std::string db;
  int year = 0;
  std::string format = "json";
  std::string out;
  std::string file;
};

int run_export(const Args& a) {
  auto ctx = open_db(a.db);
  if (!ctx.is_ok()) return fail("survey export", ctx.status());
  SurveyService svc(*ctx);
  auto docs = svc.export_round(Principal::system_actor(), a.year);
  if (!docs.is_ok()) return fail("survey export", docs.status());
  std::string text;
  if (a.format == "xlsx") {
    if (a.out.empty() || a.out == "-") return fail("survey export", Status::invalid("--format xlsx needs --out FILE"));
    auto x = svc.grading_list_xlsx(Principal::system_actor(), a.year);
    if (!x.is_ok()) return fail("survey export", x.status());
    text = std::move(x).value();
  } else if (a.format == "csv") {
    text = grading_csv(*docs);
  } else {
    J list = J::array();
    for (const auto& d : *docs) list.push_back(survey_document_json(d));
    text = J{{"year", a.year}, {"surveys", list}}.dump(2, ' ', false, J::error_handler_t::replace) + "\n";
  }
  if (a.out.empty() || a.out == "-") {
    std::cout << text;
    return std::cout ? 0 : 1;
  }
  std::ofstream f(a.out, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) return fail("survey export", Status::invalid("cannot write " + a.out));
  return 0;
}

int run_import(const Args& a) {
  auto text = read_file(a.file);
  if (!text.is_ok()) return fail("survey import", text.status());
  bool csv = a.file.size() > 4 && a.file.substr(a.file.size() - 4) == ".csv";
  auto items = csv ? read_csv_import(*text) : read_json_import(*text);
  if (!items.is_ok()) return fail("survey import", items.status());
  auto ctx = open_db(a.db);
  if (!ctx.is_ok()) return fail("survey import", ctx.status());
  SurveyService svc(*ctx);
  auto sum = svc.import_surveys(Principal::system_actor(), a.year, *items);
  if (!sum.is_ok()) return fail("survey import", sum.status());
  std::cout << "imported " << sum->surveys << " surveys of " << a.year << " (" << sum->submitted << " submitted)\n";
  return 0;
}

int run_round(const Args& a, const std::string& opens_on, const std::string& deadline) {
  auto ctx = open_db(a.db);
  if (!ctx.is_ok()) return fail("survey round", ctx.status());
  SurveyService svc(*ctx);
  auto r = svc.create_round(Principal::system_actor(), SurveyRound{0, a.year, "", opens_on, deadline});
  if (!r.is_ok()) return fail("survey round", r.status());
  std::cout << "opened the " << r->year << " survey round, deadline " << r->deadline << "\n";
  return 0;
}

}  // namespace

void add_survey_commands(CLI::App& app) {
  CLI::App* survey = app.add_subcommand("survey", "Inventory surveys: bulk import and export");
  survey->require_subcommand(1);
  auto ex = std::make_shared<Args>();
  CLI::App* exp = survey->add_subcommand("export", "A round's surveys as JSON, or its grading list as CSV or classification-marked XLSX");
  add_db_option(*exp, ex->db);
  exp->add_option("--year", ex->year, "survey round")->required();
  exp->add_option("--format", ex->format, "json | csv | xlsx")->check(CLI::IsMember({"json", "csv", "xlsx"}))->capture_default_str();
  exp->add_option("--out", ex->out, "file (default: stdout)");
  exp->callback([ex] { set_exit(run_export(*ex)); });
  auto rd = std::make_shared<Args>();
  auto dates = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* rnd = survey->add_subcommand("round", "Open the survey round of a year");
  add_db_option(*rnd, rd->db);
  rnd->add_option("--year", rd->year, "year")->required();
  rnd->add_option("--opens-on", dates->first, "YYYY-MM-DD")->required();
  rnd->add_option("--deadline", dates->second, "YYYY-MM-DD")->required();
  rnd->callback([rd, dates] { set_exit(run_round(*rd, dates->first, dates->second)); });
  auto im = std::make_shared<Args>();
  CLI::App* imp = survey->add_subcommand("import", "Surveys from JSON (the export's shape) or self-assessments from CSV; all or nothing");
  add_db_option(*imp, im->db);
  imp->add_option("--year", im->year, "survey round")->required();
  imp->add_option("file", im->file, "surveys.json | self-assessment.csv")->required();
  imp->callback([im] { set_exit(run_import(*im)); });
}

}  // namespace cipms::cli
