// Survey import files (survey_import.h): JSON, and the self-assessment table from CSV or XLSX.
#include "cipms/services/survey_import.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "cipms/services/survey_json.h"

namespace cipms {

namespace {

using J = nlohmann::json;
using Item = SurveyService::SurveyImport;

// ------------------------------------------------------------------ JSON

void collect(const Status& st, std::vector<FieldError>& errs) {
  for (const auto& e : st.errors()) errs.push_back(e);
  if (st.errors().empty() && !st.is_ok()) errs.push_back({"", st.message()});
}

void read_json_resources(const J& s, const std::string& at, Item& item, std::vector<FieldError>& errs) {
  J section = J::object();
  std::vector<std::vector<std::string>> codes;
  if (s.contains("external_resources") && s["external_resources"].is_array()) {
    section["external_resources"] = J::array();
    for (std::size_t j = 0; j < s["external_resources"].size(); ++j) {
      J e = s["external_resources"][j];
      std::vector<std::string> c;
      if (e.is_object()) {
        J names = e.contains("supplier_codes") ? e["supplier_codes"] : e.value("suppliers", J::array());
        for (std::size_t k = 0; names.is_array() && k < names.size(); ++k) {
          if (names[k].is_string()) c.push_back(names[k]);
          else errs.push_back({at + "/external_resources/" + std::to_string(j) + "/supplier_codes/" + std::to_string(k),
                               "must be a facility code"});
        }
        e.erase("supplier_codes");
        e.erase("suppliers");
        e.erase("id");
      }
      section["external_resources"].push_back(e);
      codes.push_back(std::move(c));
    }
  } else if (s.contains("external_resources")) {
    errs.push_back({at + "/external_resources", "must be an array"});
  }
  if (s.contains("unmatched_suppliers")) section["unmatched_suppliers"] = s["unmatched_suppliers"];
  std::vector<ExternalResource> res;
  std::vector<UnmatchedSupplier> un;
  collect(read_external_section(section, at, res, un), errs);
  if (s.contains("external_resources")) {
    std::vector<Item::Resource> rs;
    for (std::size_t j = 0; j < res.size() && j < codes.size(); ++j) rs.push_back({res[j], codes[j]});
    item.external_resources = std::move(rs);
  }
  if (s.contains("unmatched_suppliers")) item.unmatched_suppliers = std::move(un);
}

void read_json_item(const J& s, const std::string& at, Item& item, std::vector<FieldError>& errs) {
  if (s.contains("facility") && s["facility"].is_string()) item.facility_code = s["facility"];
  else if (s.contains("facility") && s["facility"].is_object() && s["facility"].value("code", J()).is_string())
    item.facility_code = s["facility"]["code"];
  else errs.push_back({at + "/facility", "the facility's code is required"});
  if (s.contains("core_functions")) {
    std::vector<CoreFunction> cfs;
    collect(read_core_functions(s["core_functions"], at + "/core_functions", cfs), errs);
    for (auto& c : cfs) c.id = CoreFunctionId();  // ids of another database mean nothing here
    item.core_functions = std::move(cfs);
  }
  if (s.contains("external_resources") || s.contains("unmatched_suppliers")) read_json_resources(s, at, item, errs);
  if (s.contains("assets")) {
    std::vector<InternalAsset> as;
    J assets = s["assets"];
    for (auto& a : assets)
      if (a.is_object()) a.erase("core_function");
    collect(read_assets(assets, at + "/assets", as), errs);
    item.assets = std::move(as);
  }
  if (s.contains("self_assessment")) {
    SelfAssessment a;
    collect(read_assessment(s["self_assessment"], at + "/self_assessment", a), errs);
    item.self_assessment = a;
  }
  if (s.contains("submit")) {
    if (s["submit"].is_boolean()) item.submit = s["submit"];
    else errs.push_back({at + "/submit", "must be true or false"});
  }
}

Result<SurveyImportFile> read_json_import(std::string_view text) {
  J doc = J::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Status::invalid("the file is not a JSON object");
  if (!doc.contains("surveys") || !doc["surveys"].is_array())
    return Status::invalid("no \"surveys\" array", {{"/surveys", "must be an array"}});
  SurveyImportFile out;
  std::vector<FieldError> errs;
  for (std::size_t i = 0; i < doc["surveys"].size(); ++i) {
    const J& s = doc["surveys"][i];
    std::string at = "/surveys/" + std::to_string(i);
    if (!s.is_object()) {
      errs.push_back({at, "must be an object"});
      continue;
    }
    Item item;
    read_json_item(s, at, item, errs);
    out.items.push_back(std::move(item));
  }
  if (!errs.empty()) return Status::invalid("the survey file is malformed, nothing was written", errs);
  return out;
}

// ------------------------------------------------------------------ the self-assessment table

struct TableRow {
  int number = 0;  // CSV: line of the record's start; XLSX: row number
  std::vector<std::string> cells;
};

// A table from a CSV file (sheet "") or a workbook's sheet; rows[0] is the header.
struct Table {
  std::string sheet;
  std::vector<TableRow> rows;

  std::string cell(int row, std::size_t col, const std::string& column) const {
    if (sheet.empty()) return "line " + std::to_string(row) + ", column " + column;
    return xlsx_cell_ref(sheet, row, col);
  }
  std::string row_place(int row) const {
    return sheet.empty() ? "line " + std::to_string(row) : sheet + "!" + std::to_string(row) + ":" + std::to_string(row);
  }
  std::string kind() const { return sheet.empty() ? "CSV file" : "sheet " + sheet; }
};

// RFC 4180 records with the line number of each record's start; optional UTF-8 BOM.
std::vector<TableRow> parse_csv(std::string_view text) {
  std::vector<TableRow> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  int line = 1, start = 1;
  std::size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = false;
      else {
        if (c == '\n') ++line;
        cell += c;
      }
    } else if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(cell)), cell.clear(), any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !cell.empty()) row.push_back(std::move(cell)), rows.push_back({start, std::move(row)});
      row.clear(), cell.clear(), any = false;
      start = ++line;
    } else {
      cell += c, any = true;
    }
  }
  if (any || !cell.empty()) row.push_back(std::move(cell)), rows.push_back({start, std::move(row)});
  return rows;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// One criterion's columns and the JSON pointer of its fields in the survey document.
struct Criterion {
  const char* name;
  CriterionScore SelfAssessment::*field;
};
constexpr Criterion kCriteria[] = {{"population", &SelfAssessment::population},
                                   {"government", &SelfAssessment::government},
                                   {"economic", &SelfAssessment::economic},
                                   {"morale", &SelfAssessment::morale}};

// Reads the data rows of a table whose header names every required column.
class TableReader {
 public:
  TableReader(const Table& t, std::map<std::string, std::size_t> col) : t_(t), col_(std::move(col)) {}

  void row(const TableRow& r, SurveyImportFile& out) {
    row_ = &r;
    Item item;
    ImportPlace place{t_.row_place(r.number), {}};
    item.facility_code = trim(get("facility_code"));
    if (item.facility_code.empty()) error("facility_code", "the facility's code is required");
    place.fields["/facility"] = where("facility_code");
    SelfAssessment a;
    for (const Criterion& c : kCriteria) {
      std::string p = std::string("/self_assessment/") + c.name;
      a.*c.field = {score(std::string(c.name) + "_score"), get(std::string(c.name) + "_evidence")};
      place.fields[p + "/score"] = where(std::string(c.name) + "_score");
      place.fields[p + "/evidence"] = where(std::string(c.name) + "_evidence");
    }
    a.government_categories = categories(get("government_categories"));
    place.fields["/self_assessment/government/categories"] = where("government_categories");
    item.self_assessment = a;
    item.submit = submit();
    place.fields["/submit"] = col_.count("submit") ? where("submit") : place.row;
    out.items.push_back(std::move(item));
    out.places.push_back(std::move(place));
  }
  std::vector<FieldError> take_errors() { return std::move(errs_); }

 private:
  std::string get(const std::string& name) const {
    auto it = col_.find(name);
    return it == col_.end() || it->second >= row_->cells.size() ? std::string() : row_->cells[it->second];
  }
  std::string where(const std::string& name) const {
    auto it = col_.find(name);
    return it == col_.end() ? t_.row_place(row_->number) : t_.cell(row_->number, it->second, name);
  }
  void error(const std::string& column, const std::string& what) { errs_.push_back({where(column), column + " " + what}); }

  std::optional<int> score(const std::string& name) {
    std::string v = trim(get(name));
    if (v.empty()) return std::nullopt;
    if (v.size() == 1 && v[0] >= '1' && v[0] <= '5') return v[0] - '0';
    error(name, "must be a score 1-5, not '" + v + "'");
    return std::nullopt;
  }
  bool submit() {
    std::string v = trim(get("submit"));
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "1" || v == "true") return true;
    if (v.empty() || v == "0" || v == "false") return false;
    error("submit", "must be 1 (submit) or 0, not '" + get("submit") + "'");
    return false;
  }
  static std::vector<std::string> categories(const std::string& cats) {
    std::vector<std::string> out;
    for (std::size_t p = 0; p < cats.size();) {
      std::size_t q = cats.find(';', p);
      if (q == std::string::npos) q = cats.size();
      if (std::string c = trim(cats.substr(p, q - p)); !c.empty()) out.push_back(c);
      p = q + 1;
    }
    return out;
  }

  const Table& t_;
  std::map<std::string, std::size_t> col_;
  const TableRow* row_ = nullptr;
  std::vector<FieldError> errs_;
};

Result<SurveyImportFile> read_table(const Table& t) {
  if (t.rows.empty()) return Status::unprocessable("the " + t.kind() + " is empty: it needs a header row");
  std::map<std::string, std::size_t> col;
  const TableRow& header = t.rows[0];
  for (std::size_t i = 0; i < header.cells.size(); ++i)
    if (std::string name = trim(header.cells[i]); !name.empty()) col.emplace(name, i);
  std::vector<FieldError> errs;
  for (const std::string& need : self_assessment_columns())
    if (need != "submit" && !col.count(need)) errs.push_back({t.row_place(header.number), "missing column " + need});
  if (!errs.empty()) return Status::unprocessable("the header of the " + t.kind() + " is incomplete, nothing was written", errs);
  // Rows with nothing but the facility (the template lists every facility still to do) are
  // skipped, so that importing a partly filled template does not blank the other surveys.
  std::vector<std::size_t> answers;
  for (const std::string& name : self_assessment_columns())
    if (name != "facility_code" && col.count(name)) answers.push_back(col[name]);
  auto answered = [&](const TableRow& r) {
    return std::any_of(answers.begin(), answers.end(),
                       [&](std::size_t c) { return c < r.cells.size() && !trim(r.cells[c]).empty(); });
  };
  SurveyImportFile out;
  TableReader reader(t, std::move(col));
  for (std::size_t r = 1; r < t.rows.size(); ++r)
    if (answered(t.rows[r])) reader.row(t.rows[r], out);
  errs = reader.take_errors();
  if (!errs.empty()) return Status::unprocessable("the " + t.kind() + " has bad cells, nothing was written", errs);
  return out;
}

Result<SurveyImportFile> read_xlsx_import(std::string_view bytes, const XlsxLimits& limits) {
  CIPMS_ASSIGN_OR_RETURN(std::vector<XlsxSheet> sheets, read_xlsx(bytes, limits));
  Table t{sheets[0].name, {}};
  for (auto& r : sheets[0].rows) t.rows.push_back({r.number, std::move(r.cells)});
  return read_table(t);
}

bool ends_with(std::string_view s, std::string_view tail) {
  if (s.size() < tail.size()) return false;
  for (std::size_t i = 0; i < tail.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - tail.size() + i])) != tail[i]) return false;
  return true;
}

}  // namespace

const std::vector<std::string>& self_assessment_columns() {
  static const std::vector<std::string> cols = {
      "facility_code",    "population_score", "population_evidence", "government_score",
      "government_categories", "government_evidence", "economic_score", "economic_evidence",
      "morale_score",     "morale_evidence",  "submit"};
  return cols;
}

SurveyFileFormat detect_survey_format(std::string_view bytes, std::string_view hint) {
  if (looks_like_zip(bytes)) return SurveyFileFormat::kXlsx;
  std::string_view b = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? bytes.substr(3) : bytes;
  auto first = b.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && b[first] == '{') return SurveyFileFormat::kJson;
  if (ends_with(hint, ".xlsx") || hint.find("spreadsheetml") != std::string_view::npos) return SurveyFileFormat::kXlsx;
  if (ends_with(hint, ".csv") || hint.find("text/csv") != std::string_view::npos) return SurveyFileFormat::kCsv;
  return SurveyFileFormat::kJson;
}

Result<SurveyImportFile> read_survey_import(std::string_view bytes, SurveyFileFormat format, const XlsxLimits& limits) {
  switch (format) {
    case SurveyFileFormat::kXlsx: return read_xlsx_import(bytes, limits);
    case SurveyFileFormat::kCsv: return read_table(Table{"", parse_csv(bytes)});
    case SurveyFileFormat::kJson: break;
  }
  return read_json_import(bytes);
}

Result<std::string> survey_import_template(SurveyService& svc, const Principal& who, int year) {
  CIPMS_ASSIGN_OR_RETURN(OverdueReport todo, svc.overdue(who, year, 100000, 0));
  std::vector<TemplateFacility> rows;
  for (const auto& f : todo.facilities.items) rows.push_back({f.code, f.name});
  return survey_import_template_xlsx(year, rows);
}

Status locate_import_errors(const Status& st, const SurveyImportFile& file) {
  if (st.is_ok() || file.places.empty()) return st;
  std::vector<FieldError> errs;
  for (FieldError e : st.errors()) {
    std::size_t i = 0;
    auto rest = std::string_view(e.pointer);
    if (rest.substr(0, 9) == "/surveys/") {
      rest.remove_prefix(9);
      std::size_t digits = 0;
      while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) i = i * 10 + (rest[digits++] - '0');
      rest.remove_prefix(digits);
      if (digits > 0 && i < file.places.size()) {
        const ImportPlace& p = file.places[i];
        // The longest field prefix that names a cell ("/self_assessment/government/categories/0").
        std::string cell = p.row;
        std::size_t best = 0;
        for (const auto& [suffix, at] : p.fields)
          if (rest.substr(0, suffix.size()) == suffix && suffix.size() > best) cell = at, best = suffix.size();
        e.pointer = best > 0 || rest.empty() ? cell : cell + " " + std::string(rest);
      }
    }
    errs.push_back(std::move(e));
  }
  return Status(st.code(), st.message(), std::move(errs));
}

}  // namespace cipms
