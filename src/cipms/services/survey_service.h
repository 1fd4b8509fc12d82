// The survey and grading workflow use cases (R-4, issue 7), shared by the API and the CLI.
//
// Every call takes the acting Principal first and checks, in this order: the record exists
// and the principal may read its facility (else kNotFound, as for a missing record); the
// principal's permission (Principal::can) for the action (kPermissionDenied); the scope
// (survey edits: the provider's own facilities, Principal::in_scope with kSurveyEdit; reviews
// and proposals: kSurveyReview within scope; finalisation: kGradeFinalise); the workflow state
// (kConflict for an illegal transition or an edit of a survey that is not draft/returned);
// the version the caller last read (kPreconditionFailed); the input (kUnprocessable with
// every problem at once, JSON pointers relative to the survey document).
//
// Sections 1 and 2 ARE the registry's core functions and dependencies: editing them through a
// survey writes those registry rows (and so the engine's network) directly. A dependency may
// close a loop (loops are real) but every supplier must be a registered facility; suppliers
// not registered yet go to `unmatched_suppliers` as free text.
//
// Every change runs in one transaction together with its audit entry (services/audit.h); a
// failing call writes nothing. Each change raises the survey's version by one.
// Thread-safe: each call takes its own Session; the ranking cache is guarded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cipms/domain/security.h"
#include "cipms/domain/survey.h"
#include "cipms/services/context.h"
#include "cipms/storage/survey_store.h"

namespace cipms {

struct GradingListRow;  // survey_xlsx.h

// What the analysis engine says about a facility, beside a grading proposal.
struct EngineView {
  std::int64_t rank = 0;   // systemic criticality rank, 1 = most critical (0: not ranked)
  std::int64_t ranked = 0;  // facilities ranked
  std::int64_t type_rank = 0, type_ranked = 0;  // among facilities of the same type
  double population_hours = 0;
  std::int64_t facilities_down = 0;
  double economic_loss = 0;
  // The engine's rank as a score on the self-assessment scale: top 2 % → 5, 10 % → 4,
  // 25 % → 3, 50 % → 2, else 1.
  int engine_score = 0;
  int self_score = 0;  // highest self-assessed criterion score (0 = none)
  // |self_score − engine_score| >= 2: self-assessment and simulated impact disagree.
  bool disagrees = false;
};

struct BoardRow {
  survey_store::SurveyListRow row;
  EngineView engine;
};

struct MissingFacilityReport {
  std::vector<survey_store::UnmatchedName> unmatched_suppliers;
  struct Ranked {
    survey_store::FacilityBrief facility;
    std::int64_t rank = 0;
    double population_hours = 0;
  };
  std::vector<Ranked> ranked_ungraded;  // engine's top facilities with no grade or proposal
  std::vector<MissingFacilityProposal> proposed_by_reviewers;
};

struct OverdueReport {
  SurveyRound round;
  bool past_deadline = false;
  Page<survey_store::FacilityBrief> facilities;
};

struct CompletionReport {
  SurveyRound round;
  std::vector<survey_store::CompletionRow> rows;
  std::vector<std::string> authority_codes;  // parallel to rows ("" for none)
};

class SurveyService {
 public:
  explicit SurveyService(ServiceContext ctx);

  // --- rounds (create/update: kGradeFinalise; read: any signed-in registry reader) ---
  Result<SurveyRound> create_round(const Principal& who, const SurveyRound& r);
  Result<std::vector<SurveyRound>> list_rounds(const Principal& who);
  Result<SurveyRound> get_round(const Principal& who, int year);
  Result<SurveyRound> update_round(const Principal& who, const SurveyRound& r, std::int64_t expected_version);
  // Opens the round of the clock's current year (UTC), from 1 January to `days_to_deadline`
  // days from today, unless that year has a round; std::nullopt when it has. For demo mode
  // (`cipms serve --demo-round`), so a new user sees a round in progress.
  Result<std::optional<SurveyRound>> open_current_round_if_none(const Principal& who, int days_to_deadline = 30);

  // --- surveys ---
  // Opens the facility's draft survey of the round (kSurveyEdit or kSurveyReview, in scope);
  // assets and self-assessment are carried over from the facility's latest earlier survey.
  // kConflict when the facility already has one in that round.
  Result<SurveyDocument> start_survey(const Principal& who, int year, FacilityId facility);
  Result<SurveyDocument> get_survey(const Principal& who, std::int64_t id);
  Result<SurveyDocument> find_survey(const Principal& who, int year, FacilityId facility);
  // The survey's sections now against the last submitted snapshot, as a JSON Patch (RFC 6902)
  // text; "[]" when nothing changed or it was never submitted.
  Result<std::string> changes_since_submission(const Principal& who, std::int64_t id);

  // Section edits (draft or returned; kSurveyEdit within scope). Items with an id update the
  // registry record, items without one create it, records missing from the list are deleted.
  Result<SurveyDocument> put_core_functions(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                            const std::vector<CoreFunction>& items);
  Result<SurveyDocument> put_external_resources(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                                const std::vector<ExternalResource>& items,
                                                const std::vector<UnmatchedSupplier>& unmatched);
  // Also sets the facility's CII flag from the CII rule (domain/survey.h).
  Result<SurveyDocument> put_assets(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                    const std::vector<InternalAsset>& items);
  Result<SurveyDocument> put_self_assessment(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                             const SelfAssessment& a);

  // --- transitions (comment recorded with each) ---
  Result<SurveyDocument> submit(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                const std::string& comment);  // 422 listing every gap
  Result<SurveyDocument> return_survey(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                       const std::string& comment);  // comment required
  Result<SurveyDocument> accept(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                const std::string& comment);
  Result<SurveyDocument> propose(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                 const GradingProposal& p);
  // A reviewing body's opinion; the first moves the survey to under_review. Reviewers may
  // name facilities missing from the inventory at the same time.
  Result<SurveyDocument> add_review_opinion(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                            const ReviewOpinion& o,
                                            const std::vector<MissingFacilityProposal>& missing);
  // OHS: writes the grade (default: the proposed one) and the CII flag to the facility and a
  // new version to its grade history; the earlier versions stay.
  Result<SurveyDocument> finalise(const Principal& who, std::int64_t id, std::int64_t expected_version,
                                  std::optional<int> grade, const std::string& reasons);

  // --- lists and decision support (only facilities the principal may read) ---
  Result<Page<BoardRow>> grading_board(const Principal& who, int year, survey_store::SurveyListFilter f);
  Result<EngineView> engine_view(const Principal& who, std::int64_t survey_id);
  Result<Page<survey_store::NationalRow>> national_list(const Principal& who, std::optional<int> grade, int limit,
                                                        std::int64_t offset);
  Result<std::vector<GradeVersion>> grade_history(const Principal& who, FacilityId facility);
  Result<CompletionReport> completion(const Principal& who, int year);
  Result<OverdueReport> overdue(const Principal& who, int year, int limit, std::int64_t offset);
  Result<MissingFacilityReport> missing_facilities(const Principal& who, std::optional<int> year, int top = 50);

  // --- reminders (docs/survey.md "Reminders and notifications") ---
  // For every round with a reminder step due at `now` (domain/survey.h due_reminder): one
  // notification to each active provider editor — and, once overdue, each authority officer —
  // who may read a facility whose survey of the round is not submitted: about that facility
  // when it is the only one, else a summary (`count` and the first few by code). Idempotent
  // (a (user, round, step) reminder is stored once, also when two processes sweep at the same
  // time); one transaction per round with one `survey.reminders` audit entry when it created
  // any. Returns how many notifications were created.
  Result<std::int64_t> run_reminders(TimePoint now);

  // --- bulk (CLI) ---
  // Every survey of the round that `who` may read, with all sections.
  Result<std::vector<SurveyDocument>> export_round(const Principal& who, int year);
  // The round's grading list as a classification-marked XLSX workbook (services/survey_xlsx.h),
  // with the engine's rank beside each survey. kSurveyReview or kGradeFinalise.
  Result<std::string> grading_list_xlsx(const Principal& who, int year);
  // The same list as a classification-marked PDF (services/survey_pdf.h), same readers; and one
  // survey as a PDF, for whoever may read it (as get_survey). *level (when given) gets the
  // document's marking level. An export marked 機密 or higher is audited ("survey.export").
  // kUnavailable when Chromium is missing, fails or times out.
  Result<std::string> grading_list_pdf(const Principal& who, int year, ClassLevel* level = nullptr);
  Result<std::string> survey_pdf(const Principal& who, std::int64_t id, ClassLevel* level = nullptr);

  // --- bulk (CLI) ---
  // Imports surveys of the round in ONE transaction: for each item the facility's survey is
  // opened (or the existing draft/returned one is used), the sections given are written and,
  // when `submit` is set, the survey is submitted. Any problem anywhere rolls everything back;
  // field errors are prefixed with "/surveys/<index>".
  struct SurveyImport {
    std::string facility_code;
    std::optional<std::vector<CoreFunction>> core_functions;
    // Suppliers by facility code here (the file names facilities by code).
    struct Resource {
      ExternalResource item;
      std::vector<std::string> supplier_codes;
    };
    std::optional<std::vector<Resource>> external_resources;
    std::optional<std::vector<UnmatchedSupplier>> unmatched_suppliers;
    std::optional<std::vector<InternalAsset>> assets;
    std::optional<SelfAssessment> self_assessment;
    bool submit = false;
  };
  struct ImportSummary {
    std::int64_t surveys = 0, submitted = 0;
  };
  Result<ImportSummary> import_surveys(const Principal& who, int year, const std::vector<SurveyImport>& items);

 private:
  Result<SurveyDocument> put_core_functions_in(Session* outer, const Principal& who, std::int64_t id,
                                               std::int64_t expected, const std::vector<CoreFunction>& items);
  Result<SurveyDocument> put_external_resources_in(Session* outer, const Principal& who, std::int64_t id,
                                                   std::int64_t expected, const std::vector<ExternalResource>& items,
                                                   const std::vector<UnmatchedSupplier>& unmatched);
  Result<SurveyDocument> put_assets_in(Session* outer, const Principal& who, std::int64_t id, std::int64_t expected,
                                       const std::vector<InternalAsset>& items);
  Result<SurveyDocument> put_self_assessment_in(Session* outer, const Principal& who, std::int64_t id,
                                                std::int64_t expected, const SelfAssessment& a);
  Result<SurveyDocument> submit_in(Session* outer, const Principal& who, std::int64_t id, std::int64_t expected,
                                   const std::string& comment);

  // Notifies the facility's provider editors (and, with `authorities`, its authority officers)
  // of a workflow event, in the transition's transaction (survey_reminders.cc).
  Status notify_event(Session& s, const char* kind, const Survey& sv, const Facility& f, bool authorities,
                      TimePoint now, const std::string& comment, std::optional<int> grade);

  // The grading list's rows (engine view beside each survey), pointing into *docs, which gets
  // every survey of the round `who` may read. kSurveyReview or kGradeFinalise.
  Result<std::vector<GradingListRow>> grading_rows(const Principal& who, int year,
                                                          std::vector<SurveyDocument>* docs);
  // Audits the export of a document marked 機密 or higher (nothing below).
  Status audit_export(const Principal& who, ClassLevel level, const std::string& kind, const std::string& id,
                      const std::string& what);

  ServiceContext ctx_;
  std::shared_ptr<struct SurveyRankingCache> ranking_;
};

}  // namespace cipms
