// Survey deadline reminders and workflow-event notifications (SurveyService::run_reminders,
// notify_event; docs/survey.md "Reminders and notifications").
#include <map>

#include "cipms/services/audit.h"
#include "cipms/services/notification_service.h"
#include "cipms/services/survey_json.h"
#include "cipms/services/survey_service.h"

namespace cipms {

namespace ss = survey_store;

namespace {

// How many facilities a reminder about several names (by code); the rest are counted.
constexpr int kReminderListed = 5;

// The message parameters every survey notification carries.
SurveyJson survey_params(int year, const std::string& code, const std::string& name, const std::string& name_en) {
  return {{"year", year}, {"facility_code", code}, {"facility_name", name}, {"facility_name_en", name_en}};
}

Notification survey_notification(const char* kind, SurveyJson params, std::optional<std::int64_t> survey,
                                 std::optional<FacilityId> facility, int year, TimePoint now) {
  Notification n;
  n.kind = kind;
  n.params = params.dump(-1, ' ', false, SurveyJson::error_handler_t::replace);
  n.survey_id = survey;
  if (facility) n.facility_id = facility->value;
  n.year = year;
  n.created_at = format_utc(now);
  return n;
}

}  // namespace

Status SurveyService::notify_event(Session& s, const char* kind, const Survey& sv, const Facility& f,
                                   bool authorities, TimePoint now, const std::string& comment,
                                   std::optional<int> grade) {
  CIPMS_ASSIGN_OR_RETURN(auto to, survey_recipients(ctx_, s, f, authorities, now));
  SurveyJson p = survey_params(sv.year, f.code, f.name, f.name_en);
  if (!comment.empty()) p["comment"] = comment;
  if (grade) p["grade"] = *grade;
  return notify(s, to, survey_notification(kind, std::move(p), sv.id, f.id, sv.year, now)).status();
}

Result<std::int64_t> SurveyService::run_reminders(TimePoint now) {
  CIPMS_ASSIGN_OR_RETURN(auto rounds, with_session<std::vector<SurveyRound>>(ctx_, [](Session& s) { return ss::list_rounds(s); }));
  const Principal sweeper = Principal::system_actor("reminders");
  std::int64_t total = 0;
  for (const SurveyRound& round : rounds) {
    std::optional<ReminderStep> step = due_reminder(round, now);
    if (!step) continue;
    const char* kind = step->overdue ? "survey.overdue" : "survey.deadline";
    // One key per person, round and step, whether the message names one facility or sums up
    // several: a second sweep in the step adds nothing, two at once store one.
    const std::string key = "round:" + std::to_string(round.id) + ":" + step->key();
    CIPMS_ASSIGN_OR_RETURN(std::int64_t made, in_transaction<std::int64_t>(ctx_, [&](Session& s) -> Result<std::int64_t> {
      // Every recipient gets one reminder of the step about the facilities they may read whose
      // survey is not submitted (not started, draft or returned): the overdue list's rows, per
      // reader. Only the first few rows are read; the list's total is the count.
      CIPMS_ASSIGN_OR_RETURN(auto people, principals_with_role(ctx_, s, Role::kProviderEditor));
      if (step->overdue) {
        CIPMS_ASSIGN_OR_RETURN(auto officers, principals_with_role(ctx_, s, Role::kAuthorityOfficer));
        people.insert(people.end(), officers.begin(), officers.end());
      }
      std::optional<std::map<std::int64_t, std::int64_t>> survey_ids;  // read once, when first needed
      std::int64_t n = 0;
      for (const Principal& p : people) {
        AccessFilter access = access_filter(p);
        access.now = format_utc(now);
        CIPMS_ASSIGN_OR_RETURN(auto open, ss::not_submitted(s, round.id, access, kReminderListed, 0));
        if (open.total == 0 || open.items.empty()) continue;
        Notification note;
        if (open.total == 1) {
          // One facility: the message names it and a click opens its survey (if started).
          const ss::FacilityBrief& f = open.items.front();
          if (!survey_ids) {
            CIPMS_ASSIGN_OR_RETURN(auto ids, ss::survey_ids_of_round(s, round.id));
            survey_ids = std::move(ids);
          }
          SurveyJson params = survey_params(round.year, f.code, f.name, f.name_en);
          params["deadline"] = round.deadline;
          params["days"] = step->days;
          auto it = survey_ids->find(f.id.value);
          note = survey_notification(kind, std::move(params),
                                     it == survey_ids->end() ? std::nullopt : std::optional(it->second), f.id,
                                     round.year, now);
        } else {
          // Several: how many, the first few by code, and no survey (a click opens the list).
          SurveyJson listed = SurveyJson::array();
          for (const ss::FacilityBrief& f : open.items)
            listed.push_back({{"code", f.code}, {"name", f.name}, {"name_en", f.name_en}});
          SurveyJson params = {{"year", round.year},          {"count", open.total}, {"facilities", std::move(listed)},
                               {"deadline", round.deadline}, {"days", step->days}};
          note = survey_notification(kind, std::move(params), std::nullopt, std::nullopt, round.year, now);
        }
        note.dedupe_key = key;
        CIPMS_ASSIGN_OR_RETURN(std::int64_t w, notify(s, {p.user}, std::move(note)));
        n += w;
      }
      // One summary entry per round and sweep that sent anything (a sweep with nothing new
      // leaves no trace, so an hourly sweep does not fill the log).
      if (n > 0)
        CIPMS_RETURN_IF_ERROR(audit_append(s, sweeper,
                                           AuditEvent{"survey.reminders", "survey_round", std::to_string(round.year), "ok",
                                                      std::to_string(n) + " reminders (" + step->key() + ")"},
                                           now));
      return n;
    }));
    total += made;
  }
  return total;
}

}  // namespace cipms
