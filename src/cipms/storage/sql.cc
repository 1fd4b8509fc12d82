#include "cipms/storage/sql.h"

#include <cstdlib>

namespace cipms {

std::int64_t SqlRow::i64(std::size_t i) const {
  const SqlValue& v = cells.at(i);
  if (auto p = std::get_if<std::int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<std::int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtoll(p->c_str(), nullptr, 10);
  return 0;
}

double SqlRow::dbl(std::size_t i) const {
  const SqlValue& v = cells.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

std::string SqlRow::str(std::size_t i) const {
  const SqlValue& v = cells.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<std::int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return "";
}

std::optional<std::int64_t> SqlRow::opt_i64(std::size_t i) const {
  if (null(i)) return std::nullopt;
  return i64(i);
}

std::optional<std::string> SqlRow::opt_str(std::size_t i) const {
  if (null(i)) return std::nullopt;
  return str(i);
}

std::string sql_dollar_placeholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace cipms
