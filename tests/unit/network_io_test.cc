#include "cipms/services/network_io.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cipms/domain/seed.h"

namespace cipms {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

const Taxonomy& tax() { return builtin_taxonomy(); }

// The example network of docs/cascade-model.md, plus a second plant.
constexpr const char* kSpecExample = R"({
  "facilities": [
    {"id": "P1", "sector": "energy", "subsector": "electricity", "lat": 24.2, "lon": 120.5,
     "population": 0, "loss_per_hour": 2.0e6, "mtpd_hours": 2},
    {"id": "P2", "sector": "energy", "subsector": "electricity", "lat": 24.3, "lon": 120.6},
    {"id": "H1", "sector": "emergency_hospital", "subsector": "hospital", "lat": 24.1, "lon": 120.6,
     "population": 350000, "mtpd_hours": 4}
  ],
  "dependencies": [
    {"consumer": "H1", "resource": "electricity", "suppliers": ["P1", "P2"], "min_up": 1, "backup_hours": 72}
  ]
})";

std::vector<FieldError> errors_of(const Result<NetworkSnapshot>& r) {
  EXPECT_FALSE(r.is_ok());
  return r.is_ok() ? std::vector<FieldError>{} : r.status().errors();
}

::testing::Matcher<FieldError> error_at(const std::string& pointer) {
  return Field(&FieldError::pointer, pointer);
}

std::string facility_json(const std::string& extra) {
  return R"({"facilities": [{"id": "A", "sector": "energy", "subsector": "electricity")" + extra + "}]}";
}

TEST(NetworkJson, ParsesTheSpecExampleWithDefaults) {
  auto r = parse_network_json(kSpecExample, tax());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->facilities.size(), 3u);
  const Facility& p2 = r->facilities[1];
  EXPECT_EQ(p2.code, "P2");
  EXPECT_EQ(p2.population, 0);        // default
  EXPECT_EQ(p2.loss_per_hour, 0.0);   // default
  EXPECT_FALSE(p2.mtpd_hours.has_value());  // optional, no default
  EXPECT_EQ(p2.name_en, "P2");        // no name given: the id stands in
  EXPECT_EQ(r->facilities[0].loss_per_hour, 2.0e6);
  EXPECT_EQ(*r->facilities[0].mtpd_hours, 2.0);
  EXPECT_EQ(r->facilities[2].population, 350000);
  ASSERT_EQ(r->dependencies.size(), 1u);
  EXPECT_EQ(r->dependencies[0].suppliers, (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(r->dependencies[0].backup_hours, 72.0);
  EXPECT_EQ(r->provider_codes, (std::vector<std::string>{"", "", ""}));
}

TEST(NetworkJson, DependencyDefaultsAreOneOfNAndNoBackup) {
  auto r = parse_network_json(R"({"facilities": [
      {"id": "A", "sector": "energy", "subsector": "electricity"},
      {"id": "B", "sector": "energy", "subsector": "electricity"}],
    "dependencies": [{"consumer": "B", "resource": "electricity", "suppliers": ["A"]}]})",
                              tax());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->dependencies[0].min_up, 1);
  EXPECT_EQ(r->dependencies[0].backup_hours, 0.0);
}

TEST(NetworkJson, KeepsTheRegistryFieldsAndIgnoresCountyName) {
  auto r = parse_network_json(facility_json(R"(, "name": "臺中發電廠", "name_en": "Taichung PP",
      "type": "power_plant", "county_code": "66000", "county": "台中市", "address": "臺中市龍井區",
      "provider": "TPC", "authority": "MOEA-EA")"),
                              tax());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Facility& f = r->facilities[0];
  EXPECT_EQ(f.name, "臺中發電廠");
  EXPECT_EQ(f.name_en, "Taichung PP");
  EXPECT_EQ(f.type, "power_plant");
  EXPECT_EQ(f.county_code, "66000");
  EXPECT_EQ(f.address, "臺中市龍井區");
  EXPECT_EQ(r->provider_codes[0], "TPC");
  EXPECT_EQ(r->authority_codes[0], "MOEA-EA");
}

TEST(NetworkJson, RejectsUnknownFieldsByName) {
  auto r = parse_network_json(R"({"facilities": [
      {"id": "A", "sector": "energy", "subsector": "electricity", "backup_hour": 3},
      {"id": "B", "sector": "energy", "subsector": "electricity"}],
    "dependencies": [{"consumer": "B", "resource": "electricity", "suppliers": ["A"], "min-up": 1}],
    "extra": true})",
                              tax());
  auto e = errors_of(r);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_THAT(e, Contains(FieldError{"/facilities/0/backup_hour", "unknown field 'backup_hour'"}));
  EXPECT_THAT(e, Contains(FieldError{"/dependencies/0/min-up", "unknown field 'min-up'"}));
  EXPECT_THAT(e, Contains(FieldError{"/extra", "unknown field 'extra'"}));
}

TEST(NetworkJson, SyntaxErrorNamesLineAndColumn) {
  auto r = parse_network_json("{\n  \"facilities\": [\n    {\"id\": \"A\",,}\n  ]\n}", tax());
  auto e = errors_of(r);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  ASSERT_EQ(e.size(), 1u);
  // The second comma is on line 3, column 16.
  EXPECT_EQ(e[0].pointer, "line 3, column 16");
}

TEST(NetworkJson, ReportsEveryWrongTypeAndMissingFieldAtOnce) {
  auto r = parse_network_json(R"({"facilities": [
      {"id": 7, "sector": "energy", "subsector": "electricity", "lat": "north", "lon": 120,
       "population": 1.5, "name": ["x"]},
      {"sector": "energy"}],
    "dependencies": [{"consumer": "A", "suppliers": "B", "min_up": "two", "backup_hours": null}, 5]})",
                              tax());
  auto e = errors_of(r);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(e, Contains(error_at("/facilities/0/id")));
  EXPECT_THAT(e, Contains(error_at("/facilities/0/lat")));
  EXPECT_THAT(e, Contains(error_at("/facilities/0/population")));
  EXPECT_THAT(e, Contains(error_at("/facilities/0/name")));
  EXPECT_THAT(e, Contains(error_at("/facilities/1/id")));
  EXPECT_THAT(e, Contains(error_at("/facilities/1/subsector")));
  EXPECT_THAT(e, Contains(error_at("/dependencies/0/resource")));
  EXPECT_THAT(e, Contains(error_at("/dependencies/0/suppliers")));
  EXPECT_THAT(e, Contains(error_at("/dependencies/0/min_up")));
  EXPECT_THAT(e, Contains(error_at("/dependencies/0/backup_hours")));
  EXPECT_THAT(e, Contains(error_at("/dependencies/1")));
}

TEST(NetworkJson, ReportsEveryRuleViolationWithItsPointer) {
  auto r = parse_network_json(R"({"facilities": [
      {"id": "A", "sector": "energy", "subsector": "electricity", "lat": 91, "lon": 120},
      {"id": "B", "sector": "energy", "subsector": "hospital", "population": -1},
      {"id": "A", "sector": "nope", "subsector": "electricity", "lat": 24},
      {"id": "C", "sector": "energy", "subsector": "electricity", "loss_per_hour": -5,
       "mtpd_hours": -1, "county_code": "99999", "provider": "bad code!"},
      {"id": "bad id", "sector": "energy", "subsector": "electricity"}],
    "dependencies": [
      {"consumer": "B", "resource": "electricity", "suppliers": ["A", "A"], "min_up": 3},
      {"consumer": "Z", "resource": "magic", "suppliers": ["B", "Y"], "backup_hours": -2},
      {"consumer": "C", "resource": "water", "suppliers": ["C"]},
      {"consumer": "C", "resource": "water", "suppliers": [], "min_up": 0}]})",
                              tax());
  auto e = errors_of(r);
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  std::vector<std::string> expected = {
      "/facilities/0/lat",           // out of range
      "/facilities/1/subsector",     // belongs to another sector
      "/facilities/1/population",    // negative
      "/facilities/2/sector",        // unknown
      "/facilities/2/lon",           // lat without lon
      "/facilities/2/id",            // duplicate
      "/facilities/3/loss_per_hour", "/facilities/3/mtpd_hours", "/facilities/3/county_code",
      "/facilities/3/provider",      "/facilities/4/id",
      "/dependencies/0/suppliers/1",  // twice
      "/dependencies/0/min_up",       // 3 > 2
      "/dependencies/1/consumer",     // dangling
      "/dependencies/1/suppliers/1",  // dangling
      "/dependencies/1/resource",     // unknown
      "/dependencies/1/backup_hours",
      "/dependencies/2/suppliers/0",  // self
      "/dependencies/3/suppliers",    // none
      "/dependencies/3/min_up",       // 0
  };
  std::vector<std::string> got;
  for (const auto& x : e) got.push_back(x.pointer);
  EXPECT_THAT(got, ::testing::UnorderedElementsAreArray(expected)) << r.status().to_string();
}

TEST(NetworkJson, StopsCollectingAtMaxErrors) {
  std::string text = R"({"facilities": [)";
  for (int i = 0; i < 50; ++i) text += std::string(i ? "," : "") + R"({"id": "X", "sector": "nope", "subsector": "electricity"})";
  text += "]}";
  ParseOptions opt;
  opt.max_errors = 10;
  auto r = parse_network_json(text, tax(), opt);
  EXPECT_EQ(errors_of(r).size(), 10u);
}

TEST(NetworkJson, ReferencesMayNameKnownRegistryFacilities) {
  std::string text = R"({"facilities": [{"id": "B", "sector": "energy", "subsector": "electricity"}],
    "dependencies": [{"consumer": "B", "resource": "electricity", "suppliers": ["OLD-1"]}]})";
  EXPECT_FALSE(parse_network_json(text, tax()).is_ok());
  ParseOptions opt;
  opt.known_code = [](const std::string& c) { return c == "OLD-1"; };
  EXPECT_TRUE(parse_network_json(text, tax(), opt).is_ok());
}

TEST(NetworkJson, OrganisationCodesAreCheckedWhenAsked) {
  ParseOptions opt;
  opt.known_org = [](const std::string& c) { return c == "TPC"; };
  auto ok = parse_network_json(facility_json(R"(, "provider": "TPC")"), tax(), opt);
  EXPECT_TRUE(ok.is_ok());
  auto bad = parse_network_json(facility_json(R"(, "provider": "TPC", "authority": "NOPE")"), tax(), opt);
  auto e = errors_of(bad);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].pointer, "/facilities/0/authority");
  EXPECT_THAT(e[0].message, HasSubstr("unknown organisation 'NOPE'"));
}

TEST(NetworkJson, WriterIsSortedAndRoundTrips) {
  auto r = parse_network_json(kSpecExample, tax());
  ASSERT_TRUE(r.is_ok());
  std::string out = network_to_json(*r);
  // Sorted by id: H1 before P1 before P2; whole numbers without a fraction.
  EXPECT_LT(out.find("\"H1\""), out.find("\"P1\""));
  EXPECT_NE(out.find("\"loss_per_hour\":2000000"), std::string::npos) << out;
  EXPECT_NE(out.find("\"backup_hours\":72"), std::string::npos);
  auto again = parse_network_json(out, tax());
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(network_to_json(*again), out);
}

TEST(NetworkJson, EmptyNetworkRoundTrips) {
  NetworkSnapshot empty;
  std::string out = network_to_json(empty);
  auto r = parse_network_json(out, tax());
  ASSERT_TRUE(r.is_ok()) << out;
  EXPECT_TRUE(r->facilities.empty());
  EXPECT_TRUE(r->dependencies.empty());
}

// ---- CSV ----

constexpr const char* kFacHeader = "id,sector,subsector,lat,lon,population,loss_per_hour,mtpd_hours\n";

TEST(NetworkCsv, ParsesQuotingCrlfAndBom) {
  std::string fac = "\xEF\xBB\xBFid,sector,subsector,name,name_en,address\r\n"
                    "A,energy,electricity,\"臺中,發電廠\",\"The \"\"big\"\" one\",\"line1\r\nline2\"\r\n"
                    "B,energy,electricity,乙,,\r\n";
  std::string dep = "consumer,resource,suppliers\r\nB,electricity,A\r\n";
  auto r = parse_network_csv(fac, dep, tax());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->facilities.size(), 2u);
  EXPECT_EQ(r->facilities[0].name, "臺中,發電廠");
  EXPECT_EQ(r->facilities[0].name_en, "The \"big\" one");
  EXPECT_EQ(r->facilities[0].address, "line1\r\nline2");
  EXPECT_EQ(r->facilities[1].name, "乙");
  EXPECT_EQ(r->dependencies[0].suppliers, (std::vector<std::string>{"A"}));
}

TEST(NetworkCsv, EmptyCellsTakeTheDefaults) {
  std::string fac = std::string(kFacHeader) + "A,energy,electricity,,,,,\nB,energy,electricity,24.1,120.5,10,2.5,4\n";
  std::string dep = "consumer,resource,suppliers,min_up,backup_hours\nB,electricity,A,,\n";
  auto r = parse_network_csv(fac, dep, tax());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_FALSE(r->facilities[0].lat.has_value());
  EXPECT_EQ(r->facilities[0].population, 0);
  EXPECT_FALSE(r->facilities[0].mtpd_hours.has_value());
  EXPECT_EQ(*r->facilities[1].lat, 24.1);
  EXPECT_EQ(*r->facilities[1].mtpd_hours, 4.0);
  EXPECT_EQ(r->dependencies[0].min_up, 1);
  EXPECT_EQ(r->dependencies[0].backup_hours, 0.0);
}

TEST(NetworkCsv, ErrorsNameFileLineAndColumn) {
  std::string fac = std::string(kFacHeader) +
                    "A,energy,electricity,24,120,0,0,\n"
                    "B,energy,electricity,x,120,0,0,\n"      // line 3: lat not a number
                    "C,energy,electricity,24,120,-4,0,\n"    // line 4: population < 0
                    "D,energy,electricity,24,120,0\n";       // line 5: too few fields
  std::string dep = "consumer,resource,suppliers,min_up,backup_hours\n"
                    "A,electricity,C;C,1,0\n"                 // line 2: supplier twice
                    "C,electricity,A;Q,3,0\n";                // line 3: dangling, min_up > 2
  auto r = parse_network_csv(fac, dep, tax());
  auto e = errors_of(r);
  EXPECT_THAT(e, Contains(error_at("facilities.csv line 3, column lat")));
  EXPECT_THAT(e, Contains(error_at("facilities.csv line 4, column population")));
  EXPECT_THAT(e, Contains(error_at("facilities.csv line 5")));
  EXPECT_THAT(e, Contains(error_at("dependencies.csv line 2, column suppliers (item 2)")));
  EXPECT_THAT(e, Contains(error_at("dependencies.csv line 3, column suppliers (item 2)")));
  EXPECT_THAT(e, Contains(error_at("dependencies.csv line 3, column min_up")));
  EXPECT_EQ(e.size(), 6u) << r.status().to_string();
}

TEST(NetworkCsv, LineNumbersCountLineBreaksInsideQuotes) {
  std::string fac = "id,sector,subsector,address\n"
                    "A,energy,electricity,\"two\nlines\"\n"
                    "B,energy,nope,x\n";  // physical line 4
  auto r = parse_network_csv(fac, "consumer,resource,suppliers\n", tax());
  auto e = errors_of(r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].pointer, "facilities.csv line 4, column subsector");
}

TEST(NetworkCsv, RejectsUnknownAndMissingColumns) {
  auto r = parse_network_csv("id,sector,subsector,backup_hour\n", "consumer,resource,min-up\n", tax());
  auto e = errors_of(r);
  EXPECT_THAT(e, Contains(error_at("facilities.csv line 1, column backup_hour")));
  EXPECT_THAT(e, Contains(error_at("dependencies.csv line 1, column min-up")));
  EXPECT_THAT(e, Contains(Field(&FieldError::message, HasSubstr("missing column 'suppliers'"))));
}

TEST(NetworkCsv, RejectsBrokenQuoting) {
  auto unclosed = parse_network_csv("id,sector,subsector\nA,energy,\"electricity\n", "consumer,resource,suppliers\n",
                                    tax());
  EXPECT_THAT(errors_of(unclosed), Contains(error_at("facilities.csv line 2")));
  auto stray = parse_network_csv("id,sector,subsector\nA,ene\"rgy,electricity\n", "consumer,resource,suppliers\n",
                                 tax());
  EXPECT_THAT(errors_of(stray), Contains(error_at("facilities.csv line 2")));
}

TEST(NetworkCsv, JsonToCsvToJsonIsUnchanged) {
  auto r = parse_network_json(R"({"facilities": [
      {"id": "P1", "sector": "energy", "subsector": "electricity", "lat": 24.123456, "lon": 120.654321,
       "loss_per_hour": 1234.5, "mtpd_hours": 2.25, "name": "甲,乙", "name_en": "Say \"hi\"",
       "type": "not yet in the taxonomy", "county_code": "66000", "address": "a\nb", "provider": "TPC"},
      {"id": "H1", "sector": "emergency_hospital", "subsector": "hospital", "population": 350000,
       "authority": "MOHW-DMA"}],
    "dependencies": [{"consumer": "H1", "resource": "electricity", "suppliers": ["P1"], "backup_hours": 0.1}]})",
                              tax());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  auto csv = parse_network_csv(facilities_to_csv(*r), dependencies_to_csv(*r), tax());
  ASSERT_TRUE(csv.is_ok()) << csv.status().to_string() << "\n" << facilities_to_csv(*r);
  EXPECT_EQ(network_to_json(*csv), network_to_json(*r));
  EXPECT_EQ(csv->facilities[1].name, "甲,乙");
  EXPECT_EQ(csv->dependencies[0].backup_hours, 0.1);
}

TEST(GeoJson, WritesPointFeaturesForFacilitiesWithCoordinates) {
  auto r = parse_network_json(kSpecExample, tax());
  ASSERT_TRUE(r.is_ok());
  NetworkSnapshot net = *r;
  net.facilities[1].lat.reset();
  net.facilities[1].lon.reset();
  auto j = nlohmann::json::parse(network_to_geojson(net));
  EXPECT_EQ(j["type"], "FeatureCollection");
  ASSERT_EQ(j["features"].size(), 2u);  // P2 has no coordinates
  const auto& h1 = j["features"][0];
  EXPECT_EQ(h1["id"], "H1");
  EXPECT_EQ(h1["geometry"]["type"], "Point");
  EXPECT_EQ(h1["geometry"]["coordinates"][0].get<double>(), 120.6);  // lon first
  EXPECT_EQ(h1["geometry"]["coordinates"][1].get<double>(), 24.1);
  EXPECT_EQ(h1["properties"]["population"], 350000);
  EXPECT_EQ(h1["properties"]["subsector"], "hospital");
}

}  // namespace
}  // namespace cipms
