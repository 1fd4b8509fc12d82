#include "cipms/services/survey_xlsx.h"

#include "cipms/domain/security.h"
#include "cipms/services/xlsx_file.h"

namespace cipms {

namespace {

std::string opt(const std::optional<int>& v) { return v ? std::to_string(*v) : std::string(); }

}  // namespace

std::string classification_marking(ClassLevel l) {
  return std::string("機密等級：") + class_level_name_zh(l) + " (" + class_level_code(l) + ")";
}

ClassLevel grading_list_level(const std::vector<GradingListRow>& rows) {
  ClassLevel level = ClassLevel::kGeneral;
  for (const auto& r : rows)
    if (r.doc && r.doc->facility.classification.level > level) level = r.doc->facility.classification.level;
  return level;
}

const std::vector<std::string>& grading_list_heads() {
  static const std::vector<std::string> heads = {
      "設施代碼 code", "名稱 name", "English name", "領域 sector", "次領域 subsector", "類型 type",
      "狀態 state", "人口 population", "政府社會 government", "經濟 economic", "民心 morale",
      "建議等級 proposed", "理由 reasons", "排序 rank", "共 of", "引擎排名 engine rank",
      "引擎分數 engine score", "差異 disagrees", "核定等級 final", "CII", "機密 classification"};
  return heads;
}

std::vector<std::string> grading_list_cells(const GradingListRow& row) {
  const SurveyDocument& d = *row.doc;
  const auto& a = d.survey.assessment;
  const auto& p = d.survey.proposal;
  return {d.facility.code, d.facility.name, d.facility.name_en, d.facility.sector,
          d.facility.subsector, d.facility.type, survey_state_code(d.survey.state),
          opt(a.population.score), opt(a.government.score), opt(a.economic.score),
          opt(a.morale.score), p ? std::to_string(p->grade) : "", p ? p->reasons : "",
          p ? opt(p->rank) : "", p ? opt(p->rank_of) : "",
          row.engine_rank ? std::to_string(row.engine_rank) : "",
          row.engine_score ? std::to_string(row.engine_score) : "",
          row.disagrees ? "!" : "", opt(d.survey.final_grade),
          holds_cii(d.assets) ? "CII" : "",
          class_level_name_zh(d.facility.classification.level)};
}

Result<std::string> grading_list_xlsx(const std::vector<GradingListRow>& rows, int year,
                                      const std::string& generated_by, TimePoint now) {
  const std::string marking = classification_marking(grading_list_level(rows));

  CIPMS_ASSIGN_OR_RETURN(TempWorkbook file, new_temp_workbook("grading"));
  lxw_workbook* wb = file.wb;
  lxw_doc_properties props = {};
  std::string title = std::to_string(year) + " 國家關鍵基礎設施分級清冊 (" + marking + ")";
  // libxlsxwriter 1.1 takes char* but only reads the strings.
  std::string subject = marking, author = generated_by, comments = marking;
  props.title = title.data();
  props.subject = subject.data();
  props.author = author.data();
  props.comments = comments.data();
  workbook_set_properties(wb, &props);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "評級清冊 Grading list");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* mark = workbook_add_format(wb);
  format_set_bold(mark);
  format_set_font_color(mark, LXW_COLOR_RED);
  std::string header = "&C&\"-,Bold\"" + marking;
  std::string footer = "&L" + marking + "&R&P / &N";
  worksheet_set_header(ws, header.c_str());
  worksheet_set_footer(ws, footer.c_str());
  worksheet_write_string(ws, 0, 0, marking.c_str(), mark);
  worksheet_write_string(ws, 1, 0, title.c_str(), bold);
  std::string gen = "generated " + format_utc(now) + " by " + generated_by;
  worksheet_write_string(ws, 2, 0, gen.c_str(), nullptr);
  const auto& heads = grading_list_heads();
  const int head_row = 4;
  for (int c = 0; c < static_cast<int>(heads.size()); ++c)
    worksheet_write_string(ws, head_row, static_cast<lxw_col_t>(c), heads[static_cast<std::size_t>(c)].c_str(), bold);
  int r = head_row + 1;
  for (const auto& row : rows) {
    if (!row.doc) continue;
    std::vector<std::string> cells = grading_list_cells(row);
    for (int c = 0; c < static_cast<int>(cells.size()); ++c) {
      const std::string& v = cells[static_cast<std::size_t>(c)];
      bool numeric = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos && c >= 7 && c != 12;
      if (numeric) worksheet_write_number(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), std::stod(v), nullptr);
      else worksheet_write_string(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), v.c_str(), nullptr);
    }
    ++r;
  }
  worksheet_write_string(ws, static_cast<lxw_row_t>(r + 1), 0, marking.c_str(), mark);
  worksheet_set_column(ws, 0, 0, 16, nullptr);
  worksheet_set_column(ws, 1, 2, 28, nullptr);
  return close_temp_workbook(file);
}

}  // namespace cipms
