// Survey import files, shared by `cipms survey import` and POST /api/v1/survey-rounds/{year}/import
// (docs/survey.md, "Import"): readers of the three formats into SurveyService::SurveyImport
// items, and the XLSX template a provider fills in.
//
// - JSON: the export's shape, {"year", "surveys": [{"facility": CODE, sections..., "submit"}]}.
// - CSV and XLSX: the self-assessment table, one row per facility, columns by header name in
//   any order (others, such as facility_name, ignored): facility_code, population_score,
//   population_evidence, government_score, government_categories (';'-separated),
//   government_evidence, economic_score, economic_evidence, morale_score, morale_evidence
//   [, submit (1/0, TRUE/FALSE)]. XLSX: the first sheet. Rows with no answer (nothing but the
//   facility) are skipped, so a partly filled template leaves the other surveys alone.
//
// Readers report every problem at once with its place: a JSON pointer, "line 7, column
// population_score" or "Self-assessment!C7". Malformed files are kInvalidArgument (a broken
// zip or XML, see xlsx_reader.h; kPayloadTooLarge past its limits); bad cells and missing
// columns are kUnprocessable. Stateless; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cipms/base/status.h"
#include "cipms/services/survey_service.h"
#include "cipms/services/xlsx_reader.h"

namespace cipms {

enum class SurveyFileFormat { kJson, kCsv, kXlsx };

// Where item i of a file came from, to name the cell of a problem the service finds later.
struct ImportPlace {
  std::string row;                            // "line 7" or "Self-assessment!7:7"
  std::map<std::string, std::string> fields;  // JSON pointer suffix ("/facility") → cell
};

struct SurveyImportFile {
  std::vector<SurveyService::SurveyImport> items;
  std::vector<ImportPlace> places;  // parallel to items for CSV and XLSX; empty for JSON
};

inline constexpr const char* kSelfAssessmentSheet = "Self-assessment";
// The table's columns, in the template's order ("submit" last; it alone is optional).
const std::vector<std::string>& self_assessment_columns();

// XLSX when the bytes start like a zip, JSON when they start with '{' (after blanks and a
// BOM); otherwise by `hint`, a file name or media type: ".xlsx"/spreadsheetml → XLSX,
// ".csv"/"text/csv" → CSV; JSON by default.
SurveyFileFormat detect_survey_format(std::string_view bytes, std::string_view hint);

Result<SurveyImportFile> read_survey_import(std::string_view bytes, SurveyFileFormat format,
                                            const XlsxLimits& limits = {});

// An import_surveys failure with its "/surveys/<i>/..." pointers replaced by the places of
// item i in the file ("Self-assessment!C7"); other statuses unchanged.
Status locate_import_errors(const Status& st, const SurveyImportFile& file);

// The fill-in workbook for a round: sheet "Self-assessment" with the header row, one row per
// facility given (code and name filled in), score lists 1-5 and submit 0/1 as data
// validation, column notes in zh-TW and English, and an instructions sheet. kInternal when
// libxlsxwriter fails. Written in survey_xlsx.cc.
struct TemplateFacility {
  std::string code, name;
};
Result<std::string> survey_import_template_xlsx(int year, const std::vector<TemplateFacility>& facilities);
// The template for `who`: the round's facilities that `who` may read and that have no
// submitted survey yet (SurveyService::overdue). kNotFound when the round does not exist.
Result<std::string> survey_import_template(SurveyService& svc, const Principal& who, int year);

}  // namespace cipms
