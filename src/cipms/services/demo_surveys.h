// Demo surveys for `cipms serve --demo-round`: opens this year's survey round when there is
// none (SurveyService::open_current_round_if_none) and, only then, fills it with a realistic,
// deterministic spread of surveys of the demo network (services/demo.h) — drafts partly filled,
// submitted, returned with comments, accepted, with grading proposals, in OHS joint review and
// finalised — while most facilities keep no survey (the "not submitted" list).
//
// Everything goes through SurveyService, each step by a principal of the right role: the
// facility's provider editor fills and submits, its competent authority (or coordinating
// agency) returns, accepts and proposes, OHS reviews and finalises. A demo account of that
// organisation and role (`tpc`, `energy`, `ohs`: services/auth_service.h seed_demo_users) acts
// when it exists; otherwise a principal of the organisation named "<org>.editor" /
// "<org>.officer" / "ohs.officer" with no account (user ids from 1,000,000,001, which the audit
// log records as the actor's id). So every record is validated, versioned,
// audited and notified exactly as a user's. Content (zh-TW, with English terms) depends only on
// the facility, never on the clock; dates in it are relative to the clock's today.
//
// Facilities are picked by provider organisation and facility type (spread over the list
// sorted by code); a registry without them gets fewer surveys or none. Not atomic: a failure
// part-way leaves the round open with the surveys made so far (the start-up then fails loudly).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "cipms/domain/security.h"
#include "cipms/domain/survey.h"
#include "cipms/services/context.h"

namespace cipms {

struct DemoSurveySummary {
  std::int64_t surveys = 0;                      // surveys created
  std::map<std::string, std::int64_t> by_state;  // survey state code -> surveys left in it
};

struct DemoRoundResult {
  std::optional<SurveyRound> opened;  // nullopt: the year had its round; nothing was done
  DemoSurveySummary seeded;
};

// `who` opens the round (kGradeFinalise; the start-up passes the system actor).
Result<DemoRoundResult> open_demo_round(const ServiceContext& ctx, const Principal& who, int days_to_deadline = 30);

// The seeding alone, into the existing round of `year` (which should have no surveys yet).
Result<DemoSurveySummary> seed_demo_surveys(const ServiceContext& ctx, int year);

}  // namespace cipms
