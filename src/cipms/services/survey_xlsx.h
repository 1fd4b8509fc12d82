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

// The workbook's bytes. kInternal when libxlsxwriter fails.
Result<std::string> grading_list_xlsx(const std::vector<GradingListRow>& rows, int year,
                                      const std::string& generated_by, TimePoint now);

}  // namespace cipms
