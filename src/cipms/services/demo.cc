// The demo network generator (demo.h).
//
// How it works, in three passes:
//  1. Counts: every facility kind has a national minimum (named real sites such as the
//     refineries and LNG terminals, one per county where every county has one) plus a share
//     of the rest; counts are split over the 22 counties by population times a per-kind
//     multiplier, with largest-remainder rounding, so the split does not depend on the seed.
//  2. Sites: named sites at their real coordinates; the others jittered around the county
//     centre, kept on the main island by a coarse coastline polygon (offshore counties use a
//     small radius instead). Population served is split per county over the "last mile"
//     facilities of each service (distribution substations, pumping stations, exchanges,
//     hospitals, bank data centres, county governments), so each sums to the county figure.
//  3. Dependencies: per kind, a list of rules (resource, supplier kind, n suppliers, k of n,
//     backup hours). Suppliers are the n nearest of a window of candidates sorted by
//     latitude, searched in the county, then the region, the island, the country.
//
// Determinism: only splitmix64 and integer/IEEE arithmetic; no std:: distributions (their
// output differs between standard libraries) and no unordered iteration.
#include "cipms/services/demo.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <string>

#include "cipms/base/check.h"
#include "cipms/domain/seed.h"

namespace cipms {

namespace {

// ---------------------------------------------------------------------------------------
// Randomness.

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double range(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
};

// ---------------------------------------------------------------------------------------
// Geography.

enum Region { kNorth, kCentral, kSouth, kEast, kPenghu, kKinmen, kMatsu, kRegionCount };

struct CountyMeta {
  const char* abbrev;
  Region region;
  double radius;  // degrees of jitter around the county centre
};

constexpr CountyMeta kCountyMeta[] = {
    {"NWT", kNorth, 0.14},  {"TPE", kNorth, 0.035},  {"TAO", kNorth, 0.09},  {"TXG", kCentral, 0.13},
    {"TNN", kSouth, 0.12},  {"KHH", kSouth, 0.12},   {"KEE", kNorth, 0.03},  {"HSZ", kNorth, 0.035},
    {"HSQ", kNorth, 0.09},  {"MIA", kCentral, 0.1},  {"CHA", kCentral, 0.08}, {"NAN", kCentral, 0.14},
    {"YUN", kCentral, 0.09}, {"CYI", kSouth, 0.025}, {"CYQ", kSouth, 0.1},   {"PIF", kSouth, 0.12},
    {"ILA", kNorth, 0.1},   {"HUA", kEast, 0.22},    {"TTT", kEast, 0.22},   {"PEN", kPenghu, 0.06},
    {"KIN", kKinmen, 0.05}, {"LIE", kMatsu, 0.02},
};

const CountyMeta* county_meta(const std::string& abbrev) {
  for (const CountyMeta& m : kCountyMeta)
    if (abbrev == m.abbrev) return &m;
  return nullptr;
}

// Coarse coastline of the main island (lon, lat), clockwise from the northern tip. Good to
// a few km: enough to keep jittered sites out of the sea.
constexpr double kMainIsland[][2] = {
    {121.53, 25.30}, {121.75, 25.15}, {122.00, 25.01}, {121.85, 24.60}, {121.86, 24.58},
    {121.64, 23.98}, {121.50, 23.50}, {121.38, 23.10}, {121.20, 22.75}, {120.90, 22.30},
    {120.85, 21.90}, {120.72, 21.93}, {120.60, 22.35}, {120.28, 22.57}, {120.15, 22.95},
    {120.05, 23.10}, {120.14, 23.38}, {120.17, 23.78}, {120.30, 24.05}, {120.50, 24.28},
    {120.60, 24.50}, {120.90, 24.82}, {121.05, 25.05}, {121.40, 25.18},
};

bool on_main_island(double lat, double lon) {
  bool inside = false;
  constexpr std::size_t n = sizeof kMainIsland / sizeof kMainIsland[0];
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    double xi = kMainIsland[i][0], yi = kMainIsland[i][1];
    double xj = kMainIsland[j][0], yj = kMainIsland[j][1];
    if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// ---------------------------------------------------------------------------------------
// What is generated.

enum class Served { kNone, kElectricity, kWater, kTelecom, kHealth, kFinance, kGovernment };

struct Rule {
  const char* resource;
  const char* supplier;   // kind key
  const char* fallback;   // kind key used where no supplier of the first kind exists, or ""
  int n, k;
  double backup_lo, backup_hi;
  bool regional;          // search starts at the region (bulk supply), else the county
  double p = 1;           // share of the consumers that have this dependency
};

struct Kind {
  const char* key;        // code infix
  const char* type;       // facility type code of seed/taxonomy.json
  const char* sector;
  const char* subsector;
  const char* zh;
  const char* en;
  double share;           // share of the facilities above the minimums
  int min_count;
  bool every_county;      // at least one per county when there are enough
  const char* weights;    // per-county multipliers of population ("TPE:0,*:1")
  double loss_lo, loss_hi;  // NTD per hour down
  double mtpd;            // hours, < 0 for none
  Served served;
  double serve_weight;
  const char* providers;  // "TPC" or rotating "CHT|TWM|FET"
  const char* authority;
  std::vector<Rule> rules;
};

// Resources that physically flow and so cannot cross to an offshore island.
bool physical(const char* resource) {
  std::string r = resource;
  return r == "electricity" || r == "water" || r == "natural_gas";
}

const std::vector<Kind>& kinds() {
  // clang-format off
  static const std::vector<Kind> k = {
    // Energy: generation -> EHV (345 kV) -> primary (161 kV) -> distribution; dispatch
    // controls the EHV grid over telecom, and telecom runs on the grid: the cycle.
    {"PP", "power_plant", "energy", "electricity", "發電廠", "Power Plant", 0.010, 0, true,
     "TPE:0,KEE:2,TXG:3,KHH:3,TAO:2,YUN:3,MIA:2,NAN:2,HUA:2,PEN:20,KIN:20,LIE:100", 2e6, 2e7, 2,
     Served::kNone, 0, "TPC", "MOEA-EA",
     {{"natural_gas", "LNG", "", 2, 1, 6, 12, true, 0.5}, {"fuel", "PT", "", 1, 1, 720, 720, true, 0.35},
      {"telecom", "DC", "", 2, 1, 24, 24, true}}},
    {"EHV", "ehv_substation", "energy", "electricity", "超高壓變電所", "EHV Substation", 0.014, 0, false,
     "PEN:0,KIN:0,LIE:0", 5e5, 2e6, 1, Served::kNone, 0, "TPC", "MOEA-EA",
     {{"electricity", "PP", "", 3, 2, 0, 0, true}, {"telecom", "DC", "", 2, 1, 12, 12, true}}},
    {"PS", "primary_substation", "energy", "electricity", "一次變電所", "Primary Substation", 0.045, 0, true,
     "", 2e5, 1e6, 2, Served::kNone, 0, "TPC", "MOEA-EA",
     {{"electricity", "EHV", "PP", 3, 2, 0, 0, true}, {"telecom", "SW", "", 2, 1, 8, 8, false}}},
    {"DS", "distribution_substation", "energy", "electricity", "配電變電所", "Distribution Substation", 0.15, 0, true,
     "", 5e4, 3e5, 4, Served::kElectricity, 1, "TPC", "MOEA-EA",
     {{"electricity", "PS", "PP", 2, 1, 0, 0, false}, {"telecom", "SW", "", 3, 1, 24, 24, false}}},
    {"DC", "dispatch_centre", "energy", "electricity", "電力調度中心", "Power Dispatch Centre", 0, 0, false,
     "", 1e6, 5e6, 1, Served::kNone, 0, "TPC", "MOEA-EA",
     {{"electricity", "PS", "PP", 2, 1, 72, 72, false}, {"telecom", "SW", "", 3, 1, 0, 0, false}}},
    {"RF", "refinery", "energy", "oil", "煉油廠", "Refinery", 0, 0, false,
     "", 2e7, 5e7, 24, Served::kNone, 0, "CPC", "MOEA-EA",
     {{"electricity", "PS", "", 2, 1, 24, 24, false}, {"water", "WTP", "", 2, 1, 48, 48, false},
      {"transport", "PT", "", 1, 1, 720, 720, true}}},
    {"OD", "oil_depot", "energy", "oil", "油庫", "Oil Depot", 0.005, 0, false,
     "TPE:0", 1e6, 5e6, 48, Served::kNone, 0, "CPC", "MOEA-EA",
     {{"fuel", "RF", "", 2, 1, 240, 240, true}, {"electricity", "DS", "", 2, 1, 24, 24, false}}},
    {"OPS", "pipeline_pumping_station", "energy", "oil", "輸油加壓站", "Oil Pipeline Pumping Station", 0.003, 0, false,
     "TPE:0,PEN:0,KIN:0,LIE:0", 5e5, 1e6, 24, Served::kNone, 0, "CPC", "MOEA-EA",
     {{"fuel", "RF", "", 1, 1, 48, 48, true}, {"electricity", "DS", "", 2, 1, 8, 8, false}}},
    {"LNG", "lng_terminal", "energy", "natural_gas", "液化天然氣接收站", "LNG Terminal", 0, 0, false,
     "", 3e7, 6e7, 12, Served::kNone, 0, "CPC", "MOEA-EA",
     {{"electricity", "PS", "", 2, 1, 24, 24, false}, {"transport", "PT", "", 1, 1, 264, 264, true}}},
    {"GPS", "gas_pipeline_station", "energy", "natural_gas", "天然氣配氣站", "Gas Pipeline Station", 0.005, 0, false,
     "PEN:0,KIN:0,LIE:0", 5e5, 2e6, 12, Served::kNone, 0, "CPC", "MOEA-EA",
     {{"natural_gas", "LNG", "", 2, 1, 6, 6, true}, {"electricity", "DS", "", 2, 1, 8, 8, false}}},
    // Water: reservoirs -> treatment -> pumping (the last mile).
    {"RES", "reservoir", "water", "reservoir", "水庫", "Reservoir", 0.008, 0, false,
     "TPE:0.5,KEE:0.5,HSZ:0,CYI:0,NAN:4,HUA:3,TTT:3,MIA:3,CYQ:2,TNN:1.5,PEN:5,KIN:8,LIE:30", 5e5, 3e6, 72,
     Served::kNone, 0, "MOEA-WRA", "MOEA-WRA", {{"electricity", "DS", "PP", 2, 1, 72, 72, false}}},
    {"WTP", "water_treatment_plant", "water", "water_supply", "淨水場", "Water Treatment Plant", 0.03, 0, true,
     "", 3e5, 2e6, 12, Served::kNone, 0, "TWC", "MOEA-WRA",
     {{"water", "RES", "", 2, 1, 12, 12, true}, {"electricity", "PS", "PP", 2, 1, 6, 6, false},
      {"telecom", "SW", "", 3, 1, 24, 24, false}}},
    {"WPS", "pumping_station", "water", "water_supply", "加壓站", "Water Pumping Station", 0.09, 0, true,
     "", 5e4, 3e5, 24, Served::kWater, 1, "TWC", "MOEA-WRA",
     {{"water", "WTP", "", 3, 1, 4, 4, false}, {"electricity", "DS", "PP", 2, 1, 2, 2, false},
      {"telecom", "SW", "", 3, 1, 8, 8, false}}},
    // Communications.
    {"SW", "switching_centre", "communications", "telecom", "電信機房", "Telecom Exchange", 0.08, 0, true,
     "", 1e5, 1e6, 4, Served::kTelecom, 1, "CHT", "MODA",
     {{"electricity", "DS", "PP", 2, 1, 4, 8, false}, {"telecom", "MC", "", 3, 1, 0, 0, true},
      {"fuel", "OD", "", 2, 1, 48, 72, true}}},
    {"MC", "mobile_core", "communications", "telecom", "行動核心網路機房", "Mobile Core", 0.004, 0, false,
     "PEN:0,KIN:0,LIE:0", 2e6, 8e6, 2, Served::kNone, 0, "CHT|TWM|FET", "MODA",
     {{"electricity", "PS", "", 2, 1, 4, 8, false}, {"telecom", "IX", "", 2, 1, 0, 0, true}}},
    {"CLS", "cable_landing_station", "communications", "telecom", "海纜登陸站", "Cable Landing Station", 0, 0, false,
     "", 2e6, 5e6, 4, Served::kNone, 0, "CHT", "MODA", {{"electricity", "DS", "PP", 2, 1, 8, 8, false}}},
    {"IX", "internet_exchange", "communications", "internet", "網際網路交換中心", "Internet Exchange", 0, 0, false,
     "", 3e6, 8e6, 2, Served::kNone, 0, "TWNIC", "MODA",
     {{"electricity", "PS", "", 2, 1, 24, 24, false}, {"telecom", "CLS", "", 3, 1, 0, 0, true}}},
    {"IDC", "data_centre", "communications", "internet", "資料中心", "Data Centre", 0.01, 0, false,
     "TPE:3,NWT:2,TAO:2,HSZ:2,TXG:1.5,KHH:1.5,CHA:2,PEN:0,KIN:0,LIE:0", 1e6, 5e6, 4, Served::kNone, 0,
     "CHT|TWM|FET", "MODA",
     {{"electricity", "PS", "", 2, 1, 48, 48, false}, {"telecom", "IX", "", 2, 1, 0, 0, true},
      {"water", "WPS", "", 2, 1, 24, 24, false}}},
    {"TX", "transmitter", "communications", "broadcasting", "廣播電視發射站", "Broadcast Transmitter", 0.01, 0, false,
     "NAN:3,HUA:3,TTT:3", 5e4, 2e5, 12, Served::kNone, 0, "PTS", "NCC",
     {{"electricity", "DS", "PP", 2, 1, 12, 12, false}, {"telecom", "BC", "", 2, 1, 0, 0, true}}},
    {"BC", "broadcast_centre", "communications", "broadcasting", "廣播電視中心", "Broadcast Centre", 0.002, 0, false,
     "TPE:8,NWT:2,*:0.5", 5e5, 2e6, 6, Served::kNone, 0, "PTS", "NCC",
     {{"electricity", "DS", "", 2, 1, 48, 48, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
    // Transportation.
    {"RS", "railway_station", "transportation", "land", "火車站", "Railway Station", 0.06, 0, false,
     "PEN:0,KIN:0,LIE:0,HUA:3,TTT:3,ILA:2,MIA:1.5,PIF:1.5", 2e5, 2e6, 6, Served::kNone, 0, "TR|THSR", "MOTC-RB",
     {{"electricity", "PS", "", 2, 1, 0, 0, false}, {"telecom", "SW", "", 3, 1, 2, 2, false},
      {"transport", "RCC", "", 2, 1, 0, 0, true}}},
    {"RCC", "rail_control_centre", "transportation", "land", "行車控制中心", "Rail Traffic Control Centre", 0, 0, false,
     "", 5e6, 2e7, 1, Served::kNone, 0, "TR|THSR", "MOTC-RB",
     {{"electricity", "PS", "", 2, 1, 48, 48, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
    {"MRT", "metro", "transportation", "land", "捷運行控中心", "Metro Control Centre", 0.002, 0, false,
     "TPE:4,NWT:2,TAO:1,TXG:1,KHH:1,*:0", 5e6, 2e7, 2, Served::kNone, 0, "TRTC|KRTC", "MOTC-RB",
     {{"electricity", "PS", "", 3, 2, 0, 0, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
    {"HTC", "highway_traffic_control", "transportation", "land", "高速公路交控中心", "Freeway Traffic Control Centre", 0.002, 0, false,
     "PEN:0,KIN:0,LIE:0", 5e5, 2e6, 6, Served::kNone, 0, "MOTC-FHA", "MOTC-FHA",
     {{"electricity", "DS", "", 2, 1, 24, 24, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
    {"PT", "port", "transportation", "maritime", "港", "Port", 0, 0, false,
     "", 1e7, 5e7, 24, Served::kNone, 0, "TIPC", "MOTC-MPB",
     {{"electricity", "PS", "PP", 2, 1, 24, 24, false}, {"telecom", "SW", "", 2, 1, 4, 4, false},
      {"fuel", "OD", "", 2, 1, 168, 168, true}}},
    {"AP", "medium_airport", "transportation", "aviation", "機場", "Airport", 0, 0, false,
     "", 5e6, 3e7, 12, Served::kNone, 0, "MOTC-CAA", "MOTC-CAA",
     {{"electricity", "PS", "PP", 2, 1, 72, 72, false}, {"telecom", "SW", "", 2, 1, 4, 4, false},
      {"weather", "WX", "", 2, 1, 24, 24, false}, {"fuel", "OD", "", 2, 1, 168, 168, true}}},
    {"ATC", "atc_centre", "transportation", "aviation", "飛航管制中心", "Area Control Centre", 0, 0, false,
     "", 1e7, 3e7, 1, Served::kNone, 0, "MOTC-CAA", "MOTC-CAA",
     {{"electricity", "PS", "", 2, 1, 72, 72, false}, {"telecom", "SW", "", 3, 1, 0, 0, false}}},
    {"WR", "weather_radar", "transportation", "meteorology", "氣象雷達站", "Weather Radar", 0.001, 0, false,
     "", 1e5, 5e5, 12, Served::kNone, 0, "CWA", "CWA",
     {{"electricity", "DS", "PP", 2, 1, 48, 48, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
    {"WX", "weather_station", "transportation", "meteorology", "氣象站", "Weather Station", 0.02, 0, true,
     "", 1e4, 5e4, 48, Served::kNone, 0, "CWA", "CWA", {{"electricity", "DS", "PP", 2, 1, 48, 48, false}}},
    {"FC", "forecast_centre", "transportation", "meteorology", "氣象預報中心", "Weather Forecast Centre", 0, 0, false,
     "", 1e6, 3e6, 6, Served::kNone, 0, "CWA", "CWA",
     {{"electricity", "DS", "", 2, 1, 72, 72, false}, {"telecom", "SW", "", 2, 1, 0, 0, false},
      {"weather", "WR", "", 4, 2, 6, 6, true}}},
    // Finance.
    {"BK", "bank_data_centre", "finance", "banking", "銀行資料中心", "Bank Data Centre", 0.05, 0, true,
     "TPE:3,NWT:1.5", 1e6, 1e7, 4, Served::kFinance, 1, "BOT|LBOT|CTBC|CATHAY|ESUN", "FSC-BB",
     {{"electricity", "PS", "PP", 2, 1, 24, 24, false}, {"telecom", "SW", "", 3, 1, 0, 0, false},
      {"finance", "CC", "", 2, 1, 4, 4, true}}},
    {"CC", "clearing_centre", "finance", "payments", "金融資訊清算中心", "Interbank Clearing Centre", 0, 0, false,
     "", 5e7, 1e8, 2, Served::kNone, 0, "FISC", "FSC-BB",
     {{"electricity", "PS", "", 2, 1, 72, 72, false}, {"telecom", "SW", "", 3, 2, 0, 0, false},
      {"water", "WPS", "", 2, 1, 24, 24, false}}},
    {"EX", "exchange_system", "finance", "securities_futures", "交易系統機房", "Exchange Trading System", 0, 0, false,
     "", 5e7, 2e8, 2, Served::kNone, 0, "TWSE|TPEX|TAIFEX", "FSC-SFB",
     {{"electricity", "PS", "", 2, 1, 24, 24, false}, {"telecom", "SW", "", 3, 2, 0, 0, false},
      {"finance", "CC", "", 2, 1, 0, 0, true}}},
    {"INS", "insurer_data_centre", "finance", "insurance", "保險資料中心", "Insurer Data Centre", 0.006, 0, false,
     "TPE:4,PEN:0,KIN:0,LIE:0", 5e5, 3e6, 24, Served::kNone, 0, "CATHAYLIFE|FUBONLIFE", "FSC-IB",
     {{"electricity", "DS", "", 2, 1, 24, 24, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
    // Emergency services and hospitals.
    {"MED", "medical_centre", "emergency_hospital", "hospital", "醫學中心", "Medical Centre", 0.008, 0, false,
     "TPE:3,KHH:1.5,TXG:1.5,PEN:0,KIN:0,LIE:0", 5e5, 2e6, 4, Served::kHealth, 3, "NTUH|VGH|CGMH|CMUH|NCKUH",
     "MOHW-DMA",
     {{"electricity", "PS", "PP", 2, 1, 72, 72, false}, {"water", "WPS", "", 2, 1, 48, 48, false},
      {"telecom", "SW", "", 2, 1, 0, 0, false}, {"fuel", "OD", "", 2, 1, 72, 72, true}}},
    {"RH", "regional_hospital", "emergency_hospital", "hospital", "區域醫院", "Regional Hospital", 0.05, 0, true,
     "", 1e5, 8e5, 4, Served::kHealth, 1, "MOHW-HOSP|CGMH|MMH|TZUCHI", "MOHW-DMA",
     {{"electricity", "DS", "PP", 2, 1, 72, 72, false}, {"water", "WPS", "", 2, 1, 24, 24, false},
      {"telecom", "SW", "", 3, 1, 0, 0, false}}},
    {"BLD", "blood_centre", "emergency_hospital", "hospital", "捐血中心", "Blood Centre", 0.001, 0, false,
     "PEN:0,KIN:0,LIE:0", 1e5, 5e5, 24, Served::kNone, 0, "TBF", "MOHW-DMA",
     {{"electricity", "DS", "", 2, 1, 48, 48, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
    {"EOC", "emergency_operations_centre", "emergency_hospital", "emergency_rescue", "災害應變中心",
     "Emergency Operations Centre", 0, 22, true, "", 1e5, 5e5, 1, Served::kNone, 0, "NFA", "NFA",
     {{"electricity", "DS", "PP", 2, 1, 72, 72, false}, {"telecom", "SW", "", 3, 1, 0, 0, false},
      {"water", "WPS", "", 2, 1, 72, 72, false}}},
    {"FIRE", "fire_rescue_command", "emergency_hospital", "emergency_rescue", "消防救災指揮中心",
     "Fire and Rescue Command Centre", 0.01, 22, true, "", 5e4, 2e5, 1, Served::kNone, 0, "NFA", "NFA",
     {{"electricity", "DS", "PP", 2, 1, 48, 48, false}, {"telecom", "SW", "", 3, 1, 0, 0, false},
      {"water", "WPS", "", 2, 1, 24, 24, false}}},
    // Government.
    {"MIN", "ministry", "government", "central", "中央部會", "Ministry", 0, 12, false,
     "TPE:1,*:0", 1e6, 5e6, 4, Served::kNone, 0, "EY", "EY",
     {{"electricity", "DS", "", 2, 1, 24, 24, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
    {"GOV", "county_government", "government", "local", "縣市政府", "County Government", 0, 22, true,
     "", 5e5, 2e6, 8, Served::kGovernment, 1, "", "MOI",
     {{"electricity", "DS", "PP", 2, 1, 24, 24, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
    // Science and industrial parks.
    {"SPU", "park_utility_centre", "industrial_parks", "science_park", "科學園區公用設施中心",
     "Science Park Utility Centre", 0.001, 0, false, "HSZ:20,HSQ:10,TXG:4,TNN:6,KHH:3,MIA:4,CHA:3,*:0", 2e6, 1e7, 2,
     Served::kNone, 0, "HSP|CTSP|STSP", "NSTC",
     {{"electricity", "EHV", "PS", 3, 2, 0, 0, true}, {"water", "WTP", "", 2, 1, 12, 12, false}}},
    {"FAB", "semiconductor_fab", "industrial_parks", "science_park", "晶圓廠", "Semiconductor Fab", 0.02, 0, false,
     "HSZ:20,HSQ:10,TXG:4,TNN:6,KHH:3,MIA:4,CHA:3,*:0", 3e7, 2e8, 4, Served::kNone, 0, "TSMC|UMC|MICRON", "NSTC",
     {{"electricity", "SPU", "PS", 2, 1, 0.25, 0.25, true}, {"water", "SPU", "WTP", 2, 1, 24, 24, true},
      {"telecom", "SW", "", 2, 1, 0, 0, false}, {"natural_gas", "GPS", "", 1, 1, 12, 12, true}}},
    {"IZU", "park_utility_centre_iz", "industrial_parks", "industrial_zone", "工業區服務中心",
     "Industrial Zone Utility Centre", 0.008, 0, false, "PEN:0,KIN:0,LIE:0,TPE:0", 1e6, 5e6, 8, Served::kNone, 0,
     "MOEA-IDA", "MOEA-IDA",
     {{"electricity", "PS", "", 2, 1, 0, 0, false}, {"water", "WTP", "", 2, 1, 12, 12, false}}},
    {"SWP", "software_park_centre", "industrial_parks", "software_park", "軟體園區服務中心",
     "Software Park Centre", 0.001, 0, false, "NWT:3,KHH:2,TPE:2,TXG:1,*:0", 5e5, 2e6, 8, Served::kNone, 0,
     "MOEA-IDA", "MOEA-IDA",
     {{"electricity", "DS", "", 2, 1, 24, 24, false}, {"telecom", "SW", "", 2, 1, 0, 0, false}}},
  };
  // clang-format on
  return k;
}

// Real sites at their real places (public knowledge; coordinates to ~1 km).
struct Named {
  const char* kind;
  const char* county;
  const char* zh;
  const char* en;
  double lat, lon;
  const char* type;      // overrides the kind's type, or ""
  const char* provider;  // overrides the kind's provider, or ""
};

constexpr Named kNamed[] = {
    {"PP", "TXG", "臺中發電廠", "Taichung Power Plant", 24.213, 120.481, "", ""},
    {"PP", "KHH", "興達發電廠", "Hsinta Power Plant", 22.855, 120.197, "", ""},
    {"PP", "TAO", "大潭發電廠", "Tatan Power Plant", 25.027, 121.045, "", ""},
    {"PP", "NWT", "林口發電廠", "Linkou Power Plant", 25.121, 121.298, "", ""},
    {"PP", "KEE", "協和發電廠", "Hsieh-ho Power Plant", 25.155, 121.740, "", ""},
    {"PP", "MIA", "通霄發電廠", "Tunghsiao Power Plant", 24.480, 120.668, "", ""},
    {"PP", "YUN", "麥寮發電廠", "Mailiao Power Plant", 23.793, 120.192, "", "FPCC"},
    {"PP", "PIF", "核三廠", "Maanshan Nuclear Power Plant", 21.958, 120.751, "", ""},
    {"PP", "KHH", "大林發電廠", "Talin Power Plant", 22.537, 120.336, "", ""},
    {"PP", "HUA", "和平發電廠", "Ho-Ping Power Plant", 24.305, 121.764, "", "HPC"},
    {"PP", "NAN", "明潭發電廠", "Mingtan Power Plant", 23.840, 120.860, "", ""},
    {"PP", "PEN", "尖山發電廠", "Jianshan Power Plant", 23.560, 119.620, "", ""},
    {"PP", "KIN", "塔山發電廠", "Tashan Power Plant", 24.430, 118.330, "", ""},
    {"PP", "LIE", "珠山發電廠", "Zhushan Power Plant", 26.150, 119.930, "", ""},
    {"DC", "TPE", "中央調度中心", "Central Dispatch Center", 25.040, 121.520, "", ""},
    {"DC", "NWT", "北部區域調度中心", "Northern Regional Dispatch Center", 25.060, 121.460, "", ""},
    {"DC", "TXG", "中部區域調度中心", "Central Regional Dispatch Center", 24.150, 120.650, "", ""},
    {"DC", "KHH", "南部區域調度中心", "Southern Regional Dispatch Center", 22.640, 120.320, "", ""},
    {"RF", "KHH", "大林煉油廠", "Talin Refinery", 22.535, 120.330, "", ""},
    {"RF", "TAO", "桃園煉油廠", "Taoyuan Refinery", 25.000, 121.230, "", ""},
    {"RF", "YUN", "麥寮煉油廠", "Mailiao Refinery", 23.780, 120.190, "", "FPCC"},
    {"LNG", "KHH", "永安液化天然氣接收站", "Yung-An LNG Terminal", 22.830, 120.200, "", ""},
    {"LNG", "TXG", "臺中液化天然氣接收站", "Taichung LNG Terminal", 24.240, 120.500, "", ""},
    {"LNG", "TAO", "觀塘液化天然氣接收站", "Guantang LNG Terminal", 25.060, 121.040, "", ""},
    {"CLS", "ILA", "頭城海纜登陸站", "Toucheng Cable Landing Station", 24.860, 121.830, "", ""},
    {"CLS", "NWT", "淡水海纜登陸站", "Tamsui Cable Landing Station", 25.180, 121.420, "", ""},
    {"CLS", "NWT", "八里海纜登陸站", "Bali Cable Landing Station", 25.150, 121.390, "", ""},
    {"CLS", "PIF", "枋山海纜登陸站", "Fangshan Cable Landing Station", 22.260, 120.650, "", ""},
    {"IX", "TPE", "臺北網際網路交換中心", "Taipei Internet Exchange", 25.040, 121.560, "", ""},
    {"IX", "TPE", "第二網際網路交換中心", "Taipei Internet Exchange 2", 25.060, 121.610, "", ""},
    {"IX", "TXG", "臺中網際網路交換中心", "Taichung Internet Exchange", 24.160, 120.660, "", ""},
    {"RCC", "TPE", "臺鐵行車調度中心", "TR Traffic Control Centre", 25.048, 121.517, "", "TR"},
    {"RCC", "TAO", "高鐵行控中心", "THSR Operation Control Centre", 25.013, 121.215, "", "THSR"},
    {"RCC", "KHH", "臺鐵南部調度中心", "TR Southern Control Centre", 22.640, 120.300, "", "TR"},
    {"PT", "KEE", "基隆港", "Port of Keelung", 25.140, 121.740, "", ""},
    {"PT", "NWT", "臺北港", "Port of Taipei", 25.160, 121.390, "", ""},
    {"PT", "TXG", "臺中港", "Port of Taichung", 24.280, 120.510, "", ""},
    {"PT", "KHH", "高雄港", "Port of Kaohsiung", 22.600, 120.280, "", ""},
    {"PT", "HUA", "花蓮港", "Port of Hualien", 23.980, 121.630, "", ""},
    {"PT", "ILA", "蘇澳港", "Port of Su-ao", 24.590, 121.870, "", ""},
    {"PT", "TNN", "安平港", "Port of Anping", 22.970, 120.160, "", ""},
    {"PT", "YUN", "麥寮港", "Port of Mailiao", 23.790, 120.170, "", "FPCC"},
    {"PT", "PEN", "馬公港", "Port of Magong", 23.563, 119.565, "", ""},
    {"PT", "KIN", "料羅港", "Liaoluo Port", 24.410, 118.430, "", ""},
    {"PT", "LIE", "福澳港", "Fuao Port", 26.160, 119.940, "", ""},
    {"AP", "TAO", "臺灣桃園國際機場", "Taiwan Taoyuan International Airport", 25.077, 121.233, "large_airport", "TIAC"},
    {"AP", "KHH", "高雄國際機場", "Kaohsiung International Airport", 22.577, 120.350, "large_airport", ""},
    {"AP", "TPE", "臺北松山機場", "Taipei Songshan Airport", 25.069, 121.552, "", ""},
    {"AP", "TXG", "臺中國際機場", "Taichung International Airport", 24.264, 120.621, "", ""},
    {"AP", "TNN", "臺南機場", "Tainan Airport", 22.950, 120.206, "", ""},
    {"AP", "CYQ", "嘉義航空站", "Chiayi Airport", 23.463, 120.391, "", ""},
    {"AP", "HUA", "花蓮航空站", "Hualien Airport", 24.023, 121.618, "", ""},
    {"AP", "TTT", "臺東航空站", "Taitung Airport", 22.755, 121.102, "", ""},
    {"AP", "PEN", "澎湖馬公機場", "Penghu Magong Airport", 23.569, 119.628, "", ""},
    {"AP", "KIN", "金門尚義機場", "Kinmen Shangyi Airport", 24.428, 118.359, "", ""},
    {"AP", "LIE", "馬祖南竿機場", "Matsu Nangan Airport", 26.160, 119.958, "", ""},
    {"ATC", "TAO", "臺北區域管制中心", "Taipei Area Control Center", 25.060, 121.220, "", ""},
    {"ATC", "KHH", "高雄近場管制塔臺", "Kaohsiung Approach Control", 22.580, 120.340, "", ""},
    {"FC", "TPE", "中央氣象署預報中心", "CWA Forecast Center", 25.038, 121.515, "", ""},
    {"WR", "NWT", "五分山氣象雷達站", "Wufenshan Weather Radar", 25.072, 121.781, "", ""},
    {"WR", "HUA", "花蓮氣象雷達站", "Hualien Weather Radar", 23.991, 121.620, "", ""},
    {"WR", "PIF", "墾丁氣象雷達站", "Kenting Weather Radar", 21.903, 120.853, "", ""},
    {"WR", "CYQ", "七股氣象雷達站", "Chigu Weather Radar", 23.147, 120.086, "", ""},
    {"WR", "TXG", "南屯氣象雷達站", "Nantun Weather Radar", 24.135, 120.585, "", ""},
    {"CC", "TPE", "財金資訊公司主中心", "FISC Primary Centre", 25.030, 121.560, "", ""},
    {"CC", "TXG", "財金資訊公司備援中心", "FISC Backup Centre", 24.160, 120.680, "", ""},
    {"EX", "TPE", "臺灣證券交易所", "Taiwan Stock Exchange", 25.033, 121.564, "", "TWSE"},
    {"EX", "TPE", "證券櫃檯買賣中心", "Taipei Exchange", 25.040, 121.550, "", "TPEX"},
    {"EX", "TPE", "臺灣期貨交易所", "Taiwan Futures Exchange", 25.045, 121.545, "", "TAIFEX"},
    {"MRT", "TPE", "臺北捷運行控中心", "Taipei Metro Operation Control Center", 25.060, 121.530, "", "TRTC"},
    {"MRT", "KHH", "高雄捷運行控中心", "Kaohsiung Metro Control Center", 22.630, 120.300, "", "KRTC"},
    {"SPU", "HSZ", "新竹科學園區", "Hsinchu Science Park", 24.780, 121.000, "", "HSP"},
    {"SPU", "TXG", "中部科學園區", "Central Taiwan Science Park", 24.210, 120.620, "", "CTSP"},
    {"SPU", "TNN", "南部科學園區", "Southern Taiwan Science Park", 23.100, 120.280, "", "STSP"},
    {"MIN", "TPE", "行政院", "Executive Yuan", 25.046, 121.521, "", ""},
};

// ---------------------------------------------------------------------------------------
// Organisations.

struct OrgSpec {
  const char* code;
  const char* name;
  const char* name_en;
  OrgType type;
  const char* sectors;     // comma-separated
  const char* subsectors;  // comma-separated
};

constexpr OrgSpec kOrgs[] = {
    {"OHS", "行政院國土安全辦公室", "Office of Homeland Security, Executive Yuan", OrgType::kOhs, "", ""},
    // Coordinating agencies of the eight sectors.
    {"MOEA", "經濟部", "Ministry of Economic Affairs", OrgType::kCoordinatingAgency, "energy,water", ""},
    {"MODA", "數位發展部", "Ministry of Digital Affairs", OrgType::kCoordinatingAgency, "communications",
     "telecom,internet"},
    {"MOTC", "交通部", "Ministry of Transportation and Communications", OrgType::kCoordinatingAgency,
     "transportation", ""},
    {"FSC", "金融監督管理委員會", "Financial Supervisory Commission", OrgType::kCoordinatingAgency, "finance", ""},
    {"MOHW", "衛生福利部", "Ministry of Health and Welfare", OrgType::kCoordinatingAgency, "emergency_hospital", ""},
    {"MOI", "內政部", "Ministry of the Interior", OrgType::kCoordinatingAgency, "government", "local"},
    {"NSTC", "國家科學及技術委員會", "National Science and Technology Council", OrgType::kCoordinatingAgency,
     "industrial_parks", "science_park"},
    // Competent authorities of sub-sectors.
    {"MOEA-EA", "經濟部能源署", "Energy Administration, MOEA", OrgType::kCompetentAuthority, "",
     "electricity,oil,natural_gas"},
    {"MOEA-WRA", "經濟部水利署", "Water Resources Agency, MOEA", OrgType::kCompetentAuthority, "",
     "water_supply,reservoir"},
    {"NCC", "國家通訊傳播委員會", "National Communications Commission", OrgType::kCompetentAuthority, "",
     "broadcasting"},
    {"MOTC-RB", "交通部鐵道局", "Railway Bureau, MOTC", OrgType::kCompetentAuthority, "", "land"},
    {"MOTC-FHA", "交通部高速公路局", "Freeway Bureau, MOTC", OrgType::kCompetentAuthority, "", "land"},
    {"MOTC-MPB", "交通部航港局", "Maritime and Port Bureau, MOTC", OrgType::kCompetentAuthority, "", "maritime"},
    {"MOTC-CAA", "交通部民用航空局", "Civil Aeronautics Administration, MOTC", OrgType::kCompetentAuthority, "",
     "aviation"},
    {"CWA", "交通部中央氣象署", "Central Weather Administration", OrgType::kCompetentAuthority, "", "meteorology"},
    {"FSC-BB", "金管會銀行局", "Banking Bureau, FSC", OrgType::kCompetentAuthority, "", "banking,payments"},
    {"FSC-SFB", "金管會證券期貨局", "Securities and Futures Bureau, FSC", OrgType::kCompetentAuthority, "",
     "securities_futures"},
    {"FSC-IB", "金管會保險局", "Insurance Bureau, FSC", OrgType::kCompetentAuthority, "", "insurance"},
    {"MOHW-DMA", "衛生福利部醫事司", "Department of Medical Affairs, MOHW", OrgType::kCompetentAuthority, "",
     "hospital"},
    {"NFA", "內政部消防署", "National Fire Agency", OrgType::kCompetentAuthority, "", "emergency_rescue"},
    {"EY", "行政院", "Executive Yuan", OrgType::kCompetentAuthority, "", "central"},
    {"MOEA-IDA", "經濟部產業發展署", "Industrial Development Administration, MOEA", OrgType::kCompetentAuthority,
     "", "industrial_zone,software_park"},
    // Providers.
    {"TPC", "台灣電力公司", "Taiwan Power Company", OrgType::kProvider, "", ""},
    {"FPCC", "台塑石化公司", "Formosa Petrochemical Corporation", OrgType::kProvider, "", ""},
    {"HPC", "和平電力公司", "Ho-Ping Power Company", OrgType::kProvider, "", ""},
    {"CPC", "台灣中油公司", "CPC Corporation, Taiwan", OrgType::kProvider, "", ""},
    {"TWC", "台灣自來水公司", "Taiwan Water Corporation", OrgType::kProvider, "", ""},
    {"CHT", "中華電信", "Chunghwa Telecom", OrgType::kProvider, "", ""},
    {"TWM", "台灣大哥大", "Taiwan Mobile", OrgType::kProvider, "", ""},
    {"FET", "遠傳電信", "Far EasTone Telecommunications", OrgType::kProvider, "", ""},
    {"TWNIC", "台灣網路資訊中心", "Taiwan Network Information Center", OrgType::kProvider, "", ""},
    {"PTS", "公共電視", "Public Television Service", OrgType::kProvider, "", ""},
    {"TR", "臺灣鐵路公司", "Taiwan Railway Corporation", OrgType::kProvider, "", ""},
    {"THSR", "台灣高鐵公司", "Taiwan High Speed Rail Corporation", OrgType::kProvider, "", ""},
    {"TRTC", "臺北大眾捷運公司", "Taipei Rapid Transit Corporation", OrgType::kProvider, "", ""},
    {"KRTC", "高雄捷運公司", "Kaohsiung Rapid Transit Corporation", OrgType::kProvider, "", ""},
    {"TIPC", "臺灣港務公司", "Taiwan International Ports Corporation", OrgType::kProvider, "", ""},
    {"TIAC", "桃園國際機場公司", "Taoyuan International Airport Corporation", OrgType::kProvider, "", ""},
    {"BOT", "臺灣銀行", "Bank of Taiwan", OrgType::kProvider, "", ""},
    {"LBOT", "臺灣土地銀行", "Land Bank of Taiwan", OrgType::kProvider, "", ""},
    {"CTBC", "中國信託商業銀行", "CTBC Bank", OrgType::kProvider, "", ""},
    {"CATHAY", "國泰世華商業銀行", "Cathay United Bank", OrgType::kProvider, "", ""},
    {"ESUN", "玉山商業銀行", "E.SUN Commercial Bank", OrgType::kProvider, "", ""},
    {"FISC", "財金資訊公司", "Financial Information Service Co.", OrgType::kProvider, "", ""},
    {"TWSE", "臺灣證券交易所", "Taiwan Stock Exchange", OrgType::kProvider, "", ""},
    {"TPEX", "證券櫃檯買賣中心", "Taipei Exchange", OrgType::kProvider, "", ""},
    {"TAIFEX", "臺灣期貨交易所", "Taiwan Futures Exchange", OrgType::kProvider, "", ""},
    {"CATHAYLIFE", "國泰人壽", "Cathay Life Insurance", OrgType::kProvider, "", ""},
    {"FUBONLIFE", "富邦人壽", "Fubon Life Insurance", OrgType::kProvider, "", ""},
    {"NTUH", "國立臺灣大學醫學院附設醫院", "National Taiwan University Hospital", OrgType::kProvider, "", ""},
    {"VGH", "榮民總醫院", "Veterans General Hospitals", OrgType::kProvider, "", ""},
    {"CGMH", "長庚紀念醫院", "Chang Gung Memorial Hospital", OrgType::kProvider, "", ""},
    {"CMUH", "中國醫藥大學附設醫院", "China Medical University Hospital", OrgType::kProvider, "", ""},
    {"NCKUH", "國立成功大學醫學院附設醫院", "National Cheng Kung University Hospital", OrgType::kProvider, "", ""},
    {"MOHW-HOSP", "衛生福利部所屬醫院", "MOHW Hospitals", OrgType::kProvider, "", ""},
    {"MMH", "馬偕紀念醫院", "MacKay Memorial Hospital", OrgType::kProvider, "", ""},
    {"TZUCHI", "慈濟醫院", "Tzu Chi Hospitals", OrgType::kProvider, "", ""},
    {"TBF", "台灣血液基金會", "Taiwan Blood Services Foundation", OrgType::kProvider, "", ""},
    {"HSP", "新竹科學園區管理局", "Hsinchu Science Park Bureau", OrgType::kProvider, "", ""},
    {"CTSP", "中部科學園區管理局", "Central Taiwan Science Park Bureau", OrgType::kProvider, "", ""},
    {"STSP", "南部科學園區管理局", "Southern Taiwan Science Park Bureau", OrgType::kProvider, "", ""},
    {"TSMC", "台灣積體電路製造", "TSMC", OrgType::kProvider, "", ""},
    {"UMC", "聯華電子", "United Microelectronics Corporation", OrgType::kProvider, "", ""},
    {"MICRON", "台灣美光", "Micron Taiwan", OrgType::kProvider, "", ""},
    // A supporting unit (R-3: police, fire, military... support the providers).
    {"NPA", "內政部警政署", "National Police Agency", OrgType::kSupportingUnit, "energy,water,communications", ""},
};

std::vector<std::string> split(const char* s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (const char* p = s; *p; ++p) {
    if (*p == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += *p;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// ---------------------------------------------------------------------------------------
// The generator.

struct Site {
  int kind;
  int county;
  double lat, lon;
};

class Generator {
 public:
  explicit Generator(const DemoOptions& opt)
      : opt_(opt), rng_{opt.seed * 0x2545F4914F6CDD1DULL + 0x1234567ULL}, counties_(builtin_taxonomy().counties) {
    for (std::size_t c = 0; c < counties_.size(); ++c) {
      const CountyMeta* m = county_meta(counties_[c].abbrev);
      CIPMS_CHECK(m != nullptr);
      meta_.push_back(*m);
    }
    const auto& ks = kinds();
    for (std::size_t i = 0; i < ks.size(); ++i) kind_index_[ks[i].key] = static_cast<int>(i);
    // Rules name kinds by key; resolve them once rather than per facility.
    for (const Kind& k : ks) {
      std::vector<ResolvedRule> rr;
      for (const Rule& r : k.rules)
        rr.push_back({&r, kind(r.supplier), *r.fallback ? kind(r.fallback) : -1, physical(r.resource)});
      rules_.push_back(std::move(rr));
    }
  }

  NetworkSnapshot run() {
    const std::int64_t n = std::max<std::int64_t>(opt_.facilities, 0);
    std::vector<std::int64_t> per_kind = kind_counts(n);
    NetworkSnapshot net;
    net.facilities.reserve(n);
    net.provider_codes.reserve(n);
    net.authority_codes.reserve(n);
    sites_.reserve(n);
    for (std::size_t k = 0; k < kinds().size(); ++k) place_kind(static_cast<int>(k), per_kind[k], net);
    assign_population(net);
    build_candidates();
    net.dependencies.reserve(n * 2 + 16);
    for (std::size_t i = 0; i < sites_.size(); ++i) add_dependencies(i, net);
    return net;
  }

 private:
  int kind(const char* key) const {
    auto it = kind_index_.find(key);
    return it == kind_index_.end() ? -1 : it->second;
  }
  static bool offshore(Region r) { return r >= kPenghu; }

  std::vector<double> county_weights(const Kind& k) const {
    std::vector<double> w(counties_.size());
    double dflt = 1;
    std::map<std::string, double> mult;
    for (const std::string& item : split(k.weights, ',')) {
      auto colon = item.find(':');
      double v = std::stod(item.substr(colon + 1));
      if (item.substr(0, colon) == "*") dflt = v;
      else mult[item.substr(0, colon)] = v;
    }
    for (std::size_t c = 0; c < counties_.size(); ++c) {
      auto it = mult.find(counties_[c].abbrev);
      w[c] = static_cast<double>(counties_[c].population) * (it == mult.end() ? dflt : it->second);
    }
    return w;
  }

  static int named_count(const Kind& k) {
    int n = 0;
    for (const Named& nm : kNamed) n += std::string(nm.kind) == k.key;
    return n;
  }

  // Minimums first (named sites, one per county), then the rest by share; exactly n in all.
  std::vector<std::int64_t> kind_counts(std::int64_t n) const {
    const auto& ks = kinds();
    std::vector<std::int64_t> base(ks.size(), 0);
    std::int64_t min_total = 0;
    for (std::size_t i = 0; i < ks.size(); ++i) {
      std::int64_t m = std::max<std::int64_t>(ks[i].min_count, named_count(ks[i]));
      if (ks[i].every_county) m = std::max<std::int64_t>(m, static_cast<std::int64_t>(counties_.size()));
      base[i] = m;
      min_total += m;
    }
    if (n < min_total * 2) std::fill(base.begin(), base.end(), 0);  // tiny networks: shares only
    std::int64_t rest = n;
    for (auto b : base) rest -= b;
    std::vector<double> shares;
    for (const Kind& k : ks) shares.push_back(k.share);
    std::vector<std::int64_t> extra = largest_remainder(rest, shares);
    for (std::size_t i = 0; i < ks.size(); ++i) base[i] += extra[i];
    return base;
  }

  static std::vector<std::int64_t> largest_remainder(std::int64_t total, const std::vector<double>& w) {
    std::vector<std::int64_t> out(w.size(), 0);
    double sum = 0;
    for (double x : w) sum += x;
    if (total <= 0 || sum <= 0) return out;
    std::vector<std::pair<double, std::size_t>> frac;
    std::int64_t given = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      double q = static_cast<double>(total) * w[i] / sum;
      out[i] = static_cast<std::int64_t>(std::floor(q));
      given += out[i];
      frac.push_back({-(q - std::floor(q)), i});
    }
    std::sort(frac.begin(), frac.end());
    for (std::size_t j = 0; given < total; j = (j + 1) % frac.size(), ++given) ++out[frac[j].second];
    return out;
  }

  void jitter(int county, double* lat, double* lon) {
    const County& c = counties_[county];
    const CountyMeta& m = meta_[county];
    for (int attempt = 0; attempt < 12; ++attempt) {
      double r = m.radius * std::sqrt(rng_.uniform());
      double a = 2 * std::numbers::pi * rng_.uniform();
      double la = c.lat + r * std::sin(a);
      double lo = c.lon + r * std::cos(a) / std::cos(c.lat * std::numbers::pi / 180);
      if (offshore(m.region) || on_main_island(la, lo)) {
        *lat = la;
        *lon = lo;
        return;
      }
    }
    *lat = c.lat;
    *lon = c.lon;
  }

  void place_kind(int k, std::int64_t count, NetworkSnapshot& net) {
    if (count <= 0) return;
    const Kind& kd = kinds()[k];
    std::vector<const Named*> named;
    for (const Named& nm : kNamed)
      if (std::string(nm.kind) == kd.key && static_cast<std::int64_t>(named.size()) < count) named.push_back(&nm);
    std::vector<std::int64_t> alloc(counties_.size(), 0);
    std::vector<std::vector<const Named*>> named_in(counties_.size());
    for (const Named* nm : named)
      for (std::size_t c = 0; c < counties_.size(); ++c)
        if (counties_[c].abbrev == nm->county) named_in[c].push_back(nm), ++alloc[c];
    std::int64_t rest = count - static_cast<std::int64_t>(named.size());
    if (kd.every_county)
      for (std::size_t c = 0; c < counties_.size() && rest > 0; ++c)
        if (alloc[c] == 0) ++alloc[c], --rest;
    std::vector<std::int64_t> more = largest_remainder(rest, county_weights(kd));
    for (std::size_t c = 0; c < counties_.size(); ++c) alloc[c] += more[c];
    auto providers = split(kd.providers, '|');
    for (std::size_t c = 0; c < counties_.size(); ++c) {
      for (std::int64_t s = 0; s < alloc[c]; ++s) {
        const Named* nm = s < static_cast<std::int64_t>(named_in[c].size()) ? named_in[c][s] : nullptr;
        Facility f;
        char code[48];
        std::snprintf(code, sizeof code, "%s-%s-%04lld", counties_[c].abbrev.c_str(), kd.key,
                      static_cast<long long>(s + 1));
        f.code = code;
        f.sector = kd.sector;
        f.subsector = kd.subsector;
        f.type = nm && *nm->type ? nm->type : kd.type;
        f.county_code = counties_[c].code;
        double lat, lon;
        if (nm) {
          f.name = nm->zh;
          f.name_en = nm->en;
          lat = nm->lat;
          lon = nm->lon;
        } else {
          std::string num = std::to_string(s + 1);
          f.name = counties_[c].name + kd.zh + num;
          f.name_en = counties_[c].name_en + " " + kd.en + " " + num;
          jitter(static_cast<int>(c), &lat, &lon);
        }
        // Six decimals (~0.1 m) keep files short and exact through a JSON/CSV round trip.
        lat = std::round(lat * 1e6) / 1e6;
        lon = std::round(lon * 1e6) / 1e6;
        f.lat = lat;
        f.lon = lon;
        f.loss_per_hour = std::round(rng_.range(kd.loss_lo, kd.loss_hi) / 1000) * 1000;
        if (kd.mtpd >= 0) f.mtpd_hours = kd.mtpd;
        std::string provider;
        if (nm && *nm->provider) provider = nm->provider;
        else if (!providers.empty()) provider = providers[static_cast<std::size_t>(s) % providers.size()];
        net.facilities.push_back(std::move(f));
        net.provider_codes.push_back(std::move(provider));
        net.authority_codes.push_back(kd.authority);
        sites_.push_back({k, static_cast<int>(c), lat, lon});
      }
    }
  }

  // Each service's last-mile facilities in a county share the county's population.
  void assign_population(NetworkSnapshot& net) {
    const auto& ks = kinds();
    constexpr int kServices = 7;
    std::vector<std::array<double, kServices>> total(counties_.size());
    std::vector<double> weight(sites_.size(), 0);
    for (auto& t : total) t.fill(0);
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      const Kind& k = ks[sites_[i].kind];
      if (k.served == Served::kNone) continue;
      weight[i] = k.serve_weight * rng_.range(0.5, 1.5);
      total[sites_[i].county][static_cast<int>(k.served)] += weight[i];
    }
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      const Kind& k = ks[sites_[i].kind];
      if (k.served == Served::kNone) continue;
      double t = total[sites_[i].county][static_cast<int>(k.served)];
      net.facilities[i].population = static_cast<std::int64_t>(
          std::llround(static_cast<double>(counties_[sites_[i].county].population) * weight[i] / t));
    }
  }

  // Candidate suppliers per kind at four levels, each sorted by latitude for locality.
  enum Level { kCounty, kRegionLevel, kIsland, kNation, kLevels };
  void build_candidates() {
    const std::size_t nk = kinds().size();
    cand_.assign(nk, {});
    for (auto& per_kind : cand_) per_kind.resize(counties_.size() + kRegionCount + 2);
    for (std::size_t i = 0; i < sites_.size(); ++i) {
      const Site& s = sites_[i];
      auto lv = slots(s.county);
      for (int l = 0; l < kLevels; ++l)
        if (l == 0 || lv[l] != lv[l - 1]) cand_[s.kind][lv[l]].push_back(static_cast<std::uint32_t>(i));
    }
    for (auto& per_kind : cand_)
      for (auto& list : per_kind)
        std::sort(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
          return sites_[a].lat != sites_[b].lat ? sites_[a].lat < sites_[b].lat : a < b;
        });
  }

  // The list slots of a county at each level: county, region, island (main or the county's
  // own offshore group), nation.
  std::array<std::size_t, kLevels> slots(int county) const {
    const std::size_t nc = counties_.size();
    Region r = meta_[county].region;
    std::size_t island = offshore(r) ? nc + r : nc + kRegionCount;  // offshore: its region
    return {static_cast<std::size_t>(county), nc + r, island, nc + kRegionCount + 1};
  }

  // Up to n suppliers of kind k near site i, widening the search as needed.
  std::vector<std::uint32_t> pick(std::size_t i, int k, int n, const Rule& rule, bool is_physical) {
    std::vector<std::uint32_t> out;
    if (k < 0) return out;
    const Site& s = sites_[i];
    auto lv = slots(s.county);
    int first = rule.regional ? kRegionLevel : kCounty;
    int last = is_physical ? kIsland : kNation;
    const std::vector<std::uint32_t>* list = nullptr;
    for (int l = first; l <= last; ++l) {
      list = &cand_[k][lv[l]];
      // The consumer itself is in its own kind's lists at every level.
      std::size_t usable = list->size() - (s.kind == k ? 1 : 0);
      if (usable >= static_cast<std::size_t>(n)) break;
    }
    if (!list || list->empty()) return out;
    // A window around the consumer's latitude; the n nearest of it by planar distance.
    auto pos = std::lower_bound(list->begin(), list->end(), s.lat,
                                [&](std::uint32_t a, double lat) { return sites_[a].lat < lat; }) - list->begin();
    const std::ptrdiff_t half = std::max(8, 3 * n);
    std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, pos - half);
    std::ptrdiff_t hi = std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(list->size()), pos + half);
    const double coslat = std::cos(s.lat * std::numbers::pi / 180);
    std::vector<std::pair<double, std::uint32_t>>& near = near_;  // reused: no allocation per pick
    near.clear();
    for (std::ptrdiff_t j = lo; j < hi; ++j) {
      std::uint32_t c = (*list)[j];
      if (c == i) continue;
      double dy = sites_[c].lat - s.lat, dx = (sites_[c].lon - s.lon) * coslat;
      // A little noise, so that neighbours do not all pick the very same suppliers.
      near.push_back({(dx * dx + dy * dy) * rng_.range(1.0, 1.5), c});
    }
    std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(n), near.size());
    std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(take), near.end());
    for (std::size_t j = 0; j < take; ++j) out.push_back(near[j].second);
    return out;
  }

  void add_dependencies(std::size_t i, NetworkSnapshot& net) {
    for (const ResolvedRule& rr : rules_[sites_[i].kind]) {
      const Rule& rule = *rr.rule;
      if (rule.p < 1 && rng_.uniform() >= rule.p) continue;
      std::vector<std::uint32_t> sup = pick(i, rr.supplier, rule.n, rule, rr.physical);
      if (sup.empty() && rr.fallback >= 0) sup = pick(i, rr.fallback, rule.n, rule, rr.physical);
      if (sup.empty()) continue;
      NetworkSnapshot::Dep d;
      d.consumer = net.facilities[i].code;
      d.resource = rule.resource;
      d.suppliers.reserve(sup.size());
      for (std::uint32_t c : sup) d.suppliers.push_back(net.facilities[c].code);
      d.min_up = std::min<int>(rule.k, static_cast<int>(sup.size()));
      d.backup_hours = std::round(rng_.range(rule.backup_lo, rule.backup_hi) * 4) / 4;
      net.dependencies.push_back(std::move(d));
    }
  }

  struct ResolvedRule {
    const Rule* rule;
    int supplier, fallback;  // kind indices, -1 for none
    bool physical;
  };

  DemoOptions opt_;
  Rng rng_;
  std::vector<std::vector<ResolvedRule>> rules_;  // per kind
  std::vector<std::pair<double, std::uint32_t>> near_;
  const std::vector<County>& counties_;
  std::vector<CountyMeta> meta_;
  std::map<std::string, int> kind_index_;
  std::vector<Site> sites_;
  std::vector<std::vector<std::vector<std::uint32_t>>> cand_;
};

}  // namespace

NetworkSnapshot generate_demo_network(const DemoOptions& opt) { return Generator(opt).run(); }

std::vector<Organisation> demo_organisations() {
  std::vector<Organisation> out;
  for (const OrgSpec& s : kOrgs) {
    Organisation o;
    o.code = s.code;
    o.name = s.name;
    o.name_en = s.name_en;
    o.type = s.type;
    o.sectors = split(s.sectors, ',');
    o.subsectors = split(s.subsectors, ',');
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace cipms
