// The self-assessment import template (survey_import.h) written with libxlsxwriter.
#include <algorithm>

#include "cipms/domain/survey.h"
#include "cipms/services/survey_import.h"
#include "cipms/services/xlsx_file.h"

namespace cipms {

namespace {

// What each column means, as the header cell's note (zh-TW first, then English).
const char* column_note(const std::string& col) {
  if (col == "facility_code") return "設施代碼（必填）\nFacility code (required)";
  if (col == "facility_name") return "設施名稱（僅供參考，匯入時忽略）\nFacility name (for reference; ignored on import)";
  if (col == "government_categories")
    return "政府與社會功能類別代碼，以分號分隔，見「說明 Instructions」\nGovernment function category codes separated by ';' "
           "(see the Instructions sheet)";
  if (col == "submit") return "1 = 匯入後送出 submit after import; 0 或空白 = 草稿 keep as draft";
  if (col.size() > 6 && col.substr(col.size() - 6) == "_score") return "影響程度 1（輕微）至 5（嚴重，全國）\nScore 1 (negligible) to 5 (severe, national)";
  return "評分依據 Evidence for the score";
}

void list_validation(lxw_worksheet* ws, lxw_col_t col, lxw_row_t last, char** values, const char* title, const char* msg) {
  lxw_data_validation dv = {};
  dv.validate = LXW_VALIDATION_TYPE_LIST;
  dv.value_list = values;
  dv.input_title = const_cast<char*>(title);
  dv.input_message = const_cast<char*>(msg);
  dv.error_title = const_cast<char*>(title);
  dv.error_message = const_cast<char*>(msg);
  worksheet_data_validation_range(ws, 1, col, last, col, &dv);
}

void instructions(lxw_workbook* wb, lxw_format* bold, int year) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "說明 Instructions");
  std::vector<std::string> lines = {
      std::to_string(year) + " 關鍵基礎設施自評表匯入範本 / self-assessment import template",
      "每列一個設施；第一個工作表的標題列請勿修改。 One row per facility; keep the first sheet's header row.",
      "匯入為全有或全無：任何一格有誤，整個檔案都不會寫入，錯誤訊息會指出工作表與儲存格（例如 Self-assessment!C7）。",
      "An import is all or nothing: any bad cell rejects the whole file, naming the sheet and cell (e.g. Self-assessment!C7).",
      "",
      "government_categories 代碼 codes:"};
  for (const auto& g : kGovCategories) lines.push_back(std::string(g.code) + " — " + g.name_zh + " / " + g.name_en);
  for (std::size_t i = 0; i < lines.size(); ++i)
    worksheet_write_string(ws, static_cast<lxw_row_t>(i), 0, lines[i].c_str(), i == 0 ? bold : nullptr);
  worksheet_set_column(ws, 0, 0, 110, nullptr);
}

void self_assessment_sheet(lxw_workbook* wb, lxw_format* bold, lxw_format* text,
                           const std::vector<TemplateFacility>& facilities) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, kSelfAssessmentSheet);
  std::vector<std::string> cols = self_assessment_columns();
  cols.insert(cols.begin() + 1, "facility_name");
  for (std::size_t c = 0; c < cols.size(); ++c) {
    auto col = static_cast<lxw_col_t>(c);
    worksheet_write_string(ws, 0, col, cols[c].c_str(), bold);
    worksheet_write_comment(ws, 0, col, column_note(cols[c]));
    bool narrow = cols[c].ends_with("_score") || cols[c] == "submit";
    worksheet_set_column(ws, col, col, narrow ? 14 : 28, c < 2 || !narrow ? text : nullptr);
  }
  for (std::size_t r = 0; r < facilities.size(); ++r) {
    worksheet_write_string(ws, static_cast<lxw_row_t>(r + 1), 0, facilities[r].code.c_str(), text);
    worksheet_write_string(ws, static_cast<lxw_row_t>(r + 1), 1, facilities[r].name.c_str(), text);
  }
  // Validation reaches well past the rows given, so that rows can be added.
  auto last = static_cast<lxw_row_t>(std::max<std::size_t>(facilities.size() + 500, 1000));
  static char* scores[] = {const_cast<char*>("1"), const_cast<char*>("2"), const_cast<char*>("3"),
                           const_cast<char*>("4"), const_cast<char*>("5"), nullptr};
  static char* flags[] = {const_cast<char*>("0"), const_cast<char*>("1"), nullptr};
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].ends_with("_score"))
      list_validation(ws, static_cast<lxw_col_t>(c), last, scores, "1-5", "影響程度 1 至 5 / a score from 1 to 5");
    else if (cols[c] == "submit")
      list_validation(ws, static_cast<lxw_col_t>(c), last, flags, "0/1", "1 = 送出 submit, 0 = 草稿 draft");
  }
  worksheet_freeze_panes(ws, 1, 1);
  worksheet_activate(ws);
}

}  // namespace

Result<std::string> survey_import_template_xlsx(int year, const std::vector<TemplateFacility>& facilities) {
  CIPMS_ASSIGN_OR_RETURN(TempWorkbook file, new_temp_workbook("template"));
  lxw_workbook* wb = file.wb;
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* text = workbook_add_format(wb);
  format_set_num_format(text, "@");  // codes such as 00123 stay text
  self_assessment_sheet(wb, bold, text, facilities);  // first: the import reads the first sheet
  instructions(wb, bold, year);
  return close_temp_workbook(file);
}

}  // namespace cipms
