// `cipms survey export` (a round's surveys as JSON, the grading list as CSV, XLSX or PDF, or one
// survey (--survey ID) as JSON or PDF),
// `cipms survey import` (surveys from JSON — the export's shape — or self-assessments from CSV
// or XLSX) and `cipms survey template` (the XLSX to fill in), acting as the system. An import is
// all or nothing: every problem is printed with its place (JSON pointer, CSV line and column,
// or sheet!cell), the exit status is 2 and nothing is written. The file formats are
// services/survey_import.h's.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cipms/cli/commands.h"
#include "cipms/services/survey_import.h"
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
  std::int64_t survey = 0;  // export: one survey by id
};

// The chosen export's bytes: one survey (--survey: JSON or PDF), or the round's surveys (JSON)
// or grading list (CSV, XLSX, PDF).
Result<std::string> export_bytes(SurveyService& svc, const Args& a) {
  const Principal who = Principal::system_actor();
  auto dump = [](const J& j) { return j.dump(2, ' ', false, J::error_handler_t::replace) + "\n"; };
  if (a.survey > 0) {
    if (a.format == "pdf") return svc.survey_pdf(who, a.survey);
    if (a.format != "json") return Status::invalid("--survey exports one survey as --format json or pdf");
    CIPMS_ASSIGN_OR_RETURN(SurveyDocument d, svc.get_survey(who, a.survey));
    return dump(survey_document_json(d));
  }
  if (a.year == 0) return Status::invalid("--year is required (or --survey ID for one survey)");
  if (a.format == "xlsx") return svc.grading_list_xlsx(who, a.year);
  if (a.format == "pdf") return svc.grading_list_pdf(who, a.year);
  CIPMS_ASSIGN_OR_RETURN(std::vector<SurveyDocument> docs, svc.export_round(who, a.year));
  if (a.format == "csv") return grading_csv(docs);
  J list = J::array();
  for (const auto& d : docs) list.push_back(survey_document_json(d));
  return dump(J{{"year", a.year}, {"surveys", list}});
}

int run_export(const Args& a) {
  if ((a.format == "xlsx" || a.format == "pdf") && (a.out.empty() || a.out == "-"))
    return fail("survey export", Status::invalid("--format " + a.format + " needs --out FILE"));
  auto ctx = open_db(a.db);
  if (!ctx.is_ok()) return fail("survey export", ctx.status());
  SurveyService svc(*ctx);
  auto text = export_bytes(svc, a);
  if (!text.is_ok()) return fail("survey export", text.status());
  if (a.out.empty() || a.out == "-") {
    std::cout << *text;
    return std::cout ? 0 : 1;
  }
  std::ofstream f(a.out, std::ios::binary | std::ios::trunc);
  f << *text;
  f.close();
  if (!f) return fail("survey export", Status::invalid("cannot write " + a.out));
  return 0;
}

int run_import(const Args& a) {
  auto text = read_file(a.file);
  if (!text.is_ok()) return fail("survey import", text.status());
  auto file = read_survey_import(*text, detect_survey_format(*text, a.file));
  if (!file.is_ok()) return fail("survey import", file.status());
  auto ctx = open_db(a.db);
  if (!ctx.is_ok()) return fail("survey import", ctx.status());
  SurveyService svc(*ctx);
  auto sum = svc.import_surveys(Principal::system_actor(), a.year, file->items);
  if (!sum.is_ok()) return fail("survey import", locate_import_errors(sum.status(), *file));
  std::cout << "imported " << sum->surveys << " surveys of " << a.year << " (" << sum->submitted << " submitted)\n";
  return 0;
}

int run_template(const Args& a) {
  auto ctx = open_db(a.db);
  if (!ctx.is_ok()) return fail("survey template", ctx.status());
  SurveyService svc(*ctx);
  auto x = survey_import_template(svc, Principal::system_actor(), a.year);
  if (!x.is_ok()) return fail("survey template", x.status());
  std::ofstream f(a.out, std::ios::binary | std::ios::trunc);
  f << *x;
  f.close();
  if (!f) return fail("survey template", Status::invalid("cannot write " + a.out));
  std::cout << "wrote " << a.out << "\n";
  return 0;
}

int run_round(const Args& a, const std::string& opens_on, const std::string& deadline,
              const std::vector<int>& reminder_days) {
  auto ctx = open_db(a.db);
  if (!ctx.is_ok()) return fail("survey round", ctx.status());
  SurveyService svc(*ctx);
  SurveyRound round{0, a.year, "", opens_on, deadline};
  if (!reminder_days.empty()) round.reminder_days = reminder_days;
  auto r = svc.create_round(Principal::system_actor(), round);
  if (!r.is_ok()) return fail("survey round", r.status());
  std::cout << "opened the " << r->year << " survey round, deadline " << r->deadline << "\n";
  return 0;
}

// The reminder sweep once (serve runs it every --reminder-interval-minutes).
int run_remind(const std::string& db, const std::string& now_text) {
  TimePoint now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!now_text.empty() && !parse_utc(now_text, &now))
    return fail("survey remind", Status::invalid("--now must be a UTC time like 2026-11-25T10:00:00Z, not '" + now_text + "'"));
  auto ctx = open_db(db);
  if (!ctx.is_ok()) return fail("survey remind", ctx.status());
  auto n = SurveyService(*ctx).run_reminders(now);
  if (!n.is_ok()) return fail("survey remind", n.status());
  std::cout << "created " << *n << " reminders\n";
  return 0;
}

}  // namespace

void add_survey_commands(CLI::App& app) {
  CLI::App* survey = app.add_subcommand("survey", "Inventory surveys: bulk import and export");
  survey->require_subcommand(1);
  auto ex = std::make_shared<Args>();
  CLI::App* exp = survey->add_subcommand(
      "export", "A round's surveys as JSON, its grading list as CSV or classification-marked XLSX/PDF, or one survey (--survey) as JSON or PDF");
  add_db_option(*exp, ex->db);
  exp->add_option("--year", ex->year, "survey round (required unless --survey)");
  exp->add_option("--survey", ex->survey, "one survey by id instead of the round (--format json | pdf)");
  exp->add_option("--format", ex->format, "json | csv | xlsx | pdf")->check(CLI::IsMember({"json", "csv", "xlsx", "pdf"}))->capture_default_str();
  exp->add_option("--out", ex->out, "file (default: stdout)");
  exp->callback([ex] { set_exit(run_export(*ex)); });
  auto rd = std::make_shared<Args>();
  auto dates = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* rnd = survey->add_subcommand("round", "Open the survey round of a year");
  add_db_option(*rnd, rd->db);
  rnd->add_option("--year", rd->year, "year")->required();
  rnd->add_option("--opens-on", dates->first, "YYYY-MM-DD")->required();
  rnd->add_option("--deadline", dates->second, "YYYY-MM-DD")->required();
  auto days = std::make_shared<std::vector<int>>();
  rnd->add_option("--reminder-days", *days, "days before the deadline to remind, e.g. 30,14,7,1 (the default)")
      ->delimiter(',');
  rnd->callback([rd, dates, days] { set_exit(run_round(*rd, dates->first, dates->second, *days)); });
  auto rm = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* rem = survey->add_subcommand("remind", "Send the survey deadline and overdue reminders that are due (once each)");
  add_db_option(*rem, rm->first);
  rem->add_option("--now", rm->second, "act as if it were this UTC time (ISO 8601, e.g. 2026-11-25T10:00:00Z)");
  rem->callback([rm] { set_exit(run_remind(rm->first, rm->second)); });
  auto im = std::make_shared<Args>();
  CLI::App* imp = survey->add_subcommand("import", "Surveys from JSON (the export's shape) or self-assessments from CSV or XLSX; all or nothing");
  add_db_option(*imp, im->db);
  imp->add_option("--year", im->year, "survey round")->required();
  imp->add_option("file", im->file, "surveys.json | self-assessment.csv | self-assessment.xlsx (also told by the zip signature)")->required();
  imp->callback([im] { set_exit(run_import(*im)); });
  auto tp = std::make_shared<Args>();
  CLI::App* tpl = survey->add_subcommand("template", "The XLSX self-assessment import template of a round (facilities without a submitted survey filled in)");
  add_db_option(*tpl, tp->db);
  tpl->add_option("--year", tp->year, "survey round")->required();
  tpl->add_option("--out", tp->out, "FILE.xlsx")->required();
  tpl->callback([tp] { set_exit(run_template(*tp)); });
}

}  // namespace cipms::cli
