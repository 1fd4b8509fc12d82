// Classification of records: 一般 / 密 / 機密 / 極機密 / 絕對機密, with the reason, the
// classifying officer and when or on what condition the record is declassified. Every record
// that carries information has one; security.h says who may read which level.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cipms/base/status.h"

namespace cipms {

// Classification levels (一般 / 密 / 機密 / 極機密 / 絕對機密). 密 is an official secret;
// 機密 and above are national secrets and need an explicit need-to-know grant to read.
enum class ClassLevel : int { kGeneral = 0, kOfficial = 1, kConfidential = 2, kSecret = 3, kTopSecret = 4 };
// "general", "official", "confidential", "secret", "top_secret".
const char* class_level_code(ClassLevel l);
std::optional<ClassLevel> parse_class_level(std::string_view s);
// "一般", "密", "機密", "極機密", "絕對機密".
const char* class_level_name_zh(ClassLevel l);
inline bool is_national_secret(ClassLevel l) { return l >= ClassLevel::kConfidential; }
// Longest time a national secret may stay classified (years): 10 / 20 / 30; 0 otherwise.
int max_classified_years(ClassLevel l);

// The classification of one record.
struct Classification {
  ClassLevel level = ClassLevel::kGeneral;
  std::string reason;                   // required above 一般
  std::string classified_by;            // the officer ("username (org code)"), set by the service
  std::optional<std::string> classified_on;  // YYYY-MM-DD, set by the service
  std::optional<std::string> declassify_on;  // YYYY-MM-DD
  std::string declassify_condition;     // a condition instead of (or beside) a date
};
// Field errors (pointers under `prefix`, e.g. "/classification") of a classification about to
// be set on `today` (YYYY-MM-DD): reason above 一般; national secrets need a declassification
// date no later than today + max years, or a condition; dates must be valid and not past.
std::vector<FieldError> check_classification(const Classification& c, const std::string& today,
                                             const std::string& prefix);

}  // namespace cipms
