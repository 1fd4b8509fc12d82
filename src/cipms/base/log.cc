#include "cipms/base/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace cipms {

namespace {
bool g_json = false;
spdlog::level::level_enum to_spd(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}
}  // namespace

void init_logging(bool json, LogLevel level) {
  g_json = json;
  auto logger = spdlog::stderr_logger_mt("cipms");
  if (json) {
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(to_spd(level));
  spdlog::set_default_logger(logger);
}

void log_event(LogLevel level, std::string_view event, std::string_view fields) {
  if (g_json) {
    if (fields.empty())
      spdlog::log(to_spd(level), R"("event":"{}")", event);
    else
      spdlog::log(to_spd(level), R"("event":"{}",{})", event, fields);
  } else {
    spdlog::log(to_spd(level), "{} {}", event, fields);
  }
}

}  // namespace cipms
