// scenario.json of docs/cascade-model.md:
//   {"horizon_hours": 168, "events": [{"facility": "P1", "down_at": 0, "repair_hours": 48}]}
// Parsing checks the whole document and reports every problem at once with its JSON pointer
// ("/events/2/repair_hours"): syntax (kInvalidArgument), missing or wrongly typed fields and
// unknown fields (kInvalidArgument), negative or non-finite numbers and facilities the
// network does not have (kUnprocessable). All fields are required.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cipms/base/status.h"

namespace cipms {

struct ScenarioEvent {
  std::string facility;  // facility code (`id` in network.json)
  double down_at = 0;       // hours from the scenario start, >= 0
  double repair_hours = 0;  // >= 0; the facility is damaged on [down_at, down_at + repair_hours)
};

struct Scenario {
  double horizon_hours = 0;
  std::vector<ScenarioEvent> events;
};

// `known_facility` answers whether a facility code exists in the network simulated.
Result<Scenario> parse_scenario_json(std::string_view text,
                                     const std::function<bool(const std::string&)>& known_facility);

// The same from an already parsed JSON value given as text of one object (used by the API,
// where the scenario is a member of the request body): errors are prefixed with `pointer`.
Result<Scenario> parse_scenario_json_at(std::string_view text, const std::string& pointer,
                                        const std::function<bool(const std::string&)>& known_facility);

}  // namespace cipms
