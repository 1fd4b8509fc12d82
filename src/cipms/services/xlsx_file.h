// A libxlsxwriter workbook written to a private temporary file and read back as bytes
// (libxlsxwriter writes only to files). Internal to services: the XLSX writers
// (survey_xlsx.cc, survey_template_xlsx.cc) share it. Thread-safe (unique file names).
#pragma once

#include <xlsxwriter.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "cipms/base/status.h"

namespace cipms {

struct TempWorkbook {
  lxw_workbook* wb = nullptr;
  std::filesystem::path path;
};

// A new workbook in the temporary directory, named cipms-<prefix>-<pid>-<n>.xlsx.
// kInternal when libxlsxwriter cannot create it.
Result<TempWorkbook> new_temp_workbook(std::string_view prefix);

// Closes the workbook and returns the file's bytes; the file is removed in every case.
// kInternal when libxlsxwriter fails to write it or it cannot be read back.
Result<std::string> close_temp_workbook(TempWorkbook& w);

}  // namespace cipms
