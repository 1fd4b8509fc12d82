#include "cipms/services/demo.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "cipms/domain/seed.h"
#include "cipms/domain/validation.h"
#include "cipms/services/network_io.h"

namespace cipms {
namespace {

const NetworkSnapshot& default_demo() {
  static const NetworkSnapshot net = generate_demo_network({});
  return net;
}

std::map<std::string, const Facility*> by_code(const NetworkSnapshot& net) {
  std::map<std::string, const Facility*> m;
  for (const auto& f : net.facilities) m[f.code] = &f;
  return m;
}

std::size_t supplier_edges(const NetworkSnapshot& net) {
  std::size_t n = 0;
  for (const auto& d : net.dependencies) n += d.suppliers.size();
  return n;
}

TEST(DemoNetwork, SameSeedGivesIdenticalNetworkAndOtherSeedsDiffer) {
  DemoOptions a{2000, 7}, b{2000, 8};
  std::string first = network_to_json(generate_demo_network(a));
  EXPECT_EQ(network_to_json(generate_demo_network(a)), first);
  EXPECT_NE(network_to_json(generate_demo_network(b)), first);
}

TEST(DemoNetwork, DefaultNetworkIsValidUnderTheImporterRules) {
  const NetworkSnapshot& net = default_demo();
  std::set<std::string> orgs;
  for (const auto& o : demo_organisations()) orgs.insert(o.code);
  ParseOptions opt;
  opt.known_org = [&](const std::string& c) { return orgs.count(c) > 0; };
  auto parsed = parse_network_json(network_to_json(net), builtin_taxonomy(), opt);
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->facilities.size(), 3000u);
  EXPECT_EQ(parsed->dependencies.size(), net.dependencies.size());
  // Every facility type is one of the taxonomy's.
  for (const auto& f : net.facilities) EXPECT_NE(builtin_taxonomy().facility_type(f.type), nullptr) << f.type;
}

TEST(DemoNetwork, DemoOrganisationsAreValidAndUnique) {
  std::set<std::string> codes;
  std::set<OrgType> types;
  for (const auto& o : demo_organisations()) {
    std::vector<FieldError> errs;
    validate_organisation(o, builtin_taxonomy(), "/" + o.code, errs);
    EXPECT_TRUE(errs.empty()) << o.code << ": " << errs.at(0).message;
    EXPECT_TRUE(codes.insert(o.code).second) << o.code;
    types.insert(o.type);
  }
  EXPECT_TRUE(types.count(OrgType::kOhs));
  EXPECT_TRUE(types.count(OrgType::kCoordinatingAgency));
  EXPECT_TRUE(types.count(OrgType::kCompetentAuthority));
  EXPECT_TRUE(types.count(OrgType::kProvider));
  // Every sector has a coordinating agency.
  std::set<std::string> coordinated;
  for (const auto& o : demo_organisations())
    if (o.type == OrgType::kCoordinatingAgency) coordinated.insert(o.sectors.begin(), o.sectors.end());
  EXPECT_EQ(coordinated.size(), 8u);
}

TEST(DemoNetwork, SizeScalesExactlyWithAboutSixSuppliersPerFacility) {
  for (std::int64_t n : {700, 3000, 50000}) {
    NetworkSnapshot net = generate_demo_network({n, 3});
    EXPECT_EQ(static_cast<std::int64_t>(net.facilities.size()), n);
    double per = static_cast<double>(supplier_edges(net)) / static_cast<double>(n);
    EXPECT_GT(per, 5.0) << n;
    EXPECT_LT(per, 7.0) << n;
  }
}

TEST(DemoNetwork, CoversEverySectorAndTheKeyFacilityTypes) {
  std::set<std::string> sectors, types;
  for (const auto& f : default_demo().facilities) {
    sectors.insert(f.sector);
    types.insert(f.type);
  }
  EXPECT_EQ(sectors.size(), 8u);
  for (const char* t : {"power_plant", "ehv_substation", "primary_substation", "distribution_substation",
                        "dispatch_centre", "refinery", "lng_terminal", "water_treatment_plant", "pumping_station",
                        "switching_centre", "mobile_core", "medical_centre", "regional_hospital",
                        "bank_data_centre", "clearing_centre", "rail_control_centre", "port", "large_airport",
                        "ministry", "county_government", "semiconductor_fab", "park_utility_centre"})
    EXPECT_TRUE(types.count(t)) << t;
}

TEST(DemoNetwork, RealisticBackupsAndSupplies) {
  const NetworkSnapshot& net = default_demo();
  auto f = by_code(net);
  int hospitals = 0, exchanges = 0, gas_plants = 0;
  for (const auto& d : net.dependencies) {
    const Facility& c = *f.at(d.consumer);
    if (c.type == "regional_hospital" && d.resource == "electricity") {
      ++hospitals;
      EXPECT_EQ(d.backup_hours, 72);
    }
    if (c.type == "regional_hospital" && d.resource == "water") {
      EXPECT_GT(d.backup_hours, 0);
    }
    if (c.type == "switching_centre" && d.resource == "electricity") {
      ++exchanges;
      EXPECT_GE(d.backup_hours, 4);
      EXPECT_LE(d.backup_hours, 8);
    }
    if (c.type == "power_plant" && d.resource == "natural_gas") {
      ++gas_plants;
      for (const auto& s : d.suppliers) EXPECT_EQ(f.at(s)->type, "lng_terminal");
    }
  }
  EXPECT_GT(hospitals, 50);
  EXPECT_GT(exchanges, 100);
  EXPECT_GT(gas_plants, 5);
}

TEST(DemoNetwork, HasKofNRedundancy) {
  const NetworkSnapshot& net = default_demo();
  auto f = by_code(net);
  int ehv_two_of_three = 0;
  for (const auto& d : net.dependencies)
    if (f.at(d.consumer)->type == "ehv_substation" && d.resource == "electricity" && d.min_up == 2 &&
        d.suppliers.size() == 3)
      ++ehv_two_of_three;
  EXPECT_GT(ehv_two_of_three, 10);
}

// Dispatch needs telecom; the exchange needs power, which the dispatch centre runs.
TEST(DemoNetwork, PowerDispatchAndTelecomDependOnEachOther) {
  const NetworkSnapshot& net = default_demo();
  std::unordered_map<std::string, std::vector<std::string>> needs;
  for (const auto& d : net.dependencies)
    for (const auto& s : d.suppliers) needs[d.consumer].push_back(s);
  auto reachable = [&](const std::string& from) {
    std::set<std::string> seen{from};
    std::vector<std::string> stack{from};
    while (!stack.empty()) {
      std::string c = stack.back();
      stack.pop_back();
      for (const auto& s : needs[c])
        if (seen.insert(s).second) stack.push_back(s);
    }
    return seen;
  };
  auto f = by_code(net);
  std::string dispatch;
  for (const auto& x : net.facilities)
    if (x.type == "dispatch_centre") dispatch = x.code;
  ASSERT_FALSE(dispatch.empty());
  auto up = reachable(dispatch);
  bool cycle_through_exchange = false;
  for (const auto& code : up)
    if (f.at(code)->type == "switching_centre" && reachable(code).count(dispatch)) cycle_through_exchange = true;
  EXPECT_TRUE(cycle_through_exchange);
}

TEST(DemoNetwork, PopulationServedSumsToTheCountiesPerService) {
  double total = 0;
  for (const auto& c : builtin_taxonomy().counties) total += static_cast<double>(c.population);
  std::map<std::string, double> served;
  for (const auto& f : default_demo().facilities) served[f.type] += static_cast<double>(f.population);
  EXPECT_NEAR(served["distribution_substation"], total, total * 0.001);
  EXPECT_NEAR(served["pumping_station"], total, total * 0.001);
  EXPECT_NEAR(served["switching_centre"], total, total * 0.001);
  EXPECT_NEAR(served["regional_hospital"] + served["medical_centre"], total, total * 0.001);
  EXPECT_NEAR(served["county_government"], total, total * 0.001);
  EXPECT_EQ(served["power_plant"], 0);  // served through the substations, not counted twice
}

TEST(DemoNetwork, FacilitiesSitInTheirCountyAndOffshoreOnesOffshore) {
  std::map<std::string, const County*> counties;
  for (const auto& c : builtin_taxonomy().counties) counties[c.code] = &c;
  for (const auto& f : default_demo().facilities) {
    ASSERT_TRUE(f.lat && f.lon);
    const County& c = *counties.at(f.county_code);
    double dlat = *f.lat - c.lat, dlon = (*f.lon - c.lon) * std::cos(c.lat * 3.14159 / 180);
    EXPECT_LT(std::hypot(dlat, dlon), 0.75) << f.code;  // Maanshan is 0.62 from Pingtung city
    bool offshore = c.abbrev == "PEN" || c.abbrev == "KIN" || c.abbrev == "LIE";
    // The main island lies east of 120.0 E; Penghu, Kinmen and Matsu west of it.
    EXPECT_EQ(*f.lon < 120.0, offshore) << f.code;
  }
}

TEST(DemoNetwork, FacilityCountPerCountyFollowsPopulation) {
  std::map<std::string, double> count;
  for (const auto& f : default_demo().facilities) count[f.county_code] += 1;
  double total = 0;
  for (const auto& c : builtin_taxonomy().counties) total += static_cast<double>(c.population);
  for (const auto& c : builtin_taxonomy().counties) {
    double share = count[c.code] / 3000.0, pop = static_cast<double>(c.population) / total;
    // Within a factor of 2 for the populous counties; the small ones have their minimums.
    if (pop > 0.03) {
      EXPECT_GT(share, pop / 2) << c.abbrev;
      EXPECT_LT(share, pop * 2) << c.abbrev;
    }
    EXPECT_GE(count[c.code], 10) << c.abbrev;
  }
}

}  // namespace
}  // namespace cipms
