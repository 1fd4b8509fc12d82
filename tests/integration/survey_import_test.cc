// Survey import files (services/survey_import.h) through SurveyService::import_surveys on real
// SQLite and PostgreSQL: the XLSX template, filled in with libxlsxwriter, imports; bad cells
// are named Sheet!Cell and nothing is written; CSV reads the same table.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "cipms/services/survey_import.h"
#include "cipms/services/survey_json.h"
#include "cipms/storage/store.h"
#include "support/backends.h"
#include "support/paths.h"
#include "support/survey_db_fixture.h"
#include "support/xlsx_fixture.h"

namespace cipms {
namespace {

using namespace std::chrono_literals;
using testing::XCell;
using testing::XSheet;

const TimePoint kT0 = std::chrono::sys_days{std::chrono::November / 25 / 2026} + 10h;

bool names(const Status& st, const std::string& pointer, const std::string& words = "") {
  for (const auto& e : st.errors())
    if (e.pointer == pointer && e.message.find(words) != std::string::npos) return true;
  return false;
}

class SurveyImportFiles : public testing::SurveyDbTest {
 protected:
  SurveyImportFiles() : SurveyDbTest("cipms-survey-import", kT0) {}
  void SetUp() override {
    SurveyDbTest::SetUp();
    if (HasFatalFailure()) return;
    moea_ = org("MOEA", OrgType::kCompetentAuthority, {"electricity"});
    tpc_ = org("TPC", OrgType::kProvider);
    OrgId other = org("OTHER", OrgType::kProvider);
    for (const char* code : {"PLANT-1", "SUB-1"}) facility(code, tpc_);
    facility("FOREIGN-1", other);
    bool round_ok =
        svc_->create_round(Principal::system_actor(), SurveyRound{0, 2026, "", "2026-01-01", "2026-12-31"}).is_ok();
    session_.reset();  // the tests go through the service only: no session stays open
    ASSERT_TRUE(round_ok);
  }
  Principal editor() {
    Principal p;
    p.user = UserId(1);
    p.username = "editor";
    p.role = Role::kProviderEditor;
    p.org = tpc_;
    p.org_code = "TPC";
    p.org_type = OrgType::kProvider;
    return p;
  }

  // Reads and imports as the TPC editor, with errors placed in the file as the API does.
  Result<SurveyService::ImportSummary> import(const std::string& bytes, SurveyFileFormat f) {
    CIPMS_ASSIGN_OR_RETURN(SurveyImportFile file, read_survey_import(bytes, f));
    auto sum = svc_->import_surveys(editor(), 2026, file.items);
    if (!sum.is_ok()) return locate_import_errors(sum.status(), file);
    return sum;
  }
  // Everything the round holds, to compare before and after a rejected import.
  std::string state() {
    auto docs = svc_->export_round(Principal::system_actor(), 2026);
    EXPECT_TRUE(docs.is_ok());
    std::string out;
    for (const auto& d : *docs) out += survey_document_json(d).dump() + "\n";
    return out;
  }
  // A self-assessment row in the template's column order (facility_name between code and scores).
  static std::vector<XCell> row(const std::string& code, XCell population, const std::string& submit = "0") {
    return {code, "name", population, "serves a city", 3, "lifeline_transport;command", "county offices",
            2, "NTD 10 million per hour", 1, "local news", submit};
  }

  OrgId tpc_;
};

TEST_P(SurveyImportFiles, Template_ListsTheHeaderAndTheFacilitiesStillToSubmit) {
  auto x = survey_import_template(*svc_, editor(), 2026);
  ASSERT_TRUE(x.is_ok()) << x.status().to_string();
  auto book = read_xlsx(*x);
  ASSERT_TRUE(book.is_ok()) << book.status().to_string();
  ASSERT_GE(book->size(), 2u);
  const XlsxSheet& sheet = (*book)[0];
  EXPECT_EQ(sheet.name, kSelfAssessmentSheet);
  std::vector<std::string> head = self_assessment_columns();
  head.insert(head.begin() + 1, "facility_name");
  EXPECT_EQ(sheet.rows.at(0).cells, head);
  std::set<std::string> codes;
  for (std::size_t r = 1; r < sheet.rows.size(); ++r) codes.insert(sheet.rows[r].cells.at(0));
  EXPECT_EQ(codes, (std::set<std::string>{"PLANT-1", "SUB-1"}));  // not another provider's
  // Imported as it is, the template changes nothing: rows without answers are skipped.
  std::string before = state();
  auto sum = import(*x, SurveyFileFormat::kXlsx);
  ASSERT_TRUE(sum.is_ok()) << sum.status().to_string();
  EXPECT_EQ(sum->surveys, 0);
  EXPECT_EQ(state(), before);
  EXPECT_EQ(survey_import_template(*svc_, editor(), 2031).status().code(), Code::kNotFound);
}

TEST_P(SurveyImportFiles, FilledTemplate_ImportsEveryRowAndSubmitsWhenAsked) {
  auto tpl = read_xlsx(*survey_import_template(*svc_, editor(), 2026));
  ASSERT_TRUE(tpl.is_ok());
  std::vector<XCell> head;
  for (const auto& h : (*tpl)[0].rows[0].cells) head.emplace_back(h);
  std::string filled = testing::write_xlsx(
      {XSheet{kSelfAssessmentSheet, {head, row("PLANT-1", 4), {}, row("SUB-1", 2)}}, XSheet{"說明 Instructions", {{"x"}}}});
  auto sum = import(filled, detect_survey_format(filled, "whatever.bin"));
  ASSERT_TRUE(sum.is_ok()) << sum.status().to_string();
  EXPECT_EQ(sum->surveys, 2);
  EXPECT_EQ(sum->submitted, 0);
  auto docs = svc_->export_round(Principal::system_actor(), 2026);
  ASSERT_TRUE(docs.is_ok());
  ASSERT_EQ(docs->size(), 2u);
  for (const auto& d : *docs) {
    const SelfAssessment& a = d.survey.assessment;
    EXPECT_EQ(a.population.score, d.facility.code == "PLANT-1" ? 4 : 2);
    EXPECT_EQ(a.population.evidence, "serves a city");
    EXPECT_EQ(a.government_categories, (std::vector<std::string>{"lifeline_transport", "command"}));
    EXPECT_EQ(a.morale.score, 1);
    EXPECT_EQ(survey_state_code(d.survey.state), std::string("draft"));
  }
}

TEST_P(SurveyImportFiles, BadScoreCell_IsNamedSheetAndCellAndNothingIsWritten) {
  std::vector<XCell> head;
  for (const auto& h : self_assessment_columns()) head.emplace_back(h);
  auto good = row("PLANT-1", 4);
  good.erase(good.begin() + 1);  // no facility_name column: columns by name
  auto bad = row("SUB-1", 7);
  bad.erase(bad.begin() + 1);
  bad[3] = XCell("high");  // government_score, column D
  std::string before = state();
  auto r = import(testing::write_xlsx({XSheet{kSelfAssessmentSheet, {head, good, bad}}}), SurveyFileFormat::kXlsx);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  EXPECT_TRUE(names(r.status(), "Self-assessment!B3", "population_score must be a score 1-5, not '7'")) << r.status().to_string();
  EXPECT_TRUE(names(r.status(), "Self-assessment!D3", "'high'")) << r.status().to_string();
  EXPECT_EQ(r.status().errors().size(), 2u);
  EXPECT_EQ(state(), before);
}

TEST_P(SurveyImportFiles, ProblemsFoundByTheService_AreNamedByCellToo) {
  std::vector<XCell> head;
  for (const auto& h : self_assessment_columns()) head.emplace_back(h);
  auto foreign = row("FOREIGN-1", 3);
  foreign.erase(foreign.begin() + 1);
  auto unknown_category = row("PLANT-1", 3);
  unknown_category.erase(unknown_category.begin() + 1);
  unknown_category[4] = XCell("lifeline_transport;moon_base");
  std::string before = state();
  auto r = import(testing::write_xlsx({XSheet{"Sheet1", {head, foreign, unknown_category}}}), SurveyFileFormat::kXlsx);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  // Another provider's facility is not even named as existing.
  EXPECT_TRUE(names(r.status(), "Sheet1!A2", "no facility with code 'FOREIGN-1'")) << r.status().to_string();
  EXPECT_TRUE(names(r.status(), "Sheet1!E3", "moon_base")) << r.status().to_string();
  EXPECT_EQ(state(), before);
}

TEST_P(SurveyImportFiles, SubmittingAnIncompleteSurvey_NamesTheRowAndWritesNothing) {
  std::vector<XCell> head;
  for (const auto& h : self_assessment_columns()) head.emplace_back(h);
  auto r1 = row("PLANT-1", 3, "1");
  r1.erase(r1.begin() + 1);
  std::string before = state();
  auto r = import(testing::write_xlsx({XSheet{"S", {head, r1}}}), SurveyFileFormat::kXlsx);
  ASSERT_FALSE(r.is_ok());
  bool row_named = false;
  Status st = r.status();
  for (const auto& e : st.errors()) row_named = row_named || e.pointer.rfind("S!2:2 /core_functions", 0) == 0;
  EXPECT_TRUE(row_named) << r.status().to_string();
  EXPECT_EQ(state(), before);
}

TEST_P(SurveyImportFiles, HeaderMissingAColumn_ListsEveryMissingColumn) {
  auto r = import(testing::write_xlsx({XSheet{"S", {{"facility_code", "population_score", "population_evidence"},
                                                     {"PLANT-1", 3, "x"}}}}),
                  SurveyFileFormat::kXlsx);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  EXPECT_TRUE(names(r.status(), "S!1:1", "missing column government_score")) << r.status().to_string();
  EXPECT_EQ(r.status().errors().size(), 7u);
}

TEST_P(SurveyImportFiles, BrokenWorkbooks_AreRejectedBeforeAnythingIsRead) {
  std::string before = state();
  std::string x = testing::write_xlsx({XSheet{"S", {{"facility_code"}}}});
  EXPECT_EQ(import(x.substr(0, x.size() - 100), SurveyFileFormat::kXlsx).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(import(testing::write_zip({{"a.txt", "not a workbook"}}), SurveyFileFormat::kXlsx).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(state(), before);
}

TEST_P(SurveyImportFiles, Csv_ReadsTheSameTableWithLineAndColumnPlaces) {
  std::string head;
  for (const auto& h : self_assessment_columns()) head += (head.empty() ? "" : ",") + h;
  std::string csv = head + "\nPLANT-1,4,\"serves a city, mostly\",3,command,offices,2,loss,1,news,0\n\nSUB-1,9,a,,,b,,c,,d,\n";
  EXPECT_EQ(detect_survey_format(csv, "self.csv"), SurveyFileFormat::kCsv);
  auto r = import(csv, SurveyFileFormat::kCsv);
  ASSERT_FALSE(r.is_ok());
  EXPECT_TRUE(names(r.status(), "line 4, column population_score", "not '9'")) << r.status().to_string();
  csv = csv.substr(0, csv.find("\n\n") + 1);
  auto ok = import(csv, SurveyFileFormat::kCsv);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ(ok->surveys, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SurveyImportFiles, ::testing::ValuesIn(testing::backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace cipms
