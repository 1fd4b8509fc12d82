// HTML → PDF with Debian's headless Chromium (`--print-to-pdf`), and the escaping the HTML of a
// document needs. The HTML must be self-contained (inline CSS, no external URLs): Chromium runs
// with a throwaway profile, no background networking and a host resolver that resolves nothing,
// and the Content-Security-Policy of html_document allows no fetch at all.
//
// Each call runs one Chromium (posix_spawn with an argv, no shell) in its own process group and
// temporary directory (removed afterwards); the whole group is killed at the timeout. At most
// two renders run at once in a process; a third waits for a slot within its timeout.
// Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "cipms/base/status.h"

namespace cipms {

struct PdfRenderOptions {
  // The Chromium binary; "" = $CIPMS_CHROMIUM, else /usr/bin/chromium.
  std::string chromium;
  // Wall-clock limit of one render, waiting for a slot included.
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

// The Chromium binary a render with `opt` uses.
std::string chromium_path(const PdfRenderOptions& opt = {});

// The PDF's bytes. kUnavailable (with what went wrong) when Chromium is missing, fails, writes
// no PDF or does not finish within the timeout; kInternal when no temporary file can be made.
Result<std::string> html_to_pdf(const std::string& html, const PdfRenderOptions& opt = {});

// A whole HTML document (zh-TW, UTF-8, a CSP that allows inline CSS only) with `css` in its
// <style> and `body` (already HTML) as its body. `title` is escaped here.
std::string html_document(std::string_view title, std::string_view css, std::string_view body);

// Text for HTML element content or a quoted attribute value: & < > " ' as entities.
std::string html_escape(std::string_view s);
// Text as a double-quoted CSS string (for `content:` in @page margin boxes): quotes, backslashes,
// < > & and control characters as CSS hex escapes, so it can close neither the string nor the
// <style> element.
std::string css_string(std::string_view s);

}  // namespace cipms
