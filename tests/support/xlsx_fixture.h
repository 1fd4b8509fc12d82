// Workbooks and zips made in tests, for the XLSX import tests: real workbooks written with
// libxlsxwriter (what Excel-compatible writers produce) and hand-made zips with libzip (parts
// that are broken on purpose). Header-only; the tests that include it link xlsxwriter and libzip
// (tests/CMakeLists.txt).
#pragma once

#include <xlsxwriter.h>
#include <zip.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace cipms::testing {

// A cell: text, a number or a boolean ("" = no cell at all, a gap).
struct XCell {
  XCell(const char* s) : text(s) {}
  XCell(std::string s) : text(std::move(s)) {}
  XCell(double d) : number(d) {}
  XCell(int i) : number(i) {}
  XCell(bool b) : boolean(b) {}
  std::string text;
  std::optional<double> number;
  std::optional<bool> boolean;
};
struct XSheet {
  std::string name;
  std::vector<std::vector<XCell>> rows;  // row 1 first
};

inline std::filesystem::path fixture_path(const char* ext) {
  static std::atomic<int> n{0};
  return std::filesystem::temp_directory_path() /
         ("cipms-fixture-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ext);
}

inline std::string slurp_and_remove(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::error_code ec;
  std::filesystem::remove(p, ec);
  return s.str();
}

// The workbook's bytes ("" if libxlsxwriter fails).
inline std::string write_xlsx(const std::vector<XSheet>& sheets) {
  auto path = fixture_path(".xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return "";
  for (const XSheet& s : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.c_str());
    for (std::size_t r = 0; r < s.rows.size(); ++r)
      for (std::size_t c = 0; c < s.rows[r].size(); ++c) {
        const XCell& x = s.rows[r][c];
        auto row = static_cast<lxw_row_t>(r);
        auto col = static_cast<lxw_col_t>(c);
        if (x.number) worksheet_write_number(ws, row, col, *x.number, nullptr);
        else if (x.boolean) worksheet_write_boolean(ws, row, col, *x.boolean, nullptr);
        else if (!x.text.empty()) worksheet_write_string(ws, row, col, x.text.c_str(), nullptr);
      }
  }
  if (workbook_close(wb) != LXW_NO_ERROR) return "";
  return slurp_and_remove(path);
}

// A zip with these entries (name, content), deflated.
inline std::string write_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  auto path = fixture_path(".zip");
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) return "";
  for (const auto& [name, content] : entries) {
    zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
    if (!src || zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE) < 0) {
      zip_source_free(src);
      zip_discard(z);
      return "";
    }
  }
  if (zip_close(z) != 0) {
    zip_discard(z);
    return "";
  }
  return slurp_and_remove(path);
}

// The minimal parts of a one-sheet workbook around `sheet_xml` (and optional shared strings).
inline std::vector<std::pair<std::string, std::string>> workbook_parts(const std::string& sheet_xml,
                                                                      const std::string& shared_strings = "") {
  std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml", R"(<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)"},
      {"xl/workbook.xml",
       R"(<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
       R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>)"
       R"(<sheet name="Self-assessment" sheetId="1" r:id="rId1"/></sheets></workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
       R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)"
       R"(</Relationships>)"},
      {"xl/worksheets/sheet1.xml", sheet_xml}};
  if (!shared_strings.empty()) parts.push_back({"xl/sharedStrings.xml", shared_strings});
  return parts;
}

}  // namespace cipms::testing
