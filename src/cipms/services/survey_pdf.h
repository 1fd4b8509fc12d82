// The survey documents as classification-marked PDF (HTML rendered by services/pdf.h): one
// survey (基本資料調查表, all four sections, its state, grading proposal, consultations and review
// opinions) on A4 portrait, and a round's grading list (the XLSX's columns, survey_xlsx.h) on A4
// landscape. Labels are bilingual, zh-TW first then English ("核心功能 Core functions").
//
// Marking (as the XLSX): "機密等級：<level> (<code>)" — the facility's level for a survey, the
// highest listed level for a grading list — at the top and bottom centre of EVERY page (CSS
// @page margin boxes), with the page number ("page N / M") and who generated it when (UTC) in
// the bottom corners. All record text is HTML-escaped; the HTML fetches nothing.
#pragma once

#include <string>
#include <vector>

#include "cipms/base/clock.h"
#include "cipms/base/status.h"
#include "cipms/domain/survey.h"
#include "cipms/services/pdf.h"
#include "cipms/services/survey_xlsx.h"

namespace cipms {

// Who generated a document and when; printed at the foot of every page.
struct DocumentStamp {
  std::string generated_by;  // Principal::display()
  TimePoint generated_at{};
};

// The HTML of one survey; `provider` names the facility's provider ("台灣電力公司 (TPC)", or "").
std::string survey_html(const SurveyDocument& d, const std::string& provider, const DocumentStamp& stamp);
// The HTML of a round's grading list (rows as for grading_list_xlsx).
std::string grading_list_html(const std::vector<GradingListRow>& rows, int year, const DocumentStamp& stamp);

// The same rendered to PDF bytes; errors as html_to_pdf (kUnavailable when Chromium fails).
Result<std::string> survey_pdf(const SurveyDocument& d, const std::string& provider, const DocumentStamp& stamp,
                               const PdfRenderOptions& opt = {});
Result<std::string> grading_list_pdf(const std::vector<GradingListRow>& rows, int year, const DocumentStamp& stamp,
                                     const PdfRenderOptions& opt = {});

}  // namespace cipms
