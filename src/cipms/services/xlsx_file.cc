#include "cipms/services/xlsx_file.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

namespace cipms {

namespace fs = std::filesystem;

Result<TempWorkbook> new_temp_workbook(std::string_view prefix) {
  static std::atomic<int> counter{0};
  TempWorkbook w;
  w.path = fs::temp_directory_path() / ("cipms-" + std::string(prefix) + "-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(counter++) + ".xlsx");
  w.wb = workbook_new(w.path.c_str());
  if (!w.wb) return Status::internal("xlsx: cannot create " + w.path.string());
  return w;
}

Result<std::string> close_temp_workbook(TempWorkbook& w) {
  lxw_error err = workbook_close(w.wb);
  w.wb = nullptr;
  std::error_code ec;
  if (err != LXW_NO_ERROR) {
    fs::remove(w.path, ec);
    return Status::internal(std::string("xlsx: ") + lxw_strerror(err));
  }
  std::ifstream in(w.path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  fs::remove(w.path, ec);
  if (!in && !in.eof()) return Status::internal("xlsx: cannot read back " + w.path.string());
  return buf.str();
}

}  // namespace cipms
