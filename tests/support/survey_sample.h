// A survey document with every section filled, built in memory (no database), for the document
// renderers' tests (services/survey_pdf.h).
#pragma once

#include <string>

#include "cipms/domain/survey.h"

namespace cipms::testing {

inline SurveyDocument sample_survey(const std::string& name, ClassLevel level = ClassLevel::kGeneral) {
  SurveyDocument d;
  d.facility.id = FacilityId{7};
  d.facility.code = "TPC-SAMPLE-1";
  d.facility.name = name;
  d.facility.name_en = "Sample power plant";
  d.facility.sector = "energy";
  d.facility.subsector = "electricity";
  d.facility.type = "power_plant";
  d.facility.classification.level = level;
  d.survey.id = 11;
  d.survey.year = 2026;
  d.survey.state = SurveyState::kProposed;
  d.core_functions.push_back({CoreFunctionId{1}, d.facility.id, "供電 supply", "北部電網", 4.0, "備援饋線"});
  ExternalResource r;
  r.dependency.resource = "fuel";
  r.dependency.suppliers = {FacilityId{8}, FacilityId{9}};
  r.dependency.min_up = 1;
  r.dependency.backup_hours = 72;
  r.backup_plan = "儲油槽 3 日";
  r.supplier_codes = {"CPC-1", "CPC-2"};
  d.external_resources.push_back(r);
  d.unmatched_suppliers.push_back({1, "water", "自來水 & 備用水車", "", "水車", 12.0});
  InternalAsset scada;
  scada.asset_class = AssetClass::kIct;
  scada.name = "SCADA";
  scada.backup_plan = "none";
  scada.max_backup_hours = 0.0;
  scada.stops_core_function = true;
  scada.replaceable = false;
  d.assets.push_back(scada);
  d.assets.push_back({0, AssetClass::kPhysical, "控制大樓", "", "備援控制室", 2.0, std::nullopt, std::nullopt, std::nullopt});
  auto& a = d.survey.assessment;
  a.population = {3, "一個縣市"};
  a.government = {2, "縣市政府"};
  a.government_categories = {"lifeline_transport"};
  a.economic = {3, "每小時 1 千萬元"};
  a.morale = {2, "地方新聞"};
  GradingProposal p;
  p.grade = 2;
  p.reasons = "區域供電";
  p.rank = 3;
  p.rank_of = 40;
  p.consultations.push_back({"專家學者", "2026-05-01", "同意"});
  p.proposed_by = "energy (MOEA-EA)";
  p.proposed_at = "2026-05-02T00:00:00Z";
  d.survey.proposal = p;
  d.opinions.push_back({1, "NSC", "同意第二級", 2, "ohs", "2026-06-01T00:00:00Z"});
  return d;
}

}  // namespace cipms::testing
