// Survey deadline reminders and workflow-event notifications (SurveyService::run_reminders,
// notify_event; docs/survey.md "Reminders and notifications").
#include "cipms/services/audit.h"
#include "cipms/services/notification_service.h"
#include "cipms/services/survey_json.h"
#include "cipms/services/survey_service.h"

namespace cipms {

namespace ss = survey_store;

namespace {

// The message parameters every survey notification carries.
SurveyJson survey_params(int year, const std::string& code, const std::string& name, const std::string& name_en) {
  return {{"year", year}, {"facility_code", code}, {"facility_name", name}, {"facility_name_en", name_en}};
}

Notification survey_notification(const char* kind, SurveyJson params, std::optional<std::int64_t> survey,
                                 FacilityId facility, int year, TimePoint now) {
  Notification n;
  n.kind = kind;
  n.params = params.dump(-1, ' ', false, SurveyJson::error_handler_t::replace);
  n.survey_id = survey;
  n.facility_id = facility.value;
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
    CIPMS_ASSIGN_OR_RETURN(std::int64_t made, in_transaction<std::int64_t>(ctx_, [&](Session& s) -> Result<std::int64_t> {
      // Every recipient gets the step's reminder for each facility they may read whose survey
      // is not submitted (not started, draft or returned): the overdue list's rows, per reader.
      CIPMS_ASSIGN_OR_RETURN(auto people, principals_with_role(ctx_, s, Role::kProviderEditor));
      if (step->overdue) {
        CIPMS_ASSIGN_OR_RETURN(auto officers, principals_with_role(ctx_, s, Role::kAuthorityOfficer));
        people.insert(people.end(), officers.begin(), officers.end());
      }
      CIPMS_ASSIGN_OR_RETURN(auto survey_ids, ss::survey_ids_of_round(s, round.id));
      std::int64_t n = 0;
      for (const Principal& p : people) {
        AccessFilter access = access_filter(p);
        access.now = format_utc(now);
        CIPMS_ASSIGN_OR_RETURN(auto open, ss::not_submitted(s, round.id, access, 1 << 30, 0));
        for (const auto& f : open.items) {
          SurveyJson params = survey_params(round.year, f.code, f.name, f.name_en);
          params["deadline"] = round.deadline;
          params["days"] = step->days;
          auto it = survey_ids.find(f.id.value);
          Notification note = survey_notification(step->overdue ? "survey.overdue" : "survey.deadline", std::move(params),
                                                  it == survey_ids.end() ? std::nullopt : std::optional(it->second),
                                                  f.id, round.year, now);
          note.dedupe_key = "round:" + std::to_string(round.id) + ":facility:" + std::to_string(f.id.value) + ":" + step->key();
          CIPMS_ASSIGN_OR_RETURN(std::int64_t w, notify(s, {p.user}, std::move(note)));
          n += w;
        }
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
