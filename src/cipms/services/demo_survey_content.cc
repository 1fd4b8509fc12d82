#include "cipms/services/demo_survey_content.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cipms::demo_content {

namespace {

struct TypeText {
  const char* type;
  int tier;
  const char* function;       // core function: "中文 English"
  const char* function_desc;
  const char* second;         // a second core function, or ""
  const char* second_desc;
  const char* continuity;
  const char* ict;            // the ICT asset
  bool ict_cii;               // its loss stops the core function and it cannot be replaced for a while
  const char* physical;       // the physical asset
};

// clang-format off
constexpr TypeText kTypes[] = {
  {"power_plant", 1, "發電 Power generation", "機組發電併入超高壓輸電網", "黑啟動 Black start", "全黑時自主啟動機組，協助電網分區復電",
   "備用機組輪替運轉；重大事故依電力調度中心指令降載或解聯", "分散式控制系統 DCS", true, "主控制室及汽機廠房"},
  {"dispatch_centre", 1, "電力調度 Grid dispatch", "即時監控電網潮流、頻率與電壓，調度各發電機組", "事故復電指揮 Restoration command", "大停電時依復電程序指揮分區復電",
   "北、中、南調度中心互為備援，可於 1 小時內接手調度", "能量管理系統 EMS/SCADA", true, "調度大樓及調度室"},
  {"ehv_substation", 2, "超高壓輸電 EHV transmission", "345 kV 降壓至 161 kV，供應轄區一次變電所", "", "",
   "環路供電，單一主變故障由鄰近超高壓變電所轉供", "變電所自動化系統 SAS", true, "氣體絕緣開關設備 GIS"},
  {"primary_substation", 2, "區域輸電 Sub-transmission", "161 kV 降壓至 69/22.8 kV，供應配電變電所及大用戶", "", "",
   "鄰近一次變電所轉供，移動式變壓器 48 小時內到位", "遠端終端設備 RTU", false, "主變壓器"},
  {"distribution_substation", 3, "配電 Power distribution", "22.8 kV 饋線供應轄區住宅、商業及醫院用戶", "", "",
   "饋線自動化轉供，重要用戶（醫院、自來水）優先復電", "饋線自動化遠端終端 FTU", false, "配電盤及主變壓器"},
  {"refinery", 1, "原油煉製 Crude refining", "煉製汽油、柴油、航空燃油供應全國", "油品調撥 Fuel dispatch", "經輸油管線及油罐車調撥至各油庫",
   "另一煉油廠增產支援，國家安全存量 60 日", "製程控制系統 DCS", true, "蒸餾塔及儲油槽區"},
  {"lng_terminal", 1, "液化天然氣接收與氣化 LNG regasification", "接收 LNG 船，氣化後送入輸氣幹管供應發電廠及民生用戶", "", "",
   "兩座接收站互為備援，安全存量 11 日", "氣化廠控制系統 ICS", true, "LNG 儲槽"},
  {"oil_depot", 2, "油品儲存與配送 Fuel storage and delivery", "儲存並配送汽柴油至加油站、電廠及機場", "", "",
   "鄰近油庫支援配送，油罐車隊調度", "油槽液位監控系統", false, "儲油槽"},
  {"gas_pipeline_station", 2, "天然氣配氣 Gas distribution", "整壓計量後配送天然氣至電廠及城市燃氣", "", "",
   "輸氣幹管環狀備援，可手動操作閥門", "輸氣管線 SCADA", false, "整壓計量設備"},
  {"water_treatment_plant", 2, "淨水處理 Water treatment", "原水經混凝、沉澱、過濾、消毒後送入配水管網", "", "",
   "區域調度由鄰近淨水場支援，清水池存量 12 小時", "淨水場中央監控系統", false, "快濾池及清水池"},
  {"pumping_station", 3, "配水加壓 Water pressurisation", "加壓供應轄區高地及高樓用戶", "", "",
   "降壓供水並以水車支援，重要用戶優先", "加壓站遠端監控 RTU", false, "加壓泵浦機組"},
  {"switching_centre", 2, "固網及行動交換 Telecom switching", "市話、行動通信及數據交換，含 119/110 緊急電話", "", "",
   "鄰近機房轉接路由，緊急電話優先恢復", "核心交換機及網管系統", true, "機房及不斷電系統 UPS"},
  {"mobile_core", 1, "行動核心網路 Mobile core", "行動用戶註冊、認證及通話數據交換", "", "",
   "異地備援核心網路自動接手", "行動核心網路設備 EPC/5GC", true, "核心機房"},
  {"data_centre", 2, "主機代管及雲端服務 Hosting and cloud", "政府及企業系統主機代管、雲端服務", "", "",
   "異地資料中心備援，重要客戶 4 小時內切換", "骨幹路由器及機房管理系統", false, "機房空調及不斷電系統"},
  {"cable_landing_station", 1, "國際海纜登陸 Submarine cable landing", "國際海纜登陸及國際數據傳輸", "", "",
   "其他登陸站及衛星通信分擔國際流量", "海纜線路終端設備 SLTE", true, "登陸站機房"},
  {"internet_exchange", 1, "網際網路交換 Internet exchange", "國內 ISP 流量互換", "國家頂級域名解析 .tw DNS", ".tw 網域名稱解析服務",
   "多地交換點及任播 DNS 節點互為備援", "交換平台路由器及 DNS 伺服器", true, "交換中心機房"},
  {"railway_station", 3, "旅客運輸 Passenger service", "旅客進出站、售票及列車停靠", "", "",
   "人工售票及疏散引導，必要時公路接駁", "售票及旅客資訊系統", false, "月台及站體"},
  {"rail_control_centre", 1, "行車調度 Train control", "全線列車運行監控與調度", "", "",
   "備援行控中心接手，降速以站間閉塞人工行車", "行車控制系統 CTC", true, "行控中心"},
  {"metro", 1, "捷運行車控制 Metro operations", "全線列車自動控制及旅客運輸", "", "",
   "備援行控中心接手，必要時停駛疏散", "列車自動控制系統 ATC", true, "行控中心"},
  {"port", 1, "港埠裝卸 Cargo and energy handling", "貨櫃、散雜貨及能源船舶靠泊裝卸", "", "",
   "鄰近港口分擔靠泊，人工作業排程", "港埠作業系統", false, "碼頭及起重機"},
  {"large_airport", 1, "航班起降及旅客運輸 Flight operations", "國際航班起降、旅客及貨物運輸", "", "",
   "其他國際機場分擔航班，人工報到及行李處理", "航班資訊及行李處理系統", false, "航廈及跑道助航燈光"},
  {"medium_airport", 2, "航班起降 Flight operations", "國內及區域航班起降", "", "",
   "航班轉降鄰近機場", "航班資訊系統", false, "航廈及跑道"},
  {"bank_data_centre", 2, "存提款及轉帳 Deposits and transfers", "臨櫃、ATM 及網路銀行存提款、轉帳", "", "",
   "異地備援機房 4 小時內接手核心帳務", "核心帳務系統 Core banking", true, "資料中心機房"},
  {"clearing_centre", 1, "跨行清算 Interbank clearing", "跨行轉帳、ATM 及電子支付清算", "", "",
   "異地備援中心 2 小時內切換", "跨行金融資訊網路系統", true, "主備援機房"},
  {"exchange_system", 1, "交易撮合 Order matching", "證券／期貨委託撮合及成交回報", "", "",
   "備援撮合主機同步運轉，必要時暫停交易", "交易撮合主機", true, "主機房"},
  {"medical_centre", 2, "急重症醫療 Emergency and critical care", "24 小時急診、重症加護及大量傷患收治", "手術 Surgery", "緊急手術及器官移植",
   "啟動院內緊急應變計畫，病患轉送區域醫院", "醫療資訊系統 HIS", false, "手術室及加護病房"},
  {"regional_hospital", 3, "急診醫療 Emergency care", "急診及住院醫療", "", "",
   "病患轉送鄰近醫學中心，紙本作業", "醫療資訊系統 HIS", false, "急診室"},
  {"semiconductor_fab", 2, "晶圓製造 Wafer fabrication", "先進製程晶圓生產，供應全球客戶", "", "",
   "產能移轉至同集團其他廠區", "製造執行系統 MES", true, "無塵室"},
};
// clang-format on

const TypeText kDefault = {"", 3, "設施營運 Operations", "設施日常營運服務", "", "", "依營運持續計畫辦理",
                           "資訊系統", false, "主要建物"};

const TypeText& text_of(const Facility& f) {
  for (const TypeText& t : kTypes)
    if (f.type == t.type) return t;
  return kDefault;
}

std::string fmt(const char* pattern, double v) {
  char buf[128];
  std::snprintf(buf, sizeof buf, pattern, v);
  return buf;
}

std::string hours(double h) {
  return h == std::floor(h) ? fmt("%.0f", h) : fmt("%.2g", h);
}

// "12.3 萬人" / "8,400 人".
std::string people(std::int64_t n) {
  if (n >= 10000) return fmt("%.1f 萬人", static_cast<double>(n) / 1e4);
  return std::to_string(n) + " 人";
}

// NTD per hour as "新臺幣 1,200 萬元" (in units of 10,000).
std::string money(double ntd) {
  if (ntd >= 1e8) return fmt("新臺幣 %.1f 億元", ntd / 1e8);
  return fmt("新臺幣 %.0f 萬元", std::max(1.0, std::round(ntd / 1e4)));
}

int clamp_score(int s) { return std::clamp(s, kMinScore, kMaxScore); }

}  // namespace

int tier_of(const Facility& f) { return text_of(f).tier; }

std::uint64_t variation(const Facility& f) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, then one splitmix64 round
  for (unsigned char c : f.code) h = (h ^ c) * 1099511628211ULL;
  h += 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

std::vector<CoreFunction> core_functions(const Facility& f) {
  const TypeText& t = text_of(f);
  double mtpd = f.mtpd_hours.value_or(24);
  std::vector<CoreFunction> out;
  CoreFunction c;
  c.name = t.function;
  c.description = t.function_desc;
  c.mtpd_hours = mtpd;
  c.continuity = t.continuity;
  out.push_back(c);
  if (*t.second) {
    CoreFunction c2;
    c2.name = t.second;
    c2.description = t.second_desc;
    c2.mtpd_hours = mtpd * 2;
    c2.continuity = "依緊急應變計畫由備援人力及設備執行";
    out.push_back(c2);
  }
  return out;
}

std::string backup_plan(const Dependency& d) {
  const std::string& r = d.resource;
  const std::string h = hours(d.backup_hours);
  const bool has = d.backup_hours > 0;
  if (r == "electricity")
    return has ? "緊急柴油發電機可供電 " + h + " 小時，另與台電約定重要用戶優先復電"
               : "雙迴路饋線供電，任一迴路停電自動切換；無自備發電";
  if (r == "water") return has ? "蓄水池存量可用 " + h + " 小時，另與自來水公司約定水車支援" : "無蓄水設施，停水時停止相關作業";
  if (r == "telecom")
    return has ? "微波及衛星備援鏈路可維持 " + h + " 小時；中華電信與遠傳雙路由專線"
               : "中華電信與遠傳雙路由專線互為備援，另備衛星電話";
  if (r == "fuel") return "廠內儲油槽可供 " + (has ? h : std::string("24")) + " 小時，與中油簽訂優先供油協議";
  if (r == "natural_gas") return has ? "雙氣源輸氣幹管，可切換備用燃料運轉 " + h + " 小時" : "雙氣源輸氣幹管互為備援";
  if (r == "transport") return "港埠替代航線及陸運調度，現有庫存可用 " + (has ? h : std::string("72")) + " 小時";
  if (r == "finance") return has ? "異地備援清算系統，" + h + " 小時內切換" : "異地備援清算系統同步運轉";
  if (r == "weather") return "改用鄰近氣象站及衛星資料";
  return has ? "備援供應可維持 " + h + " 小時" : "none";
}

UnmatchedSupplier unmatched_supplier(const std::vector<ExternalResource>& resources) {
  UnmatchedSupplier u;
  for (const ExternalResource& r : resources) {
    if (r.dependency.resource != "electricity" || r.dependency.backup_hours <= 0) continue;
    // Generators run on diesel from a local dealer, which is not a registered facility.
    u.resource = "fuel";
    u.name = "在地民營柴油經銷商";
    u.note = "緊急發電機用柴油，年度合約，4 小時內送達";
    u.backup_plan = "廠內日用油槽";
    u.backup_hours = r.dependency.backup_hours;
    return u;
  }
  return u;
}

std::vector<InternalAsset> assets(const Facility& f, CoreFunctionId core) {
  const TypeText& t = text_of(f);
  std::vector<InternalAsset> out;
  InternalAsset ict;
  ict.asset_class = AssetClass::kIct;
  ict.name = t.ict;
  ict.description = std::string("支援「") + t.function + "」之監控與作業系統";
  ict.stops_core_function = true;
  ict.replaceable = !t.ict_cii;
  ict.backup_plan = t.ict_cii ? "主備援系統同步，備援機房切換；無法以人工作業長時間替代" : "可暫以人工作業或現場操作替代";
  ict.max_backup_hours = t.ict_cii ? 0.5 : 8;
  if (core.valid()) ict.core_function = core;
  out.push_back(ict);
  InternalAsset phys;
  phys.asset_class = AssetClass::kPhysical;
  phys.name = t.physical;
  phys.description = "設施核心實體設備";
  phys.backup_plan = "關鍵零組件備品庫存，原廠維修合約 72 小時到場";
  phys.max_backup_hours = 72;
  out.push_back(phys);
  InternalAsset staff;
  staff.asset_class = AssetClass::kPersonnel;
  staff.name = "值班運轉人員 Shift operators";
  staff.description = "24 小時輪值，具專業證照";
  staff.backup_plan = "輪班制度及支援人力名冊，跨廠區調度";
  staff.max_backup_hours = 72 + static_cast<double>(variation(f) % 4) * 24;
  out.push_back(staff);
  return out;
}

SelfAssessment self_assessment(const Facility& f) {
  const int tier = tier_of(f);
  const int base = 5 - tier;  // tier 1 -> 4, 2 -> 3, 3 -> 2
  SelfAssessment a;
  int pop = f.population >= 2'000'000 ? 5 : f.population >= 500'000 ? 4 : f.population >= 100'000 ? 3
          : f.population >= 10'000 ? 2 : 1;
  a.population.score = clamp_score(std::max(pop, base));
  a.population.evidence = f.population > 0 ? "直接服務約 " + people(f.population) + "，停止運作時影響民生及醫療院所"
                                            : "停止運作將經由下游設施擴散影響" + std::string(tier == 1 ? "全國" : "區域") + "民眾";
  a.government.score = clamp_score(base - (variation(f) % 2 == 0 ? 0 : 1) + (tier == 1 ? 1 : 0));
  a.government.evidence = tier == 1 ? "中央政府及全國維生系統仰賴其運作" : tier == 2 ? "縣市政府及區域維生系統仰賴其運作" : "支援地方政府服務";
  const std::string& s = f.sector;
  if (s == "energy" || s == "water" || s == "transportation") a.government_categories = {"lifeline_transport"};
  else if (s == "communications") a.government_categories = {"ict"};
  else if (s == "finance") a.government_categories = {"financial_order"};
  else if (s == "emergency_hospital") a.government_categories = {"health_epidemic", "public_safety_rescue"};
  else if (s == "industrial_parks") a.government_categories = {"key_technology_industry"};
  else a.government_categories = {"command"};
  if (tier == 1 && s != "industrial_parks") a.government_categories.push_back("command");
  double loss = f.loss_per_hour;
  a.economic.score = loss >= 1e8 ? 5 : loss >= 2e7 ? 4 : loss >= 2e6 ? 3 : loss >= 2e5 ? 2 : 1;
  a.economic.evidence = "中斷每小時直接損失約 " + money(loss) + "，尚未計入下游產業損失";
  a.morale.score = clamp_score(base - 1 + (variation(f) % 3 == 0 ? 1 : 0));
  a.morale.evidence = tier == 1 ? "中斷將成為全國及國際新聞，影響民眾對政府信心" : tier == 2 ? "中斷將引起區域媒體關注" : "影響限於地方";
  return a;
}

GradingProposal proposal(const Facility& f, const std::string& provider_name, int rank, int rank_of,
                         const std::string& consulted_on, const std::string& expert_meeting_on) {
  GradingProposal p;
  p.grade = tier_of(f);
  const char* scope = p.grade == 1 ? "全國" : p.grade == 2 ? "跨縣市區域" : "地方";
  p.reasons = std::string("依") + f.name + "（" + f.name_en + "）之功能、供應範圍及自評結果，失效影響範圍為" + scope +
              "，建議列為第" + (p.grade == 1 ? "一" : p.grade == 2 ? "二" : "三") + "級關鍵基礎設施。";
  if (rank >= 1 && rank_of >= rank) {
    p.rank = rank;
    p.rank_of = rank_of;
  }
  p.consultations.push_back({provider_name.empty() ? std::string("設施提供者") : provider_name, consulted_on,
                             "提供者同意分級，並說明現行備援措施"});
  if (p.grade <= 2)
    p.consultations.push_back({"關鍵基礎設施專家諮詢會議 Expert panel", expert_meeting_on,
                               "專家建議維持此分級，並加強資通系統異地備援"});
  return p;
}

std::string return_comment(const Facility& f) {
  switch (variation(f) % 3) {
    case 0: return "核心功能之最大可容忍中斷時間（MTPD）與外部資源備援時數不一致，請檢視後補正。";
    case 1: return "資通系統資產之備援計畫過於簡略，請說明切換程序及演練紀錄；自評證據請附佐證資料。";
    default: return "外部資源電力之備援發電機容量及儲油量未說明，請補充後重新送出。";
  }
}

std::string accept_comment(const Facility& f) {
  return "調查表內容完整，受理。" + std::string(tier_of(f) == 1 ? "將提報分級建議。" : "");
}

ReviewOpinion ohs_opinion(const Facility& f, int grade) {
  ReviewOpinion o;
  o.body = "國土安全辦公室 OHS";
  o.opinion = std::string("同意第") + (grade == 1 ? "一" : grade == 2 ? "二" : "三") + "級；請" + f.name +
              "於下年度演練中納入資通系統失效情境。";
  o.recommended_grade = grade;
  return o;
}

ReviewOpinion agency_opinion(const Facility& f, int grade) {
  ReviewOpinion o;
  o.body = "國家安全會議 NSC";
  o.opinion = "考量" + std::string(f.sector == "energy" ? "能源" : "跨領域") + "相依性，同意分級建議。";
  o.recommended_grade = grade;
  return o;
}

std::string finalise_reasons(const Facility& f, int grade) {
  return grade == 1 ? "聯合審查通過，列為第一級關鍵基礎設施（" + f.code + "）"
                    : "聯合審查通過，依主管機關建議定級（" + f.code + "）";
}

}  // namespace cipms::demo_content
