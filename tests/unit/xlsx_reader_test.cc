// The XLSX reader (services/xlsx_reader.h) on workbooks written by libxlsxwriter and on zips
// made by hand: values of every cell type, gaps, sheet names, and broken or hostile files.
#include <gtest/gtest.h>

#include "cipms/services/xlsx_reader.h"
#include "support/xlsx_fixture.h"

namespace cipms {
namespace {

using testing::workbook_parts;
using testing::write_xlsx;
using testing::write_zip;
using testing::XSheet;

bool names(const Status& st, const std::string& where) {
  for (const auto& e : st.errors())
    if (e.pointer.find(where) != std::string::npos || e.message.find(where) != std::string::npos) return true;
  return st.message().find(where) != std::string::npos;
}

TEST(XlsxReader, ColumnLetters_RoundTrip) {
  EXPECT_EQ(xlsx_column_index("A"), 0);
  EXPECT_EQ(xlsx_column_index("z"), 25);
  EXPECT_EQ(xlsx_column_index("AB"), 27);
  EXPECT_EQ(xlsx_column_index("XFD"), 16383);
  EXPECT_EQ(xlsx_column_index(""), -1);
  EXPECT_EQ(xlsx_column_index("A1"), -1);
  for (std::size_t i : {0u, 25u, 26u, 701u, 702u, 16383u}) EXPECT_EQ(xlsx_column_index(xlsx_column_name(i)), static_cast<int>(i));
  EXPECT_EQ(xlsx_cell_ref("Self-assessment", 7, 2), "Self-assessment!C7");
}

TEST(XlsxReader, WorkbookFromLibxlsxwriter_ReadsSheetsInOrderWithEveryCellType) {
  std::string x = write_xlsx({XSheet{"第一 Sheet", {{"code", "分數", "ok"}, {"F-1", 3, true}, {"F-2", 2.5, false}}},
                              XSheet{"Second", {{"", "", "gap"}, {}, {"after a blank row"}}}});
  ASSERT_FALSE(x.empty());
  auto r = read_xlsx(x);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 2u);
  const XlsxSheet& a = (*r)[0];
  EXPECT_EQ(a.name, "第一 Sheet");
  ASSERT_EQ(a.rows.size(), 3u);
  EXPECT_EQ(a.rows[0].cells, (std::vector<std::string>{"code", "分數", "ok"}));
  EXPECT_EQ(a.rows[1].cells, (std::vector<std::string>{"F-1", "3", "TRUE"}));
  EXPECT_EQ(a.rows[2].cells, (std::vector<std::string>{"F-2", "2.5", "FALSE"}));
  EXPECT_EQ(a.rows[2].number, 3);
  const XlsxSheet& b = (*r)[1];
  EXPECT_EQ(b.name, "Second");
  ASSERT_EQ(b.rows.size(), 2u);
  EXPECT_EQ(b.rows[0].cells, (std::vector<std::string>{"", "", "gap"}));
  EXPECT_EQ(b.rows[1].number, 3);
  EXPECT_EQ(b.rows[1].cells, (std::vector<std::string>{"after a blank row"}));
}

TEST(XlsxReader, InlineAndRichStringsPrefixesAndMissingReferences_AreRead) {
  std::string sheet =
      R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>)"
      R"(<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>inline</x:t></x:is></x:c><x:c t="s"><x:v>0</x:v></x:c></x:row>)"
      R"(<x:row><x:c t="str"><x:f>A1</x:f><x:v>formula text</x:v></x:c><x:c r="D3" t="e"><x:v>#N/A</x:v></x:c></x:row>)"
      R"(</x:sheetData></x:worksheet>)";
  std::string sst =
      R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>rich </t></r><r><t>text</t></r>)"
      R"(<rPh><t>phonetic</t></rPh></si></sst>)";
  auto r = read_xlsx(write_zip(workbook_parts(sheet, sst)));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const auto& rows = (*r)[0].rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].number, 2);
  EXPECT_EQ(rows[0].cells, (std::vector<std::string>{"", "inline", "rich text"}));
  EXPECT_EQ(rows[1].number, 3);
  EXPECT_EQ(rows[1].cells, (std::vector<std::string>{"formula text", "", "", "#N/A"}));
}

TEST(XlsxReader, NotAZip_IsInvalidArgument) {
  auto r = read_xlsx("facility_code,population_score\nF-1,3\n");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(names(r.status(), "zip")) << r.status().to_string();
}

TEST(XlsxReader, TruncatedFile_IsInvalidArgument) {
  std::string x = write_xlsx({XSheet{"S", {{"a", "b"}, {"c", 1}}}});
  auto r = read_xlsx(x.substr(0, x.size() / 2));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().to_string();
}

TEST(XlsxReader, ZipThatIsNotAWorkbook_SaysSo) {
  auto r = read_xlsx(write_zip({{"readme.txt", "hello"}, {"data.csv", "a,b\n"}}));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(names(r.status(), "xl/workbook.xml")) << r.status().to_string();
}

TEST(XlsxReader, MalformedSheetXml_NamesThePartAndSheet) {
  auto r = read_xlsx(write_zip(workbook_parts("<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></row>")));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(names(r.status(), "xl/worksheets/sheet1.xml (sheet Self-assessment)")) << r.status().to_string();
}

TEST(XlsxReader, BadCellReferenceOrSharedStringIndex_NamesTheCell) {
  auto bad_ref = read_xlsx(write_zip(workbook_parts(
      R"(<worksheet><sheetData><row r="7"><c r="C8"><v>1</v></c></row></sheetData></worksheet>)")));
  ASSERT_FALSE(bad_ref.is_ok());
  EXPECT_TRUE(names(bad_ref.status(), "Self-assessment!C8")) << bad_ref.status().to_string();
  auto bad_index = read_xlsx(write_zip(workbook_parts(
      R"(<worksheet><sheetData><row r="7"><c r="C7" t="s"><v>5</v></c></row></sheetData></worksheet>)",
      R"(<sst><si><t>only one</t></si></sst>)")));
  ASSERT_FALSE(bad_index.is_ok());
  EXPECT_TRUE(names(bad_index.status(), "Self-assessment!C7")) << bad_index.status().to_string();
}

TEST(XlsxReader, HugeSharedStringsEntry_IsRejectedBeforeParsing) {
  std::string sst = "<sst>";
  while (sst.size() < (3u << 20)) sst += "<si><t>" + std::string(1000, 'x') + "</t></si>";
  sst += "</sst>";
  XlsxLimits lim;
  lim.max_entry_bytes = 1u << 20;
  auto r = read_xlsx(write_zip(workbook_parts("<worksheet><sheetData/></worksheet>", sst)), lim);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
  EXPECT_TRUE(names(r.status(), "xl/sharedStrings.xml")) << r.status().to_string();
}

TEST(XlsxReader, ZipBomb_IsStoppedAtTheEntryLimit) {
  // 64 MiB of one character deflates to about 64 KiB.
  std::string sheet = "<worksheet><sheetData>" + std::string(64u << 20, ' ') + "</sheetData></worksheet>";
  std::string zip = write_zip(workbook_parts(sheet));
  ASSERT_LT(zip.size(), 1u << 20);
  XlsxLimits lim;
  lim.max_entry_bytes = 8u << 20;
  auto r = read_xlsx(zip, lim);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge) << r.status().to_string();
}

TEST(XlsxReader, TooManyCellsOrTooLargeAFile_IsPayloadTooLarge) {
  std::vector<std::vector<testing::XCell>> rows(50, std::vector<testing::XCell>(10, testing::XCell(1)));
  std::string x = write_xlsx({XSheet{"S", rows}});
  XlsxLimits cells;
  cells.max_cells = 499;
  EXPECT_EQ(read_xlsx(x, cells).status().code(), Code::kPayloadTooLarge);
  cells.max_cells = 500;
  EXPECT_TRUE(read_xlsx(x, cells).is_ok());
  XlsxLimits file;
  file.max_file_bytes = x.size() - 1;
  EXPECT_EQ(read_xlsx(x, file).status().code(), Code::kPayloadTooLarge);
}

}  // namespace
}  // namespace cipms
