// Logging: spdlog behind a small facade. JSON lines to stderr when `json` is set (production),
// human-readable otherwise. Call init_logging once at start-up; log() is thread-safe.
#pragma once
#include <string>
#include <string_view>

namespace cipms {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void init_logging(bool json, LogLevel level = LogLevel::kInfo);
// One structured event: a name plus a pre-rendered JSON object body of fields
// (e.g. R"("method":"GET","path":"/healthz","status":200)"), may be empty.
void log_event(LogLevel level, std::string_view event, std::string_view json_fields = {});

}  // namespace cipms
