// What is inside a PDF, read with poppler-utils (`pdftotext -layout`, `pdfinfo`; installed by
// scripts/install-deps.sh): the text of each page and the document's page count and size.
#pragma once

#include <string>
#include <vector>

namespace cipms::testing {

struct PdfInfo {
  int pages = 0;            // 0 when pdfinfo could not read it
  double width_pt = 0, height_pt = 0;  // first page, PostScript points
};

// The text of every page (pdftotext's output split on form feeds); empty when unreadable.
std::vector<std::string> pdf_pages(const std::string& pdf);
PdfInfo pdf_info(const std::string& pdf);

}  // namespace cipms::testing
