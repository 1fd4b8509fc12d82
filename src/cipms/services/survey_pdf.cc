#include "cipms/services/survey_pdf.h"

#include <charconv>
#include <optional>
#include <string_view>

#include "cipms/domain/security.h"

namespace cipms {

namespace {

// --- small text pieces (every record value goes through esc) ---

std::string esc(std::string_view s) { return html_escape(s); }

// "中文 <span class=en>English</span>": a bilingual label.
std::string bi(std::string_view zh, std::string_view en) {
  return std::string(zh) + " <span class=\"en\">" + std::string(en) + "</span>";
}

std::string num(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
std::string num(const std::optional<double>& v) { return v ? num(*v) : "—"; }
std::string num(const std::optional<int>& v) { return v ? std::to_string(*v) : "—"; }
std::string yes_no(const std::optional<bool>& v) { return !v ? "—" : *v ? bi("是", "yes") : bi("否", "no"); }
std::string or_dash(const std::string& s) { return s.empty() ? "—" : esc(s); }

std::string cell(const std::string& html, const char* tag = "td") {
  return std::string("<") + tag + ">" + html + "</" + tag + ">";
}
std::string row(const std::vector<std::string>& cells, const char* tag = "td") {
  std::string out = "<tr>";
  for (const auto& c : cells) out += cell(c, tag);
  return out + "</tr>";
}
// A table with a header row (heads are HTML) and body rows (cells are HTML); `cls` its class.
std::string table(const std::vector<std::string>& heads, const std::vector<std::vector<std::string>>& rows,
                  const char* cls = "grid") {
  std::string out = std::string("<table class=\"") + cls + "\"><thead>" + row(heads, "th") + "</thead><tbody>";
  for (const auto& r : rows) out += row(r);
  if (rows.empty()) out += "<tr><td class=\"none\" colspan=\"" + std::to_string(heads.size()) + "\">" + bi("無", "none") + "</td></tr>";
  return out + "</tbody></table>";
}
std::string h2(std::string_view zh, std::string_view en) { return "<h2>" + bi(zh, en) + "</h2>"; }

// --- the page: size, margin boxes with the marking, page numbers and the stamp ---

std::string page_css(const std::string& marking, const std::string& title, const DocumentStamp& stamp, bool landscape) {
  const std::string mark = css_string(marking);
  const std::string font = "font-family: \"Noto Sans CJK TC\", sans-serif;";
  const std::string box_mark = "{ content: " + mark + "; " + font + " color: #b00000; font-weight: 700; font-size: 11pt; white-space: nowrap; }";
  const std::string small = font + " font-size: 7.5pt; color: #444;";
  return std::string("@page { size: A4") + (landscape ? " landscape" : "") + "; margin: 20mm 12mm 18mm 12mm; " + font +
         "\n @top-center " + box_mark + "\n @bottom-center " + box_mark +
         "\n @top-left { content: " + css_string(title) + "; " + small + " }" +
         "\n @bottom-left { content: " +
         css_string("產製 generated " + format_utc(stamp.generated_at) + " · " + stamp.generated_by) + "; " + small + " }" +
         "\n @bottom-right { content: \"頁 page \" counter(page) \" / \" counter(pages); " + small + " }\n}\n" +
         "body { " + font + " font-size: 9pt; color: #000; margin: 0; }\n"
         "h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 11pt; margin: 5mm 0 1.5mm; border-bottom: 1px solid #888; }\n"
         "h3 { font-size: 9.5pt; margin: 3mm 0 1mm; } .en { color: #555; font-weight: normal; }\n"
         "th .en, td .en { display: block; font-size: 0.85em; }\n"
         "table { border-collapse: collapse; width: 100%; } thead { display: table-header-group; }\n"
         "tr { break-inside: avoid; } th, td { border: 1px solid #999; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }\n"
         "td { overflow-wrap: anywhere; }\n"
         "th { background: #eee; font-weight: 600; } table.kv th { width: 32%; } td.none { color: #777; }\n"
         ".mark { color: #b00000; font-weight: 700; text-align: center; margin-bottom: 2mm; } .meta { color: #444; }\n"
         // The grading list: codes and numbers on one line; names and reasons wrap.
         "table.list { font-size: 6.5pt; } table.list th { font-size: 6pt; padding: 0.8mm; }\n"
         "table.list td { white-space: nowrap; overflow-wrap: normal; padding: 0.8mm 1mm; }\n"
         "table.list td:nth-child(2), table.list td:nth-child(3), table.list td:nth-child(13) { white-space: normal; min-width: 24mm; }\n";
}

// --- the survey ---

const char* state_zh(SurveyState s) {
  switch (s) {
    case SurveyState::kDraft: return "草稿";
    case SurveyState::kSubmitted: return "已送出";
    case SurveyState::kReturned: return "已退回";
    case SurveyState::kAccepted: return "已受理";
    case SurveyState::kProposed: return "已提分級建議";
    case SurveyState::kUnderReview: return "審查中";
    case SurveyState::kFinalised: return "已核定";
  }
  return "";
}

std::string facility_part(const SurveyDocument& d, const std::string& provider) {
  const Facility& f = d.facility;
  const Survey& s = d.survey;
  const Classification& c = f.classification;
  std::string level = esc(class_level_name_zh(c.level)) + " (" + class_level_code(c.level) + ")";
  if (!c.reason.empty()) level += "；" + esc(c.reason);
  if (c.declassify_on) level += "；" + bi("解密日期", "declassify on") + " " + esc(*c.declassify_on);
  std::vector<std::vector<std::string>> kv = {
      {bi("設施名稱", "Facility"), esc(f.name) + (f.name_en.empty() ? "" : "<span class=\"en\">" + esc(f.name_en) + "</span>")},
      {bi("設施代碼", "Code"), esc(f.code)},
      {bi("提供者", "Provider"), or_dash(provider)},
      {bi("領域／次領域／類型", "Sector / sub-sector / type"), esc(f.sector + " / " + f.subsector + " / " + f.type)},
      {bi("調查狀態", "State"), std::string(state_zh(s.state)) + " (" + survey_state_code(s.state) + ")"},
      {bi("機密等級", "Classification"), level},
      {bi("關鍵資訊基礎設施", "Holds CII"), yes_no(holds_cii(d.assets))},
      {bi("送出時間", "Submitted at"), s.submitted_at ? esc(*s.submitted_at) : "—"},
      {bi("核定等級", "Final grade"), num(s.final_grade)}};
  if (!s.return_comment.empty()) kv.push_back({bi("退回意見", "Return comment"), esc(s.return_comment)});
  std::string out = "<table class=\"kv grid\"><tbody>";
  for (const auto& r : kv) out += "<tr>" + cell(r[0], "th") + cell(r[1]) + "</tr>";
  return out + "</tbody></table>";
}

std::string core_functions_part(const SurveyDocument& d) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : d.core_functions)
    rows.push_back({esc(c.name), or_dash(c.description), num(c.mtpd_hours), or_dash(c.continuity)});
  return h2("一、核心功能", "1. Core functions") +
         table({bi("名稱", "Name"), bi("說明", "Description"), bi("最大可容忍中斷時間（小時）", "MTPD (hours)"),
                bi("持續運作安排", "Continuity arrangement")},
               rows);
}

std::string suppliers_of(const ExternalResource& r) {
  std::string out;
  for (const auto& code : r.supplier_codes) out += (out.empty() ? "" : ", ") + (code.empty() ? "—" : esc(code));
  return out.empty() ? "—" : out;
}

std::string external_part(const SurveyDocument& d) {
  std::vector<std::vector<std::string>> rows, free;
  for (const auto& r : d.external_resources) {
    const Dependency& dep = r.dependency;
    rows.push_back({esc(dep.resource), suppliers_of(r),
                    std::to_string(dep.min_up) + " / " + std::to_string(dep.suppliers.size()),
                    num(dep.backup_hours), or_dash(r.backup_plan)});
  }
  for (const auto& u : d.unmatched_suppliers)
    free.push_back({esc(u.resource), esc(u.name), num(u.backup_hours), or_dash(u.backup_plan), or_dash(u.note)});
  std::string out = h2("二、外部關鍵資源", "2. External critical resources") +
                    table({bi("資源", "Resource"), bi("供應者", "Suppliers"), bi("最少需正常 k / n", "k of n up"),
                           bi("備援時數（小時）", "Backup (hours)"), bi("備援計畫", "Backup plan")},
                          rows);
  if (free.empty()) return out;
  return out + "<h3>" + bi("尚未登錄之供應者", "Suppliers not registered yet") + "</h3>" +
         table({bi("資源", "Resource"), bi("名稱", "Name"), bi("備援時數（小時）", "Backup (hours)"),
                bi("備援計畫", "Backup plan"), bi("備註", "Note")},
               free);
}

std::string assets_part(const SurveyDocument& d) {
  struct Class {
    AssetClass c;
    const char *zh, *en;
  };
  const Class classes[] = {{AssetClass::kPhysical, "實體資產", "Physical"},
                           {AssetClass::kPersonnel, "人員", "Personnel"},
                           {AssetClass::kIct, "資通系統", "ICT"}};
  std::string out = h2("三、內部關鍵資產", "3. Internal essential assets") + "<p>" +
                    bi("關鍵資訊基礎設施（CII）", "Holds critical information infrastructure") + "：" +
                    yes_no(holds_cii(d.assets)) + "</p>";
  for (const Class& k : classes) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : d.assets)
      if (a.asset_class == k.c)
        rows.push_back({esc(a.name), or_dash(a.description), or_dash(a.backup_plan), num(a.max_backup_hours),
                        yes_no(a.stops_core_function), yes_no(a.replaceable), is_cii_asset(a) ? "CII" : "—"});
    out += "<h3>" + bi(k.zh, k.en) + "</h3>" +
           table({bi("名稱", "Name"), bi("說明", "Description"), bi("備援計畫", "Backup plan"),
                  bi("最長備援時數", "Max backup (hours)"), bi("中斷核心功能", "Stops a core function"),
                  bi("可暫時替代", "Replaceable"), "CII"},
                 rows);
  }
  return out;
}

std::string categories_of(const SelfAssessment& a) {
  std::string out;
  for (const auto& code : a.government_categories) {
    std::string name = esc(code);
    for (const auto& g : kGovCategories)
      if (code == g.code) name = bi(g.name_zh, g.name_en);
    out += "<div>" + name + "</div>";
  }
  return out.empty() ? "—" : out;
}

std::string assessment_part(const SurveyDocument& d) {
  const SelfAssessment& a = d.survey.assessment;
  std::vector<std::vector<std::string>> rows = {
      {bi("人口（傷亡、撤離）", "Population"), num(a.population.score), or_dash(a.population.evidence)},
      {bi("政府及社會功能", "Government and society"), num(a.government.score),
       or_dash(a.government.evidence) + "<div class=\"meta\">" + bi("類別", "Categories") + "</div>" + categories_of(a)},
      {bi("經濟", "Economic"), num(a.economic.score), or_dash(a.economic.evidence)},
      {bi("民心士氣", "Morale"), num(a.morale.score), or_dash(a.morale.evidence)}};
  return h2("四、自評", "4. Self-assessment") +
         table({bi("準則", "Criterion"), bi("分數（1–5）", "Score (1–5)"), bi("佐證", "Evidence")}, rows);
}

std::string proposal_part(const SurveyDocument& d) {
  const auto& p = d.survey.proposal;
  if (!p) return "";
  std::vector<std::vector<std::string>> consult;
  for (const auto& c : p->consultations) consult.push_back({esc(c.with_whom), esc(c.held_on), or_dash(c.summary)});
  std::string rank = num(p->rank) + " / " + num(p->rank_of);
  return h2("分級建議", "Grading proposal") + "<table class=\"kv grid\"><tbody>" +
         row({bi("建議等級", "Proposed grade"), std::to_string(p->grade)}) + row({bi("理由", "Reasons"), or_dash(p->reasons)}) +
         row({bi("同類排序", "Rank among the same type"), rank}) +
         row({bi("建議者", "Proposed by"), or_dash(p->proposed_by) + " · " + or_dash(p->proposed_at)}) + "</tbody></table>" +
         "<h3>" + bi("諮詢紀錄", "Consultations") + "</h3>" +
         table({bi("對象", "With whom"), bi("日期", "Held on"), bi("意見摘要", "Summary")}, consult);
}

std::string opinions_part(const SurveyDocument& d) {
  if (d.opinions.empty()) return "";
  std::vector<std::vector<std::string>> rows;
  for (const auto& o : d.opinions)
    rows.push_back({esc(o.body), or_dash(o.opinion), num(o.recommended_grade), or_dash(o.author) + " · " + or_dash(o.at)});
  return h2("審查意見", "Review opinions") +
         table({bi("審查機關", "Reviewing body"), bi("意見", "Opinion"), bi("建議等級", "Recommended grade"),
                bi("提出者", "By")},
               rows);
}

}  // namespace

std::string survey_html(const SurveyDocument& d, const std::string& provider, const DocumentStamp& stamp) {
  const std::string marking = classification_marking(d.facility.classification.level);
  const std::string year = std::to_string(d.survey.year);
  const std::string title = year + " 基本資料調查表 Survey · " + d.facility.code;
  std::string body = "<div class=\"mark\">" + esc(marking) + "</div><h1>" + year + " " +
                     bi("關鍵基礎設施基本資料調查表", "Critical infrastructure facility survey") + "</h1>" +
                     facility_part(d, provider) + core_functions_part(d) + external_part(d) + assets_part(d) +
                     assessment_part(d) + proposal_part(d) + opinions_part(d);
  return html_document(title, page_css(marking, title, stamp, false), body);
}

std::string grading_list_html(const std::vector<GradingListRow>& rows, int year, const DocumentStamp& stamp) {
  const std::string marking = classification_marking(grading_list_level(rows));
  const std::string title = std::to_string(year) + " 國家關鍵基礎設施分級清冊 Grading list";
  std::vector<std::string> heads;
  for (const auto& h : grading_list_heads()) heads.push_back(esc(h));
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    if (!r.doc) continue;
    cells.push_back({});
    for (const auto& c : grading_list_cells(r)) cells.back().push_back(esc(c));
  }
  std::string body = "<div class=\"mark\">" + esc(marking) + "</div><h1>" + std::to_string(year) + " " +
                     bi("國家關鍵基礎設施分級清冊", "Critical infrastructure grading list") + "</h1><p class=\"meta\">" +
                     bi("共 " + std::to_string(cells.size()) + " 份調查", std::to_string(cells.size()) + " surveys") +
                     "</p>" + table(heads, cells, "grid list");
  return html_document(title, page_css(marking, title, stamp, true), body);
}

Result<std::string> survey_pdf(const SurveyDocument& d, const std::string& provider, const DocumentStamp& stamp,
                               const PdfRenderOptions& opt) {
  return html_to_pdf(survey_html(d, provider, stamp), opt);
}

Result<std::string> grading_list_pdf(const std::vector<GradingListRow>& rows, int year, const DocumentStamp& stamp,
                                     const PdfRenderOptions& opt) {
  return html_to_pdf(grading_list_html(rows, year, stamp), opt);
}

}  // namespace cipms
