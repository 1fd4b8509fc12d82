// Portable SQL: the small row API that lets a store be written once for both back ends
// (security_store.cc, audit_store.cc...). Only storage/ uses it; services see the stores.
//
// Statements use '?' placeholders (PostgreSQL gets them as $1, $2...; a '?' inside a quoted
// literal is left alone) and the SQL both databases accept: TEXT timestamps (ISO 8601 UTC),
// INTEGER 0/1 booleans, `RETURNING` for generated ids. Values come back as each database gives
// them — PostgreSQL sends text — so read them through SqlRow's converting accessors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cipms {

using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string>;  // monostate = NULL

inline SqlValue sql_null() { return std::monostate{}; }
template <typename T>
SqlValue sql_opt(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  if constexpr (std::is_integral_v<T>) return static_cast<std::int64_t>(*v);
  else return SqlValue(*v);
}

struct SqlRow {
  std::vector<SqlValue> cells;
  bool null(std::size_t i) const { return std::holds_alternative<std::monostate>(cells.at(i)); }
  std::int64_t i64(std::size_t i) const;        // 0 for NULL
  double dbl(std::size_t i) const;              // 0 for NULL
  std::string str(std::size_t i) const;         // "" for NULL
  std::optional<std::int64_t> opt_i64(std::size_t i) const;
  std::optional<std::string> opt_str(std::size_t i) const;
};

// Rewrites '?' placeholders to "$1", "$2"... outside quoted literals (PostgreSQL).
std::string sql_dollar_placeholders(const std::string& sql);

}  // namespace cipms
