// XLSX reading with libzip (the zip container, from memory) and pugixml (the parts), behind
// xlsx_reader.h. docs/adr/0005.
#include "cipms/services/xlsx_reader.h"

#include <zip.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <pugixml.hpp>

namespace cipms {

namespace {

constexpr int kMaxRow = 1'048'576;  // Excel's limits
constexpr int kMaxColumn = 16'384;

Status too_large(const std::string& what) {
  return Status(Code::kPayloadTooLarge, "the workbook is too large: " + what);
}

Status malformed(const std::string& where, const std::string& what) {
  return Status::invalid("the file is not a readable XLSX workbook: " + what, {{where, what}});
}

// An open archive; discarded (never written) on destruction.
struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using Zip = std::unique_ptr<zip_t, ZipCloser>;

Result<Zip> open_zip(std::string_view bytes) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  if (!src) {
    zip_error_fini(&err);
    return Status::internal("libzip: cannot wrap the buffer");
  }
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &err);
  if (!z) {
    zip_source_free(src);
    std::string why = zip_error_strerror(&err);
    zip_error_fini(&err);
    return malformed("file", "not a zip archive or a truncated one (" + why + ")");
  }
  zip_error_fini(&err);
  return Zip(z);
}

// The entry's bytes, or nullopt when the archive has no such entry. Reads at most the limit,
// whatever the entry's header claims, so that a lying header cannot inflate memory.
Result<std::optional<std::string>> read_entry(zip_t* z, const std::string& name, const XlsxLimits& lim) {
  zip_int64_t idx = zip_name_locate(z, name.c_str(), 0);
  if (idx < 0) return std::optional<std::string>();
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(z, static_cast<zip_uint64_t>(idx), 0, &st) != 0) return malformed(name, "cannot read its zip entry");
  if ((st.valid & ZIP_STAT_SIZE) && st.size > lim.max_entry_bytes)
    return too_large(name + " unpacks to " + std::to_string(st.size) + " bytes, more than the limit of " +
                     std::to_string(lim.max_entry_bytes));
  std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen_index(z, static_cast<zip_uint64_t>(idx), 0));
  if (!f) return malformed(name, std::string("cannot open its zip entry (") + zip_strerror(z) + ")");
  std::string out;
  char buf[1 << 16];
  for (;;) {
    zip_int64_t n = zip_fread(f.get(), buf, sizeof buf);
    if (n < 0) return malformed(name, std::string("corrupt zip entry (") + zip_file_strerror(f.get()) + ")");
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > lim.max_entry_bytes)
      return too_large(name + " unpacks to more than the limit of " + std::to_string(lim.max_entry_bytes) + " bytes");
  }
  return std::optional<std::string>(std::move(out));
}

Result<std::string> read_required(zip_t* z, const std::string& name, const XlsxLimits& lim) {
  CIPMS_ASSIGN_OR_RETURN(std::optional<std::string> e, read_entry(z, name, lim));
  if (!e) return malformed(name, "the zip has no " + name + ", so it is not an XLSX workbook");
  return std::move(*e);
}

// Parses in place: `text` must outlive `doc`. No DTD or entity expansion (pugixml never
// fetches external entities).
Status parse_xml(std::string& text, const std::string& part, pugi::xml_document& doc) {
  pugi::xml_parse_result r = doc.load_buffer_inplace(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) return malformed(part, "malformed XML at byte " + std::to_string(r.offset) + ": " + r.description());
  return Status::ok();
}

// Element names without a namespace prefix ("x:row" → "row"): generators differ.
std::string_view local(const char* name) {
  std::string_view n(name);
  auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node child(pugi::xml_node n, std::string_view name) {
  for (pugi::xml_node c : n.children())
    if (local(c.name()) == name) return c;
  return {};
}

// The r:id of a <sheet>, whatever the relationships namespace's prefix is.
std::string relationship_id(pugi::xml_node sheet) {
  for (pugi::xml_attribute a : sheet.attributes()) {
    std::string_view n(a.name());
    if (n.find(':') != std::string_view::npos && local(a.name()) == "id") return a.value();
  }
  return "";
}

// Text of a shared or inline string: <t>, or the <t> of each rich-text run; phonetic runs skipped.
std::string rich_text(pugi::xml_node si) {
  std::string out;
  for (pugi::xml_node c : si.children()) {
    std::string_view n = local(c.name());
    if (n == "t") out += c.text().get();
    else if (n == "r") out += child(c, "t").text().get();
  }
  return out;
}

// Targets of xl/_rels/workbook.xml.rels by id, as zip entry names.
Result<std::map<std::string, std::string>> workbook_rels(zip_t* z, const XlsxLimits& lim, std::string* ss_part) {
  const std::string part = "xl/_rels/workbook.xml.rels";
  CIPMS_ASSIGN_OR_RETURN(std::string text, read_required(z, part, lim));
  pugi::xml_document doc;
  CIPMS_RETURN_IF_ERROR(parse_xml(text, part, doc));
  std::map<std::string, std::string> out;
  for (pugi::xml_node r : doc.document_element().children()) {
    if (local(r.name()) != "Relationship") continue;
    std::string target = r.attribute("Target").value();
    target = !target.empty() && target[0] == '/' ? target.substr(1) : "xl/" + target;
    out[r.attribute("Id").value()] = target;
    std::string_view type = r.attribute("Type").value();
    if (type.size() >= 14 && type.substr(type.size() - 14) == "/sharedStrings") *ss_part = target;
  }
  return out;
}

Result<std::vector<std::string>> shared_strings(zip_t* z, const std::string& part, const XlsxLimits& lim) {
  CIPMS_ASSIGN_OR_RETURN(std::optional<std::string> text, read_entry(z, part, lim));
  std::vector<std::string> out;
  if (!text) return out;  // a workbook without any text
  pugi::xml_document doc;
  CIPMS_RETURN_IF_ERROR(parse_xml(*text, part, doc));
  for (pugi::xml_node si : doc.document_element().children()) {
    if (local(si.name()) != "si") continue;
    if (out.size() >= lim.max_cells)
      return too_large(part + " holds more than " + std::to_string(lim.max_cells) + " strings");
    out.push_back(rich_text(si));
  }
  return out;
}

// "3.0" → "3"; other numbers as written.
std::string number_text(std::string_view v) {
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d) || std::abs(d) >= 1e15 ||
      d != std::floor(d))
    return std::string(v);
  return std::to_string(static_cast<long long>(d));
}

struct SheetReader {
  const std::string& name;
  const std::vector<std::string>& strings;
  const XlsxLimits& lim;
  std::size_t& cells;  // across sheets

  Result<std::string> value(pugi::xml_node c, const std::string& ref) const {
    std::string_view t = c.attribute("t").value();
    std::string_view v = child(c, "v").text().get();
    if (t == "s") {
      std::size_t i = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
      if (ec != std::errc() || end != v.data() + v.size() || i >= strings.size())
        return malformed(name + "!" + ref, "cell " + name + "!" + ref + " refers to shared string '" + std::string(v) +
                                               "', which does not exist (the workbook has " +
                                               std::to_string(strings.size()) + ")");
      return strings[i];
    }
    if (t == "inlineStr") return rich_text(child(c, "is"));
    if (t == "b") return std::string(v == "1" ? "TRUE" : "FALSE");
    if (t == "str" || t == "e" || t == "d") return std::string(v);
    return number_text(v);
  }

  // Column index of a cell reference in row `row` ("C7" → 2), or an error naming it.
  Result<std::size_t> column_of(std::string_view ref, int row) const {
    std::size_t letters = 0;
    while (letters < ref.size() && std::isalpha(static_cast<unsigned char>(ref[letters]))) ++letters;
    int col = xlsx_column_index(ref.substr(0, letters));
    int r = 0;
    auto digits = ref.substr(letters);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), r);
    if (col < 0 || col >= kMaxColumn || ec != std::errc() || end != digits.data() + digits.size() || r != row)
      return malformed(name + "!" + std::string(ref),
                       "cell reference '" + std::string(ref) + "' of sheet " + name + " is not a cell of row " + std::to_string(row));
    return static_cast<std::size_t>(col);
  }

  Status row(pugi::xml_node rn, int number, XlsxRow& out) const {
    std::size_t next = 0;
    for (pugi::xml_node c : rn.children()) {
      if (local(c.name()) != "c") continue;
      std::size_t col = next;
      if (const char* ref = c.attribute("r").value(); *ref) {
        CIPMS_ASSIGN_OR_RETURN(col, column_of(ref, number));
      }
      if (col >= static_cast<std::size_t>(kMaxColumn))
        return malformed(name + "!" + std::to_string(number), "row " + std::to_string(number) + " has more than 16384 columns");
      if (++cells > lim.max_cells) return too_large("more than " + std::to_string(lim.max_cells) + " cells");
      std::string ref = xlsx_column_name(col) + std::to_string(number);
      CIPMS_ASSIGN_OR_RETURN(std::string v, value(c, ref));
      if (out.cells.size() <= col) out.cells.resize(col + 1);
      out.cells[col] = std::move(v);
      next = col + 1;
    }
    return Status::ok();
  }

  Result<std::vector<XlsxRow>> rows(pugi::xml_node worksheet) const {
    std::vector<XlsxRow> out;
    int prev = 0;
    for (pugi::xml_node rn : child(worksheet, "sheetData").children()) {
      if (local(rn.name()) != "row") continue;
      int number = prev + 1;
      if (std::string_view r = rn.attribute("r").value(); !r.empty()) {
        auto [end, ec] = std::from_chars(r.data(), r.data() + r.size(), number);
        if (ec != std::errc() || end != r.data() + r.size() || number <= prev || number > kMaxRow)
          return malformed(name + "!" + std::string(r), "row number '" + std::string(r) + "' of sheet " + name +
                                                            " is not a row after row " + std::to_string(prev));
      }
      XlsxRow row_out{number, {}};
      CIPMS_RETURN_IF_ERROR(row(rn, number, row_out));
      if (!row_out.cells.empty()) out.push_back(std::move(row_out));
      prev = number;
    }
    return out;
  }
};

}  // namespace

bool looks_like_zip(std::string_view bytes) { return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\3\4", 4); }

int xlsx_column_index(std::string_view letters) {
  if (letters.empty() || letters.size() > 3) return -1;
  int col = 0;
  for (char ch : letters) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (u < 'A' || u > 'Z') return -1;
    col = col * 26 + (u - 'A' + 1);
  }
  return col - 1;
}

std::string xlsx_column_name(std::size_t index) {
  std::string out;
  for (std::size_t n = index + 1; n > 0; n = (n - 1) / 26) out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  return out;
}

std::string xlsx_cell_ref(const std::string& sheet, int row, std::size_t column) {
  return sheet + "!" + xlsx_column_name(column) + std::to_string(row);
}

Result<std::vector<XlsxSheet>> read_xlsx(std::string_view bytes, const XlsxLimits& lim) {
  if (bytes.size() > lim.max_file_bytes)
    return too_large("the file has " + std::to_string(bytes.size()) + " bytes, more than the limit of " +
                     std::to_string(lim.max_file_bytes));
  if (!looks_like_zip(bytes)) return malformed("file", "it does not start like a zip archive (XLSX files do)");
  CIPMS_ASSIGN_OR_RETURN(Zip z, open_zip(bytes));
  const std::string wb_part = "xl/workbook.xml";
  CIPMS_ASSIGN_OR_RETURN(std::string wb_text, read_required(z.get(), wb_part, lim));
  std::string ss_part = "xl/sharedStrings.xml";
  CIPMS_ASSIGN_OR_RETURN(auto rels, workbook_rels(z.get(), lim, &ss_part));
  CIPMS_ASSIGN_OR_RETURN(std::vector<std::string> strings, shared_strings(z.get(), ss_part, lim));
  pugi::xml_document wb;
  CIPMS_RETURN_IF_ERROR(parse_xml(wb_text, wb_part, wb));
  std::vector<XlsxSheet> out;
  std::size_t cells = 0;
  for (pugi::xml_node s : child(wb.document_element(), "sheets").children()) {
    if (local(s.name()) != "sheet") continue;
    XlsxSheet sheet{s.attribute("name").value(), {}};
    auto target = rels.find(relationship_id(s));
    if (target == rels.end()) return malformed(wb_part, "sheet '" + sheet.name + "' has no part in the workbook's relationships");
    CIPMS_ASSIGN_OR_RETURN(std::string text, read_required(z.get(), target->second, lim));
    pugi::xml_document doc;
    CIPMS_RETURN_IF_ERROR(parse_xml(text, target->second + " (sheet " + sheet.name + ")", doc));
    SheetReader reader{sheet.name, strings, lim, cells};
    CIPMS_ASSIGN_OR_RETURN(sheet.rows, reader.rows(doc.document_element()));
    out.push_back(std::move(sheet));
  }
  if (out.empty()) return malformed(wb_part, "the workbook has no sheets");
  return out;
}

}  // namespace cipms
