// Reads the cell values of an XLSX workbook (Office Open XML SpreadsheetML) from memory, for
// imports of tables that people fill in with Excel or LibreOffice (docs/adr/0005).
//
// What is read: the sheets in workbook order with their names (xl/workbook.xml and its rels),
// and each sheet's cells as text — shared strings, inline strings, formula results, numbers
// (whole numbers without a fraction: "3", not "3.0"), booleans ("TRUE"/"FALSE") and error
// values ("#N/A"). Styles, dates and merged cells are not interpreted.
//
// Untrusted input: the file, each zip entry's uncompressed size (zip bombs), and the number of
// cells and shared strings are capped by XlsxLimits. A file that is not a zip, a zip that is not
// a workbook, or malformed XML is kInvalidArgument naming the part and, where known, the sheet
// and cell ("Sheet1!C7"); a limit exceeded is kPayloadTooLarge. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cipms/base/status.h"

namespace cipms {

struct XlsxLimits {
  std::size_t max_file_bytes = std::size_t{64} << 20;
  std::uint64_t max_entry_bytes = std::uint64_t{128} << 20;  // one part, uncompressed
  std::size_t max_cells = 2'000'000;                          // all sheets together, and shared strings
};

struct XlsxRow {
  int number = 0;                  // 1-based, as Excel shows it
  std::vector<std::string> cells;  // column A first; "" for a gap or an empty cell
};

struct XlsxSheet {
  std::string name;
  std::vector<XlsxRow> rows;  // rows that have at least one cell, in order
};

// True when the bytes start like a zip archive ("PK\3\4"), as every XLSX file does.
bool looks_like_zip(std::string_view bytes);

Result<std::vector<XlsxSheet>> read_xlsx(std::string_view bytes, const XlsxLimits& limits = {});

// "A" → 0, "AB" → 27; -1 when not a column name of 1-3 letters.
int xlsx_column_index(std::string_view letters);
// 0 → "A", 27 → "AB".
std::string xlsx_column_name(std::size_t index);
// "Self-assessment!C7": the sheet name as is (not quoted as in Excel formulas), for messages.
std::string xlsx_cell_ref(const std::string& sheet, int row, std::size_t column);

}  // namespace cipms
