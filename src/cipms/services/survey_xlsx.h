// The grading list of a survey round as an XLSX workbook (libxlsxwriter), classification-marked:
// the highest classification level among the listed facilities is printed in the first row,
// in the page header and footer of every printed page, and in the workbook's properties.
#pragma once

#include <string>
#include <vector>

#include "cipms/base/clock.h"
#include "cipms/base/status.h"
#include "cipms/domain/survey.h"

namespace cipms {

struct GradingListRow {
  const SurveyDocument* doc = nullptr;
  std::int64_t engine_rank = 0, engine_ranked = 0;
  int engine_score = 0;
  bool disagrees = false;
};

// The marking of a document at level l, as every survey export prints it:
// "機密等級：機密 (confidential)".
std::string classification_marking(ClassLevel l);
// The highest classification among the listed facilities (一般 when none): the grading list's.
ClassLevel grading_list_level(const std::vector<GradingListRow>& rows);
// The grading list's columns (bilingual heads) and one row's cells, as text, in that order; the
// XLSX and the PDF (survey_pdf.h) print the same table.
const std::vector<std::string>& grading_list_heads();
std::vector<std::string> grading_list_cells(const GradingListRow& row);

// The workbook's bytes. kInternal when libxlsxwriter fails.
Result<std::string> grading_list_xlsx(const std::vector<GradingListRow>& rows, int year,
                                      const std::string& generated_by, TimePoint now);

}  // namespace cipms
