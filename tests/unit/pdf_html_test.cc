// The HTML behind the PDF exports (services/pdf.h, services/survey_pdf.h), without Chromium:
// escaping of record text, the marking in every page's margin boxes, bilingual section titles,
// and a document that fetches nothing.
#include <gtest/gtest.h>

#include "cipms/services/pdf.h"
#include "cipms/services/survey_pdf.h"
#include "support/survey_sample.h"

namespace cipms {
namespace {

TEST(PdfHtml, HtmlEscape_EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(html_escape(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("台電 plain"), "台電 plain");
}

TEST(PdfHtml, CssString_CanCloseNeitherTheStringNorTheStyleElement) {
  std::string s = css_string("a\"b\\c</style><script>\n機密");
  EXPECT_EQ(s.front(), '"');
  EXPECT_EQ(s.back(), '"');
  EXPECT_EQ(s.substr(1, s.size() - 2).find('"'), std::string::npos) << s;
  EXPECT_EQ(s.find('<'), std::string::npos) << s;
  EXPECT_EQ(s.find('\n'), std::string::npos) << s;
  EXPECT_NE(s.find("機密"), std::string::npos);
}

TEST(PdfHtml, SurveyHtml_EscapesRecordTextAndMarksEveryPageWithTheFacilitysLevel) {
  SurveyDocument d = testing::sample_survey("台電 <script>alert(1)</script> & 測試", ClassLevel::kConfidential);
  std::string html = survey_html(d, "台灣電力公司 (TPC)", {"ohs (OHS)", TimePoint{}});
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("台電 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 測試"), std::string::npos);
  // The marking in the top and bottom centre margin boxes, so on every printed page.
  std::string mark = css_string("機密等級：機密 (confidential)");
  EXPECT_NE(html.find("@top-center { content: " + mark), std::string::npos) << html.substr(0, 2000);
  EXPECT_NE(html.find("@bottom-center { content: " + mark), std::string::npos);
  EXPECT_NE(html.find("counter(pages)"), std::string::npos);
  for (const char* title : {"核心功能", "外部關鍵資源", "內部關鍵資產", "自評", "分級建議", "審查意見"})
    EXPECT_NE(html.find(title), std::string::npos) << title;
  // Nothing to fetch: a CSP that forbids it and no URL anywhere.
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(html.find("http:"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
}

TEST(PdfHtml, GradingListHtml_IsLandscapeWithTheXlsxColumnsAndTheHighestLevel) {
  SurveyDocument a = testing::sample_survey("甲"), b = testing::sample_survey("乙", ClassLevel::kSecret);
  std::vector<GradingListRow> rows = {{&a, 5, 100, 4, false}, {&b, 1, 100, 5, true}};
  std::string html = grading_list_html(rows, 2026, {"ohs", TimePoint{}});
  EXPECT_NE(html.find("size: A4 landscape"), std::string::npos);
  EXPECT_NE(html.find(css_string("機密等級：極機密 (secret)")), std::string::npos);
  for (const auto& head : grading_list_heads()) EXPECT_NE(html.find(html_escape(head)), std::string::npos) << head;
}

}  // namespace
}  // namespace cipms
