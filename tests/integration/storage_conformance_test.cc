// Conformance suite for storage/store.h: every back end must pass it unchanged. Each test runs
// against a real database created fresh for it. To add a back end, add a BackendCase to
// backends() (e.g. PostgreSQL with a throw-away schema); nothing else changes.
#include <gtest/gtest.h>

#include <ostream>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <thread>

#include "cipms/domain/seed.h"
#include "cipms/storage/store.h"
#include "support/paths.h"
#include "support/postgres_server.h"

namespace cipms {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct BackendCase {
  std::string name;
  std::function<Result<std::unique_ptr<Database>>(const fs::path& dir)> open;
};
// Test names and ctest listings show the back end by name, not the bytes of the struct.
void PrintTo(const BackendCase& b, std::ostream* os) { *os << b.name; }

std::vector<BackendCase> backends() {
  return {
      {"sqlite",
       [](const fs::path& dir) { return Database::open("sqlite:" + (dir / "cipms.db").string()); }},
      // One server per test process (support/postgres_server.h), a fresh database per call.
      {"postgresql",
       [](const fs::path&) -> Result<std::unique_ptr<Database>> {
         auto& server = testing::PostgresServer::instance();
         std::string url = server.create_database();
         if (url.empty()) return Status::internal("test PostgreSQL server: " + server.error());
         return Database::open(url);
       }},
  };
}

const TimePoint kT0 = std::chrono::sys_days{std::chrono::November / 25 / 2026} + 10h;

class StorageConformance : public ::testing::TestWithParam<BackendCase> {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("storage_conformance");
    auto db = GetParam().open(dir_);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::move(db).value();
    auto v = db_->migrate();
    ASSERT_TRUE(v.is_ok()) << v.status().to_string();
    auto s = db_->session();
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    s_ = std::move(s).value();
  }
  void TearDown() override {
    s_.reset();
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  Organisation org(const std::string& code, OrgType type = OrgType::kProvider) {
    Organisation o;
    o.code = code;
    o.name = code + " 公司";
    o.name_en = code + " Corp";
    o.type = type;
    return o;
  }
  Organisation must_create(const Organisation& o) {
    auto r = s_->create_organisation(o, kT0);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? r.value() : Organisation{};
  }
  Facility fac(const std::string& code, const std::string& sector = "energy",
               const std::string& subsector = "electricity") {
    Facility f;
    f.code = code;
    f.name = "設施 " + code;
    f.name_en = "Facility " + code;
    f.sector = sector;
    f.subsector = subsector;
    f.type = "substation";
    f.county_code = "63000";
    return f;
  }
  Facility must_create(const Facility& f) {
    auto r = s_->create_facility(f, kT0);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? r.value() : Facility{};
  }
  Dependency must_create(FacilityId consumer, std::vector<FacilityId> suppliers, int min_up = 1,
                         double backup = 0, const std::string& resource = "electricity") {
    Dependency d;
    d.consumer = consumer;
    d.resource = resource;
    d.suppliers = std::move(suppliers);
    d.min_up = min_up;
    d.backup_hours = backup;
    auto r = s_->create_dependency(d, kT0);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? r.value() : Dependency{};
  }
  std::int64_t facility_count() {
    FacilityFilter f;
    f.limit = 1;
    auto p = s_->list_facilities(f);
    EXPECT_TRUE(p.is_ok()) << p.status().to_string();
    return p.is_ok() ? p->total : -1;
  }
  std::int64_t revision() {
    auto r = s_->registry_revision();
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? r.value() : -1;
  }
  std::vector<std::string> codes(const FacilityFilter& f) {
    auto p = s_->list_facilities(f);
    EXPECT_TRUE(p.is_ok()) << p.status().to_string();
    std::vector<std::string> out;
    if (p.is_ok())
      for (const auto& x : p->items) out.push_back(x.code);
    return out;
  }

  fs::path dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Session> s_;
};

// --- migrations and taxonomy --------------------------------------------------------------

TEST_P(StorageConformance, MigrateIsIdempotentAndReportsTheSameVersion) {
  auto v1 = db_->schema_version();
  ASSERT_TRUE(v1.is_ok());
  EXPECT_GE(v1.value(), 1);
  auto again = db_->migrate();
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(again.value(), v1.value());
  // A second migrate must not seed the taxonomy twice.
  auto t = s_->load_taxonomy();
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->sectors.size(), builtin_taxonomy().sectors.size());
}

TEST_P(StorageConformance, FreshDatabaseHasSchemaVersionZeroUntilMigrated) {
  auto other = GetParam().open(dir_ / "sub");
  fs::create_directories(dir_ / "sub");
  other = GetParam().open(dir_ / "sub");
  ASSERT_TRUE(other.is_ok()) << other.status().to_string();
  auto v = other.value()->schema_version();
  ASSERT_TRUE(v.is_ok());
  EXPECT_EQ(v.value(), 0);
}

TEST_P(StorageConformance, MigrateSeedsTheBuiltinTaxonomyInOrder) {
  auto t = s_->load_taxonomy();
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  const Taxonomy& b = builtin_taxonomy();
  auto same = [](const std::vector<TaxonomyEntry>& a, const std::vector<TaxonomyEntry>& e) {
    ASSERT_EQ(a.size(), e.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].code, e[i].code);
      EXPECT_EQ(a[i].parent, e[i].parent);
      EXPECT_EQ(a[i].name, e[i].name);
      EXPECT_EQ(a[i].name_en, e[i].name_en);
      EXPECT_TRUE(a[i].active);
    }
  };
  same(t->sectors, b.sectors);
  same(t->subsectors, b.subsectors);
  same(t->facility_types, b.facility_types);
  same(t->resources, b.resources);
  same(t->threats, b.threats);
  EXPECT_EQ(t->sectors.size(), 8u);  // the eight CI sectors of the guidelines
  ASSERT_EQ(t->counties.size(), 22u);
  const County* tpe = t->county("63000");
  ASSERT_NE(tpe, nullptr);
  EXPECT_EQ(tpe->name, "臺北市");
  EXPECT_EQ(tpe->abbrev, "TPE");
  EXPECT_GT(tpe->population, 2000000);
}

TEST_P(StorageConformance, TaxonomyEntriesCanBeAddedReplacedAndRetired) {
  TaxonomyEntry e{"space", "", "太空", "Space", true};
  ASSERT_TRUE(s_->upsert_taxonomy_entry("sector", e).is_ok());
  e.name_en = "Outer space";
  e.active = false;
  ASSERT_TRUE(s_->upsert_taxonomy_entry("sector", e).is_ok());
  auto t = s_->load_taxonomy();
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->sectors.size(), 9u);
  const TaxonomyEntry* got = t->sector("space");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->name_en, "Outer space");
  EXPECT_FALSE(got->active);
  EXPECT_EQ(t->sectors.back().code, "space");

  TaxonomyEntry sub{"satellites", "space", "衛星", "Satellites", true};
  EXPECT_TRUE(s_->upsert_taxonomy_entry("subsector", sub).is_ok());
  sub.parent = "no_such_sector";
  EXPECT_EQ(s_->upsert_taxonomy_entry("subsector", sub).code(), Code::kUnprocessable);
  EXPECT_EQ(s_->upsert_taxonomy_entry("planet", e).code(), Code::kInvalidArgument);
}

// --- organisations --------------------------------------------------------------------------

TEST_P(StorageConformance, OrganisationRoundTripsAndUpdatesWithVersions) {
  Organisation parent = must_create(org("MOEA", OrgType::kCoordinatingAgency));
  Organisation o = org("MOEA-EA", OrgType::kCompetentAuthority);
  o.name = "經濟部能源署";
  o.parent = parent.id;
  o.sectors = {"energy"};
  o.subsectors = {"oil", "electricity"};
  Organisation c = must_create(o);
  EXPECT_TRUE(c.id.valid());
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.created_at, kT0);
  EXPECT_EQ(c.updated_at, kT0);

  auto got = s_->get_organisation(c.id);
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->code, "MOEA-EA");
  EXPECT_EQ(got->name, "經濟部能源署");
  EXPECT_EQ(got->type, OrgType::kCompetentAuthority);
  ASSERT_TRUE(got->parent.has_value());
  EXPECT_EQ(*got->parent, parent.id);
  EXPECT_EQ(got->sectors, std::vector<std::string>{"energy"});
  EXPECT_EQ(got->subsectors, (std::vector<std::string>{"oil", "electricity"}));
  auto by_code = s_->find_organisation_by_code("MOEA-EA");
  ASSERT_TRUE(by_code.is_ok());
  EXPECT_EQ(by_code->id, c.id);

  Organisation u = got.value();
  u.name_en = "Energy Administration";
  u.subsectors = {"natural_gas"};
  auto upd = s_->update_organisation(u, 1, kT0 + 60s);
  ASSERT_TRUE(upd.is_ok()) << upd.status().to_string();
  EXPECT_EQ(upd->version, 2);
  EXPECT_EQ(upd->updated_at, kT0 + 60s);
  EXPECT_EQ(upd->created_at, kT0);
  EXPECT_EQ(upd->subsectors, std::vector<std::string>{"natural_gas"});

  u.name_en = "stale write";
  auto stale = s_->update_organisation(u, 1, kT0 + 120s);
  EXPECT_EQ(stale.status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(s_->get_organisation(c.id)->name_en, "Energy Administration");

  EXPECT_EQ(s_->delete_organisation(c.id, 1).code(), Code::kPreconditionFailed);
  EXPECT_TRUE(s_->delete_organisation(c.id, 2).is_ok());
  EXPECT_EQ(s_->get_organisation(c.id).status().code(), Code::kNotFound);
  EXPECT_EQ(s_->find_organisation_by_code("MOEA-EA").status().code(), Code::kNotFound);
  EXPECT_EQ(s_->delete_organisation(c.id, 2).code(), Code::kNotFound);
}

TEST_P(StorageConformance, OrganisationWithDuplicateCodeIsAConflict) {
  must_create(org("TPC"));
  EXPECT_EQ(s_->create_organisation(org("TPC"), kT0).status().code(), Code::kConflict);
  Organisation other = must_create(org("CPC"));
  other.code = "TPC";
  EXPECT_EQ(s_->update_organisation(other, 1, kT0).status().code(), Code::kConflict);
}

TEST_P(StorageConformance, OrganisationStillOwningFacilitiesOrChildrenCannotBeDeleted) {
  Organisation parent = must_create(org("MOTC", OrgType::kCoordinatingAgency));
  Organisation child = org("CAA", OrgType::kCompetentAuthority);
  child.parent = parent.id;
  child = must_create(child);
  EXPECT_EQ(s_->delete_organisation(parent.id, 1).code(), Code::kConflict);

  Organisation tpc = must_create(org("TPC"));
  Facility f = fac("PS-1");
  f.provider = tpc.id;
  f = must_create(f);
  EXPECT_EQ(s_->delete_organisation(tpc.id, 1).code(), Code::kConflict);
  Facility g = fac("PS-2");
  g.authority = child.id;
  must_create(g);
  EXPECT_TRUE(s_->delete_facility(f.id, 1).is_ok());
  EXPECT_TRUE(s_->delete_organisation(tpc.id, 1).is_ok());
  EXPECT_EQ(s_->delete_organisation(child.id, 1).code(), Code::kConflict);
  EXPECT_TRUE(s_->get_organisation(child.id).is_ok());
}

TEST_P(StorageConformance, OrganisationWithUnknownParentIsUnprocessable) {
  Organisation o = org("X");
  o.parent = OrgId(999);
  EXPECT_EQ(s_->create_organisation(o, kT0).status().code(), Code::kUnprocessable);
}

TEST_P(StorageConformance, OrganisationListFiltersByTypeParentAndText) {
  Organisation ohs = must_create(org("OHS", OrgType::kOhs));
  Organisation a = org("MOEA", OrgType::kCoordinatingAgency);
  a.parent = ohs.id;
  a.name = "經濟部";
  must_create(a);
  Organisation b = org("MOTC", OrgType::kCoordinatingAgency);
  b.parent = ohs.id;
  b.name = "交通部";
  must_create(b);
  must_create(org("TPC"));

  OrgFilter f;
  f.type = OrgType::kCoordinatingAgency;
  auto p = s_->list_organisations(f);
  ASSERT_TRUE(p.is_ok());
  ASSERT_EQ(p->items.size(), 2u);
  EXPECT_EQ(p->items[0].code, "MOEA");
  EXPECT_EQ(p->items[1].code, "MOTC");

  OrgFilter by_parent;
  by_parent.parent = ohs.id;
  EXPECT_EQ(s_->list_organisations(by_parent)->total, 2);

  OrgFilter q;
  q.q = "交通";
  p = s_->list_organisations(q);
  ASSERT_EQ(p->items.size(), 1u);
  EXPECT_EQ(p->items[0].code, "MOTC");
  q.q = "tpc";  // case-insensitive on codes
  EXPECT_EQ(s_->list_organisations(q)->total, 1);

  OrgFilter page;
  page.limit = 2;
  page.offset = 2;
  p = s_->list_organisations(page);
  EXPECT_EQ(p->total, 4);
  ASSERT_EQ(p->items.size(), 2u);
  EXPECT_EQ(p->items[0].code, "OHS");
  EXPECT_EQ(p->items[1].code, "TPC");
}

// --- facilities ---------------------------------------------------------------------------

TEST_P(StorageConformance, FacilityRoundTripsEveryField) {
  Organisation tpc = must_create(org("TPC"));
  Organisation ea = must_create(org("MOEA-EA", OrgType::kCompetentAuthority));
  Facility f = fac("TPC-PS-TAICHUNG");
  f.name = "臺中發電廠";
  f.name_en = "Taichung Power Plant";
  f.type = "coal_power_plant";
  f.provider = tpc.id;
  f.authority = ea.id;
  f.county_code = "66000";
  f.address = "臺中市龍井區龍昌路1號";
  f.lat = 24.2136;
  f.lon = 120.4813;
  f.population = 2850000;
  f.loss_per_hour = 1.25e7;
  f.mtpd_hours = 4.5;
  f.cii = true;
  f.grade = 1;
  f.status = Lifecycle::kPlanned;
  Facility c = must_create(f);
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.created_at, kT0);

  for (auto got : {s_->get_facility(c.id), s_->find_facility_by_code("TPC-PS-TAICHUNG")}) {
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    EXPECT_EQ(got->id, c.id);
    EXPECT_EQ(got->code, f.code);
    EXPECT_EQ(got->name, f.name);
    EXPECT_EQ(got->name_en, f.name_en);
    EXPECT_EQ(got->sector, "energy");
    EXPECT_EQ(got->subsector, "electricity");
    EXPECT_EQ(got->type, "coal_power_plant");
    EXPECT_EQ(got->provider, tpc.id);
    EXPECT_EQ(got->authority, ea.id);
    EXPECT_EQ(got->county_code, "66000");
    EXPECT_EQ(got->address, f.address);
    EXPECT_EQ(got->lat, 24.2136);
    EXPECT_EQ(got->lon, 120.4813);
    EXPECT_EQ(got->population, 2850000);
    EXPECT_EQ(got->loss_per_hour, 1.25e7);
    EXPECT_EQ(got->mtpd_hours, 4.5);
    EXPECT_TRUE(got->cii);
    EXPECT_EQ(got->grade, 1);
    EXPECT_EQ(got->status, Lifecycle::kPlanned);
    EXPECT_EQ(got->updated_at, kT0);
  }

  // Optional fields go back to empty.
  Facility u = c;
  u.provider.reset();
  u.lat.reset();
  u.lon.reset();
  u.mtpd_hours.reset();
  u.grade.reset();
  u.cii = false;
  auto upd = s_->update_facility(u, 1, kT0 + 1h);
  ASSERT_TRUE(upd.is_ok()) << upd.status().to_string();
  EXPECT_EQ(upd->version, 2);
  EXPECT_EQ(upd->updated_at, kT0 + 1h);
  EXPECT_EQ(upd->created_at, kT0);
  EXPECT_FALSE(upd->provider.has_value());
  EXPECT_FALSE(upd->lat.has_value());
  EXPECT_FALSE(upd->mtpd_hours.has_value());
  EXPECT_FALSE(upd->grade.has_value());
  EXPECT_FALSE(upd->cii);
  EXPECT_EQ(upd->authority, ea.id);
}

TEST_P(StorageConformance, FacilityStaleUpdateFailsAndChangesNothing) {
  Facility f = must_create(fac("A"));
  Facility u = f;
  u.name = "first";
  ASSERT_TRUE(s_->update_facility(u, 1, kT0).is_ok());
  u.name = "second";
  auto stale = s_->update_facility(u, 1, kT0);
  EXPECT_EQ(stale.status().code(), Code::kPreconditionFailed);
  auto got = s_->get_facility(f.id);
  EXPECT_EQ(got->name, "first");
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(s_->delete_facility(f.id, 1).code(), Code::kPreconditionFailed);
  EXPECT_TRUE(s_->get_facility(f.id).is_ok());
}

TEST_P(StorageConformance, MissingFacilityIsNotFoundForEveryOperation) {
  FacilityId nope(424242);
  EXPECT_EQ(s_->get_facility(nope).status().code(), Code::kNotFound);
  EXPECT_EQ(s_->find_facility_by_code("nope").status().code(), Code::kNotFound);
  Facility f = fac("nope");
  f.id = nope;
  EXPECT_EQ(s_->update_facility(f, 1, kT0).status().code(), Code::kNotFound);
  EXPECT_EQ(s_->delete_facility(nope, 1).code(), Code::kNotFound);
  EXPECT_EQ(s_->get_dependency(DependencyId(7)).status().code(), Code::kNotFound);
  EXPECT_EQ(s_->get_core_function(CoreFunctionId(7)).status().code(), Code::kNotFound);
}

TEST_P(StorageConformance, FacilityWithDuplicateCodeIsAConflict) {
  must_create(fac("A"));
  Facility b = must_create(fac("B"));
  EXPECT_EQ(s_->create_facility(fac("A"), kT0).status().code(), Code::kConflict);
  b.code = "A";
  EXPECT_EQ(s_->update_facility(b, 1, kT0).status().code(), Code::kConflict);
  EXPECT_EQ(facility_count(), 2);
}

TEST_P(StorageConformance, FacilityWithUnknownOrganisationIsUnprocessable) {
  Facility f = fac("A");
  f.provider = OrgId(77);
  auto r = s_->create_facility(f, kT0);
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  ASSERT_EQ(r.status().errors().size(), 1u);
  EXPECT_EQ(r.status().errors()[0].pointer, "/provider");
  EXPECT_EQ(facility_count(), 0);
}

TEST_P(StorageConformance, FacilityThatSuppliesAnotherCannotBeDeletedButItsOwnDependenciesGoWithIt) {
  Facility plant = must_create(fac("PLANT"));
  Facility sub = must_create(fac("SUB"));
  Facility hosp = must_create(fac("HOSP", "emergency_hospital", "hospital"));
  Dependency d1 = must_create(sub.id, {plant.id});
  Dependency d2 = must_create(hosp.id, {sub.id}, 1, 72);
  CoreFunction cf;
  cf.facility = sub.id;
  cf.name = "transform 161 kV";
  ASSERT_TRUE(s_->create_core_function(cf, kT0).is_ok());

  EXPECT_EQ(s_->delete_facility(plant.id, 1).code(), Code::kConflict);
  EXPECT_EQ(s_->delete_facility(sub.id, 1).code(), Code::kConflict);  // supplies HOSP
  ASSERT_TRUE(s_->delete_dependency(d2.id, 1).is_ok());
  ASSERT_TRUE(s_->delete_facility(sub.id, 1).is_ok());
  EXPECT_EQ(s_->get_dependency(d1.id).status().code(), Code::kNotFound);
  EXPECT_TRUE(s_->list_dependencies_supplied_by(plant.id)->empty());
  EXPECT_TRUE(s_->list_core_functions(sub.id)->empty());
  EXPECT_TRUE(s_->delete_facility(plant.id, 1).is_ok());
}

// Twelve facilities with hand-chosen attributes; each filter's expected codes are written out.
TEST_P(StorageConformance, EveryFacilityFilterSelectsExactlyTheMatchingRows) {
  Organisation tpc = must_create(org("TPC"));
  Organisation cht = must_create(org("CHT"));
  Organisation ea = must_create(org("EA", OrgType::kCompetentAuthority));
  Organisation ncc = must_create(org("NCC", OrgType::kCompetentAuthority));
  struct Row {
    const char* code;
    const char* sector;
    const char* sub;
    const char* type;
    const char* county;
    std::optional<int> grade;
    OrgId provider, authority;
    bool cii;
  };
  const Row rows[] = {
      {"E1", "energy", "electricity", "power_plant", "63000", 1, tpc.id, ea.id, true},
      {"E2", "energy", "electricity", "substation", "65000", 2, tpc.id, ea.id, false},
      {"E3", "energy", "oil", "refinery", "64000", std::nullopt, OrgId(), ea.id, false},
      {"E4", "energy", "electricity", "substation", "63000", 3, tpc.id, OrgId(), true},
      {"C1", "communications", "telecom", "exchange", "63000", 1, cht.id, ncc.id, true},
      {"C2", "communications", "telecom", "mobile_core", "65000", std::nullopt, cht.id, ncc.id, true},
      {"C3", "communications", "broadcasting", "transmitter", "66000", 2, OrgId(), ncc.id, false},
      {"W1", "water", "water_supply", "treatment_plant", "65000", 2, OrgId(), OrgId(), false},
      {"W2", "water", "water_supply", "pumping_station", "63000", std::nullopt, OrgId(), OrgId(), false},
      {"W3", "water", "reservoir", "dam", "66000", 1, OrgId(), OrgId(), true},
      {"H1", "emergency_hospital", "hospital", "medical_centre", "63000", 1, OrgId(), OrgId(), false},
      {"H2", "emergency_hospital", "hospital", "regional_hospital", "64000", std::nullopt, OrgId(), OrgId(), false},
  };
  for (const Row& r : rows) {
    Facility f = fac(r.code, r.sector, r.sub);
    f.type = r.type;
    f.county_code = r.county;
    f.grade = r.grade;
    if (r.provider.valid()) f.provider = r.provider;
    if (r.authority.valid()) f.authority = r.authority;
    f.cii = r.cii;
    must_create(f);
  }
  using V = std::vector<std::string>;
  FacilityFilter f;
  f.sector = "energy";
  EXPECT_EQ(codes(f), (V{"E1", "E2", "E3", "E4"}));
  f = {};
  f.subsector = "telecom";
  EXPECT_EQ(codes(f), (V{"C1", "C2"}));
  f = {};
  f.county_code = "63000";
  EXPECT_EQ(codes(f), (V{"C1", "E1", "E4", "H1", "W2"}));
  f = {};
  f.type = "substation";
  EXPECT_EQ(codes(f), (V{"E2", "E4"}));
  f = {};
  f.grade = 1;
  EXPECT_EQ(codes(f), (V{"C1", "E1", "H1", "W3"}));
  f = {};
  f.ungraded = true;
  EXPECT_EQ(codes(f), (V{"C2", "E3", "H2", "W2"}));
  f.grade = 2;  // grade wins over ungraded
  EXPECT_EQ(codes(f), (V{"C3", "E2", "W1"}));
  f = {};
  f.provider = tpc.id;
  EXPECT_EQ(codes(f), (V{"E1", "E2", "E4"}));
  f = {};
  f.authority = ncc.id;
  EXPECT_EQ(codes(f), (V{"C1", "C2", "C3"}));
  f = {};
  f.cii = true;
  EXPECT_EQ(codes(f), (V{"C1", "C2", "E1", "E4", "W3"}));
  f.cii = false;
  EXPECT_EQ(codes(f), (V{"C3", "E2", "E3", "H1", "H2", "W1", "W2"}));
  // Filters combine with AND.
  f = {};
  f.sector = "energy";
  f.county_code = "63000";
  f.cii = true;
  EXPECT_EQ(codes(f), (V{"E1", "E4"}));
  f = {};
  EXPECT_EQ(codes(f).size(), 12u);
}

TEST_P(StorageConformance, FacilitySearchIsACaseInsensitiveSubstringOfCodeAndBothNames) {
  Facility a = fac("TPC-HSINTA");
  a.name = "興達發電廠";
  a.name_en = "Hsinta Power Plant";
  must_create(a);
  Facility b = fac("NTUH");
  b.name = "臺大醫院";
  b.name_en = "National Taiwan University Hospital";
  must_create(b);
  Facility c = fac("CGMH-LK");
  c.name = "林口長庚紀念醫院";
  c.name_en = "Linkou Chang Gung Memorial Hospital";
  must_create(c);
  Facility d = fac("X_1");
  d.name = "100% 備援";
  d.name_en = "Literal";
  must_create(d);

  using V = std::vector<std::string>;
  FacilityFilter f;
  f.q = "醫院";
  EXPECT_EQ(codes(f), (V{"CGMH-LK", "NTUH"}));
  f.q = "發電";
  EXPECT_EQ(codes(f), (V{"TPC-HSINTA"}));
  f.q = "hospital";
  EXPECT_EQ(codes(f), (V{"CGMH-LK", "NTUH"}));
  f.q = "tpc-";
  EXPECT_EQ(codes(f), (V{"TPC-HSINTA"}));
  f.q = "HSINTA power";
  EXPECT_EQ(codes(f), (V{"TPC-HSINTA"}));
  // LIKE wildcards in the query are literal characters.
  f.q = "%";
  EXPECT_EQ(codes(f), (V{"X_1"}));
  f.q = "_";
  EXPECT_EQ(codes(f), (V{"X_1"}));
  f.q = "nothing like this";
  EXPECT_TRUE(codes(f).empty());
}

TEST_P(StorageConformance, FacilityListSortsAndPagesWithTotal) {
  // population: F0=0, F1=300, F2=600, ... ; names in reverse order of codes.
  for (int i = 0; i < 7; ++i) {
    Facility f = fac("F" + std::to_string(i));
    f.population = (i * 300) % 1000;  // 0 300 600 900 200 500 800
    f.name_en = std::string(1, static_cast<char>('g' - i));  // g f e d c b a
    if (i % 2 == 0) f.grade = 3 - i / 3;                  // F0:3 F2:3 F4:2 F6:1
    must_create(f);
  }
  using V = std::vector<std::string>;
  FacilityFilter f;
  f.limit = 3;
  auto p = s_->list_facilities(f);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->total, 7);
  EXPECT_EQ(codes(f), (V{"F0", "F1", "F2"}));
  f.offset = 3;
  EXPECT_EQ(codes(f), (V{"F3", "F4", "F5"}));
  f.offset = 6;
  EXPECT_EQ(codes(f), (V{"F6"}));
  f.offset = 7;
  p = s_->list_facilities(f);
  EXPECT_TRUE(p->items.empty());
  EXPECT_EQ(p->total, 7);

  f = {};
  f.sort = "population";
  f.order = SortOrder::kDesc;
  EXPECT_EQ(codes(f), (V{"F3", "F6", "F2", "F5", "F1", "F4", "F0"}));
  f.sort = "name_en";
  f.order = SortOrder::kAsc;
  EXPECT_EQ(codes(f), (V{"F6", "F5", "F4", "F3", "F2", "F1", "F0"}));
  // Ties broken by code; NULL grades sort first ascending (SQL NULLS FIRST).
  f.sort = "grade";
  EXPECT_EQ(codes(f), (V{"F1", "F3", "F5", "F6", "F4", "F0", "F2"}));
}

TEST_P(StorageConformance, FacilityListRejectsBadLimitOffsetAndSort) {
  FacilityFilter f;
  f.limit = 0;
  EXPECT_EQ(s_->list_facilities(f).status().code(), Code::kInvalidArgument);
  f.limit = 1001;
  EXPECT_EQ(s_->list_facilities(f).status().code(), Code::kInvalidArgument);
  f.limit = 10;
  f.offset = -1;
  EXPECT_EQ(s_->list_facilities(f).status().code(), Code::kInvalidArgument);
  f.offset = 0;
  f.sort = "id; DROP TABLE facilities";
  EXPECT_EQ(s_->list_facilities(f).status().code(), Code::kInvalidArgument);
}

// --- core functions and dependencies -------------------------------------------------------

TEST_P(StorageConformance, CoreFunctionsAreCreatedListedUpdatedAndDeleted) {
  Facility h = must_create(fac("HOSP", "emergency_hospital", "hospital"));
  CoreFunction c;
  c.facility = h.id;
  c.name = "急診";
  c.description = "24 h emergency room";
  c.mtpd_hours = 2;
  c.continuity = "generator 72 h";
  auto made = s_->create_core_function(c, kT0);
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  EXPECT_EQ(made->version, 1);
  c.name = "加護病房";
  c.mtpd_hours.reset();
  ASSERT_TRUE(s_->create_core_function(c, kT0).is_ok());
  auto list = s_->list_core_functions(h.id);
  ASSERT_TRUE(list.is_ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "急診");
  EXPECT_EQ((*list)[0].mtpd_hours, 2);
  EXPECT_EQ((*list)[0].continuity, "generator 72 h");
  EXPECT_FALSE((*list)[1].mtpd_hours.has_value());

  CoreFunction u = made.value();
  u.description = "changed";
  auto upd = s_->update_core_function(u, 1, kT0 + 1s);
  ASSERT_TRUE(upd.is_ok());
  EXPECT_EQ(upd->version, 2);
  EXPECT_EQ(s_->update_core_function(u, 1, kT0).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(s_->delete_core_function(u.id, 1).code(), Code::kPreconditionFailed);
  EXPECT_TRUE(s_->delete_core_function(u.id, 2).is_ok());
  EXPECT_EQ(s_->delete_core_function(u.id, 2).code(), Code::kNotFound);
  c.facility = FacilityId(999);
  EXPECT_EQ(s_->create_core_function(c, kT0).status().code(), Code::kUnprocessable);
}

TEST_P(StorageConformance, DependencyKeepsSupplierOrderAndIsListedBothWays) {
  Facility a = must_create(fac("A")), b = must_create(fac("B")), c = must_create(fac("C"));
  Facility h = must_create(fac("H", "emergency_hospital", "hospital"));
  Dependency d = must_create(h.id, {c.id, a.id, b.id}, 2, 72.5);
  EXPECT_EQ(d.version, 1);
  EXPECT_EQ(d.suppliers, (std::vector<FacilityId>{c.id, a.id, b.id}));
  EXPECT_EQ(d.min_up, 2);
  EXPECT_EQ(d.backup_hours, 72.5);
  EXPECT_EQ(d.resource, "electricity");
  Dependency w = must_create(h.id, {b.id}, 1, 0, "water");

  auto of = s_->list_dependencies_of(h.id);
  ASSERT_TRUE(of.is_ok());
  ASSERT_EQ(of->size(), 2u);
  EXPECT_EQ((*of)[0].id, d.id);
  EXPECT_EQ((*of)[1].id, w.id);
  auto by_b = s_->list_dependencies_supplied_by(b.id);
  ASSERT_EQ(by_b->size(), 2u);
  auto by_a = s_->list_dependencies_supplied_by(a.id);
  ASSERT_EQ(by_a->size(), 1u);
  EXPECT_EQ((*by_a)[0].suppliers, (std::vector<FacilityId>{c.id, a.id, b.id}));
  EXPECT_TRUE(s_->list_dependencies_of(a.id)->empty());

  Dependency u = d;
  u.suppliers = {b.id, a.id};
  u.min_up = 1;
  u.backup_hours = 8;
  auto upd = s_->update_dependency(u, 1, kT0 + 1h);
  ASSERT_TRUE(upd.is_ok()) << upd.status().to_string();
  EXPECT_EQ(upd->version, 2);
  EXPECT_EQ(upd->suppliers, (std::vector<FacilityId>{b.id, a.id}));
  EXPECT_EQ(upd->updated_at, kT0 + 1h);
  EXPECT_TRUE(s_->list_dependencies_supplied_by(c.id)->empty());
  EXPECT_EQ(s_->update_dependency(u, 1, kT0).status().code(), Code::kPreconditionFailed);
  EXPECT_EQ(s_->delete_dependency(d.id, 1).code(), Code::kPreconditionFailed);
  EXPECT_TRUE(s_->delete_dependency(d.id, 2).is_ok());
  EXPECT_EQ(s_->get_dependency(d.id).status().code(), Code::kNotFound);
  EXPECT_EQ(s_->list_dependencies_supplied_by(a.id)->size(), 0u);
}

TEST_P(StorageConformance, DependencyOnUnknownFacilitiesIsUnprocessableAndWritesNothing) {
  Facility a = must_create(fac("A"));
  Dependency d;
  d.consumer = a.id;
  d.resource = "electricity";
  d.suppliers = {FacilityId(555), a.id};
  auto r = s_->create_dependency(d, kT0);
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  std::vector<std::string> where;
  const Status st = r.status();
  for (const auto& e : st.errors()) where.push_back(e.pointer);
  EXPECT_NE(std::find(where.begin(), where.end(), "/suppliers/0"), where.end());
  EXPECT_NE(std::find(where.begin(), where.end(), "/suppliers/1"), where.end());  // self-supply
  EXPECT_TRUE(s_->list_dependencies_of(a.id)->empty());
}

// --- transactions, revision, concurrency ---------------------------------------------------

TEST_P(StorageConformance, TransactRollbackLeavesNothingBehind) {
  const std::int64_t rev = revision();
  Status st = s_->transact([&]() -> Status {
    auto o = s_->create_organisation(org("TPC"), kT0);
    if (!o.is_ok()) return o.status();
    Facility f = fac("A");
    f.provider = o->id;
    auto c = s_->create_facility(f, kT0);
    if (!c.is_ok()) return c.status();
    return Status::conflict("changed my mind");
  });
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_EQ(s_->find_organisation_by_code("TPC").status().code(), Code::kNotFound);
  EXPECT_EQ(facility_count(), 0);
  EXPECT_EQ(revision(), rev);
  // The session is usable afterwards.
  must_create(fac("B"));
  EXPECT_EQ(facility_count(), 1);
}

TEST_P(StorageConformance, FailedCallInsideATransactionUndoesOnlyItselfAndNestedBeginIsAnError) {
  ASSERT_TRUE(s_->begin().is_ok());
  EXPECT_EQ(s_->begin().code(), Code::kInternal);
  ASSERT_TRUE(s_->create_facility(fac("A"), kT0).is_ok());
  EXPECT_EQ(s_->create_facility(fac("A"), kT0).status().code(), Code::kConflict);
  ASSERT_TRUE(s_->create_facility(fac("B"), kT0).is_ok());
  ASSERT_TRUE(s_->commit().is_ok());
  EXPECT_EQ(facility_count(), 2);
  EXPECT_EQ(s_->commit().code(), Code::kInternal);

  ASSERT_TRUE(s_->begin().is_ok());
  ASSERT_TRUE(s_->create_facility(fac("C"), kT0).is_ok());
  ASSERT_TRUE(s_->rollback().is_ok());
  EXPECT_EQ(facility_count(), 2);
}

TEST_P(StorageConformance, RegistryRevisionGrowsWithEveryRegistryMutation) {
  std::int64_t r = revision();
  auto grew = [&] {
    std::int64_t now = revision();
    bool ok = now > r;
    r = now;
    return ok;
  };
  Facility a = must_create(fac("A"));
  EXPECT_TRUE(grew());
  Facility b = must_create(fac("B"));
  EXPECT_TRUE(grew());
  a.name = "x";
  ASSERT_TRUE(s_->update_facility(a, 1, kT0).is_ok());
  EXPECT_TRUE(grew());
  Dependency d = must_create(a.id, {b.id});
  EXPECT_TRUE(grew());
  ASSERT_TRUE(s_->update_dependency(d, 1, kT0).is_ok());
  EXPECT_TRUE(grew());
  CoreFunction c;
  c.facility = a.id;
  c.name = "x";
  auto cf = s_->create_core_function(c, kT0);
  EXPECT_TRUE(grew());
  ASSERT_TRUE(s_->delete_core_function(cf->id, 1).is_ok());
  EXPECT_TRUE(grew());
  ASSERT_TRUE(s_->delete_dependency(d.id, 2).is_ok());
  EXPECT_TRUE(grew());
  ASSERT_TRUE(s_->delete_facility(b.id, 1).is_ok());
  EXPECT_TRUE(grew());
  NetworkSnapshot net;
  net.facilities = {fac("Z")};
  ASSERT_TRUE(s_->import_network(net, ImportMode::kMerge, kT0).is_ok());
  EXPECT_TRUE(grew());
  // Failed writes and reads do not count.
  EXPECT_FALSE(s_->create_facility(fac("Z"), kT0).is_ok());
  (void)s_->list_facilities({});
  EXPECT_FALSE(grew());
}

TEST_P(StorageConformance, TwoThreadsWithTheirOwnSessionsWriteConcurrently) {
  constexpr int kPerThread = 40;
  auto work = [&](int t, Status* out) {
    auto s = db_->session();
    if (!s.is_ok()) {
      *out = s.status();
      return;
    }
    for (int i = 0; i < kPerThread; ++i) {
      auto r = s.value()->create_facility(fac("T" + std::to_string(t) + "-" + std::to_string(i)), kT0);
      if (!r.is_ok()) {
        *out = r.status();
        return;
      }
      auto back = s.value()->get_facility(r->id);
      if (!back.is_ok()) {
        *out = back.status();
        return;
      }
    }
  };
  Status s0, s1;
  std::thread t0(work, 0, &s0), t1(work, 1, &s1);
  t0.join();
  t1.join();
  EXPECT_TRUE(s0.is_ok()) << s0.to_string();
  EXPECT_TRUE(s1.is_ok()) << s1.to_string();
  EXPECT_EQ(facility_count(), 2 * kPerThread);
  EXPECT_EQ(revision(), 2 * kPerThread);
}

// Many writers on one database at once, in every form a write takes (a call on its own, a
// transaction of several calls, an autocommit statement through execute), with a reader
// alongside: every write lands and none is refused as busy (SQLite: the writers queue on the
// in-process gate, storage/sqlite/sqlite_write_gate.h).
TEST_P(StorageConformance, ManyThreadsWritingAtOnceAllLandAndNoneIsRefusedAsBusy) {
  constexpr int kThreads = 8, kRounds = 15;
  std::atomic<bool> writing{true};
  auto work = [&](int t, Status* out) {
    auto s = db_->session();
    if (!s.is_ok()) {
      *out = s.status();
      return;
    }
    Session& ss = **s;
    for (int i = 0; i < kRounds && out->is_ok(); ++i) {
      const std::string code = "W" + std::to_string(t) + "-" + std::to_string(i);
      auto one = ss.create_facility(fac(code), kT0);  // a write on its own
      if (!one.is_ok()) {
        *out = one.status();
        break;
      }
      *out = ss.transact([&]() -> Status {  // a transaction of three writes
        CIPMS_RETURN_IF_ERROR(ss.create_facility(fac(code + "a"), kT0).status());
        CIPMS_ASSIGN_OR_RETURN(Facility f, ss.get_facility(one->id));
        f.population = 1;
        CIPMS_RETURN_IF_ERROR(ss.update_facility(f, f.version, kT0).status());
        return ss.create_facility(fac(code + "b"), kT0).status();
      });
      if (!out->is_ok()) break;
      // An autocommit statement that writes.
      auto n = ss.execute("UPDATE facilities SET population = population + 10 WHERE code = ?", {code});
      if (!n.is_ok()) *out = n.status();
      else if (*n != 1) *out = Status::internal("execute changed " + std::to_string(*n) + " rows");
    }
  };
  Status reader_status;
  std::thread reader([&] {
    auto s = db_->session();
    if (!s.is_ok()) {
      reader_status = s.status();
      return;
    }
    while (writing.load() && reader_status.is_ok()) {
      auto page = (*s)->list_facilities({});
      if (!page.is_ok()) reader_status = page.status();
    }
  });
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(work, t, &results[t]);
  for (auto& th : threads) th.join();
  writing = false;
  reader.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_TRUE(results[t].is_ok()) << "writer " << t << ": " << results[t].to_string();
  EXPECT_TRUE(reader_status.is_ok()) << reader_status.to_string();
  EXPECT_EQ(facility_count(), kThreads * kRounds * 3);
  // Per round: three creates and one update through the store API (execute is not counted).
  EXPECT_EQ(revision(), kThreads * kRounds * 4);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kRounds; ++i) {
      auto f = s_->find_facility_by_code("W" + std::to_string(t) + "-" + std::to_string(i));
      ASSERT_TRUE(f.is_ok()) << f.status().to_string();
      EXPECT_EQ(f->population, 11) << f->code;
      EXPECT_EQ(f->version, 2) << f->code;
    }
}

// --- network import / load ------------------------------------------------------------------

NetworkSnapshot::Dep dep(const std::string& consumer, std::vector<std::string> suppliers,
                         int min_up = 1, double backup = 0, const std::string& res = "electricity") {
  NetworkSnapshot::Dep d;
  d.consumer = consumer;
  d.resource = res;
  d.suppliers = std::move(suppliers);
  d.min_up = min_up;
  d.backup_hours = backup;
  return d;
}

TEST_P(StorageConformance, LoadNetworkReturnsWhatWasImportedSortedAsDocumented) {
  must_create(org("TPC"));
  must_create(org("EA", OrgType::kCompetentAuthority));
  NetworkSnapshot net;
  Facility p = fac("PLANT");
  p.lat = 24.5;
  p.lon = 120.5;
  p.grade = 1;
  p.population = 1000;
  p.mtpd_hours = 3;
  net.facilities = {fac("SUB-2"), p, fac("HOSP", "emergency_hospital", "hospital"), fac("SUB-1")};
  net.provider_codes = {"TPC", "TPC", "", "TPC"};
  net.authority_codes = {"EA", "", "", "EA"};
  net.dependencies = {dep("SUB-2", {"PLANT"}), dep("HOSP", {"SUB-2", "SUB-1"}, 1, 72),
                      dep("HOSP", {"SUB-1"}, 1, 0, "water"), dep("SUB-1", {"PLANT"})};
  auto counts = s_->import_network(net, ImportMode::kReplace, kT0);
  ASSERT_TRUE(counts.is_ok()) << counts.status().to_string();
  EXPECT_EQ(counts->facilities_created, 4);
  EXPECT_EQ(counts->facilities_updated, 0);
  EXPECT_EQ(counts->dependencies_written, 4);

  auto back = s_->load_network();
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  std::vector<std::string> fcodes;
  for (const auto& f : back->facilities) fcodes.push_back(f.code);
  EXPECT_EQ(fcodes, (std::vector<std::string>{"HOSP", "PLANT", "SUB-1", "SUB-2"}));
  EXPECT_EQ(back->provider_codes, (std::vector<std::string>{"", "TPC", "TPC", "TPC"}));
  EXPECT_EQ(back->authority_codes, (std::vector<std::string>{"", "", "EA", "EA"}));
  const Facility& plant = back->facilities[1];
  EXPECT_EQ(plant.lat, 24.5);
  EXPECT_EQ(plant.grade, 1);
  EXPECT_EQ(plant.population, 1000);
  EXPECT_EQ(plant.mtpd_hours, 3);
  EXPECT_EQ(plant.version, 1);
  EXPECT_EQ(plant.name, "設施 PLANT");
  ASSERT_EQ(back->dependencies.size(), 4u);
  // By consumer code, then in the order written (id).
  EXPECT_EQ(back->dependencies[0].consumer, "HOSP");
  EXPECT_EQ(back->dependencies[0].suppliers, (std::vector<std::string>{"SUB-2", "SUB-1"}));
  EXPECT_EQ(back->dependencies[0].backup_hours, 72);
  EXPECT_EQ(back->dependencies[1].consumer, "HOSP");
  EXPECT_EQ(back->dependencies[1].resource, "water");
  EXPECT_EQ(back->dependencies[2].consumer, "SUB-1");
  EXPECT_EQ(back->dependencies[3].consumer, "SUB-2");
  EXPECT_EQ(back->dependencies[3].suppliers, std::vector<std::string>{"PLANT"});

  // The imported rows are ordinary registry rows.
  auto h = s_->find_facility_by_code("HOSP");
  ASSERT_TRUE(h.is_ok());
  EXPECT_EQ(s_->list_dependencies_of(h->id)->size(), 2u);
  auto sub1 = s_->find_facility_by_code("SUB-1");
  EXPECT_EQ(s_->delete_facility(sub1->id, 1).code(), Code::kConflict);

  // Re-importing what was loaded gives the same network back (ids and versions aside).
  ASSERT_TRUE(s_->import_network(back.value(), ImportMode::kReplace, kT0 + 1h).is_ok());
  auto again = s_->load_network();
  ASSERT_TRUE(again.is_ok());
  ASSERT_EQ(again->facilities.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(again->facilities[i].code, fcodes[i]);
  EXPECT_EQ(again->provider_codes, back->provider_codes);
  ASSERT_EQ(again->dependencies.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(again->dependencies[i].consumer, back->dependencies[i].consumer);
    EXPECT_EQ(again->dependencies[i].suppliers, back->dependencies[i].suppliers);
    EXPECT_EQ(again->dependencies[i].min_up, back->dependencies[i].min_up);
  }
}

TEST_P(StorageConformance, ImportReplaceRemovesTheOldRegistryButKeepsOrganisations) {
  must_create(org("TPC"));
  Facility old = must_create(fac("OLD"));
  Facility old2 = must_create(fac("OLD2"));
  must_create(old.id, {old2.id});
  CoreFunction c;
  c.facility = old.id;
  c.name = "x";
  ASSERT_TRUE(s_->create_core_function(c, kT0).is_ok());

  NetworkSnapshot net;
  net.facilities = {fac("NEW"), fac("OLD2")};
  net.provider_codes = {"TPC", ""};
  net.authority_codes = {"", ""};
  auto r = s_->import_network(net, ImportMode::kReplace, kT0);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->facilities_created, 2);
  EXPECT_EQ(facility_count(), 2);
  EXPECT_EQ(s_->find_facility_by_code("OLD").status().code(), Code::kNotFound);
  EXPECT_TRUE(s_->find_organisation_by_code("TPC").is_ok());
  EXPECT_TRUE(s_->load_network()->dependencies.empty());
  EXPECT_TRUE(s_->list_core_functions(old.id)->empty());
  // Indexes were rebuilt: a duplicate code is still refused.
  EXPECT_EQ(s_->create_facility(fac("NEW"), kT0).status().code(), Code::kConflict);
}

TEST_P(StorageConformance, ImportMergeUpsertsByCodeAndReplacesDependenciesOfImportedConsumers) {
  Facility plant = must_create(fac("PLANT"));
  Facility sub = must_create(fac("SUB"));
  Facility keep = must_create(fac("KEEP"));
  must_create(sub.id, {plant.id});
  must_create(keep.id, {plant.id});
  CoreFunction c;
  c.facility = sub.id;
  c.name = "kept";
  ASSERT_TRUE(s_->create_core_function(c, kT0).is_ok());

  NetworkSnapshot net;
  Facility sub2 = fac("SUB");
  sub2.name = "renamed";
  net.facilities = {sub2, fac("PLANT-2")};
  net.dependencies = {dep("SUB", {"PLANT-2", "PLANT"}, 2)};
  auto r = s_->import_network(net, ImportMode::kMerge, kT0 + 1h);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->facilities_created, 1);
  EXPECT_EQ(r->facilities_updated, 1);
  EXPECT_EQ(r->dependencies_written, 1);

  auto s = s_->find_facility_by_code("SUB");
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(s->id, sub.id);  // same row, updated
  EXPECT_EQ(s->name, "renamed");
  EXPECT_EQ(s->version, 2);
  EXPECT_EQ(s->updated_at, kT0 + 1h);
  EXPECT_EQ(s->created_at, kT0);
  EXPECT_EQ(facility_count(), 4);
  auto deps = s_->list_dependencies_of(sub.id);
  ASSERT_EQ(deps->size(), 1u);
  EXPECT_EQ((*deps)[0].min_up, 2);
  ASSERT_EQ((*deps)[0].suppliers.size(), 2u);
  EXPECT_EQ((*deps)[0].suppliers[1], plant.id);
  EXPECT_EQ(s_->list_dependencies_of(keep.id)->size(), 1u);  // not imported: untouched
  EXPECT_EQ(s_->list_core_functions(sub.id)->size(), 1u);
}

TEST_P(StorageConformance, ImportWithUnknownOrganisationOrFacilityWritesNothing) {
  must_create(org("TPC"));
  Facility a = must_create(fac("A"));
  const std::int64_t rev = revision();

  NetworkSnapshot net;
  for (int i = 0; i < 50; ++i) net.facilities.push_back(fac("N" + std::to_string(i)));
  net.provider_codes.assign(50, "TPC");
  net.authority_codes.assign(50, "");
  net.provider_codes[37] = "NO-SUCH-ORG";
  net.dependencies = {dep("N1", {"N0"})};
  for (ImportMode mode : {ImportMode::kMerge, ImportMode::kReplace}) {
    auto r = s_->import_network(net, mode, kT0);
    EXPECT_EQ(r.status().code(), Code::kUnprocessable);
    ASSERT_EQ(r.status().errors().size(), 1u);
    EXPECT_EQ(r.status().errors()[0].pointer, "/facilities/37/provider");
    EXPECT_NE(r.status().errors()[0].message.find("N37"), std::string::npos);
    EXPECT_EQ(facility_count(), 1);
    EXPECT_TRUE(s_->get_facility(a.id).is_ok());
    EXPECT_EQ(revision(), rev);
  }

  net.provider_codes[37] = "TPC";
  net.dependencies.push_back(dep("N2", {"N0", "GHOST"}));
  auto r = s_->import_network(net, ImportMode::kReplace, kT0);
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  ASSERT_EQ(r.status().errors().size(), 1u);
  EXPECT_EQ(r.status().errors()[0].pointer, "/dependencies/1/suppliers/1");
  EXPECT_EQ(facility_count(), 1);
  EXPECT_TRUE(s_->get_facility(a.id).is_ok());

  // Inside a caller's transaction the failed import is undone and earlier work kept.
  ASSERT_TRUE(s_->begin().is_ok());
  must_create(fac("B"));
  EXPECT_FALSE(s_->import_network(net, ImportMode::kReplace, kT0).is_ok());
  ASSERT_TRUE(s_->commit().is_ok());
  EXPECT_EQ(facility_count(), 2);
}

TEST_P(StorageConformance, ImportOfDuplicateFacilityCodesIsRejected) {
  NetworkSnapshot net;
  net.facilities = {fac("A"), fac("B"), fac("A")};
  auto r = s_->import_network(net, ImportMode::kReplace, kT0);
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  ASSERT_EQ(r.status().errors().size(), 1u);
  EXPECT_EQ(r.status().errors()[0].pointer, "/facilities/2/id");
  EXPECT_EQ(facility_count(), 0);
}

TEST_P(StorageConformance, RandomNetworkRoundTripsThroughImportAndLoadInDocumentedOrder) {
  must_create(org("P0"));
  must_create(org("P1"));
  std::mt19937 rng(7);
  NetworkSnapshot net;
  const int n = 400;
  for (int i = 0; i < n; ++i) {
    // Codes deliberately not in sorted order of creation.
    Facility f = fac("R" + std::to_string((i * 7919) % n));
    f.population = static_cast<std::int64_t>(rng() % 100000);
    if (rng() % 2) f.lat = 22.0 + (rng() % 1000) / 1000.0, f.lon = 120.0 + (rng() % 1000) / 1000.0;
    if (rng() % 3 == 0) f.grade = 1 + static_cast<int>(rng() % 3);
    net.facilities.push_back(f);
    net.provider_codes.push_back(rng() % 3 == 0 ? "" : "P" + std::to_string(rng() % 2));
    net.authority_codes.push_back("");
  }
  for (int j = 0; j < 900; ++j) {  // cycles and k-of-n included
    std::vector<std::string> sup;
    const std::string consumer = net.facilities[rng() % n].code;
    const int want = 1 + static_cast<int>(rng() % 4);
    while (static_cast<int>(sup.size()) < want) {
      std::string s = net.facilities[rng() % n].code;
      if (s != consumer && std::find(sup.begin(), sup.end(), s) == sup.end()) sup.push_back(s);
    }
    const int k = 1 + static_cast<int>(rng() % sup.size());
    net.dependencies.push_back(dep(consumer, sup, k, (rng() % 4) * 12.0, j % 2 ? "water" : "electricity"));
  }
  auto r = s_->import_network(net, ImportMode::kReplace, kT0);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->facilities_created, n);
  EXPECT_EQ(r->dependencies_written, 900);

  // Expected order, computed independently: facilities by code; dependencies by consumer code,
  // keeping the snapshot's order within one consumer.
  std::map<std::string, std::size_t> by_code;
  for (std::size_t i = 0; i < net.facilities.size(); ++i) by_code[net.facilities[i].code] = i;
  std::vector<NetworkSnapshot::Dep> want_deps = net.dependencies;
  std::stable_sort(want_deps.begin(), want_deps.end(),
                   [](const auto& a, const auto& b) { return a.consumer < b.consumer; });

  auto back = s_->load_network();
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  ASSERT_EQ(back->facilities.size(), by_code.size());
  std::size_t pos = 0;
  for (const auto& [code, i] : by_code) {
    const Facility& got = back->facilities[pos];
    const Facility& want = net.facilities[i];
    EXPECT_EQ(got.code, code);
    EXPECT_EQ(got.population, want.population);
    EXPECT_EQ(got.lat, want.lat);
    EXPECT_EQ(got.grade, want.grade);
    EXPECT_EQ(back->provider_codes[pos], net.provider_codes[i]);
    ++pos;
  }
  ASSERT_EQ(back->dependencies.size(), want_deps.size());
  for (std::size_t j = 0; j < want_deps.size(); ++j) {
    EXPECT_EQ(back->dependencies[j].consumer, want_deps[j].consumer) << j;
    EXPECT_EQ(back->dependencies[j].suppliers, want_deps[j].suppliers) << j;
    EXPECT_EQ(back->dependencies[j].min_up, want_deps[j].min_up) << j;
    EXPECT_EQ(back->dependencies[j].backup_hours, want_deps[j].backup_hours) << j;
    EXPECT_EQ(back->dependencies[j].resource, want_deps[j].resource) << j;
  }
  // Downstream look-ups agree with the snapshot: count the dependencies each facility supplies.
  std::map<std::string, std::size_t> supplies;
  for (const auto& d : net.dependencies)
    for (const auto& s : d.suppliers) ++supplies[s];
  for (const std::string code : {"R0", "R1", "R123", "R399"}) {
    auto f = s_->find_facility_by_code(code);
    ASSERT_TRUE(f.is_ok());
    EXPECT_EQ(s_->list_dependencies_supplied_by(f->id)->size(), supplies[code]) << code;
  }
}

TEST_P(StorageConformance, EmptyRegistryLoadsAsAnEmptyNetwork) {
  auto net = s_->load_network();
  ASSERT_TRUE(net.is_ok()) << net.status().to_string();
  EXPECT_TRUE(net->facilities.empty());
  EXPECT_TRUE(net->dependencies.empty());
}

TEST_P(StorageConformance, MergeImportNamingOneRegistryFacilityTwiceIsRejected) {
  must_create(fac("A"));
  NetworkSnapshot net;
  net.facilities = {fac("A"), fac("B"), fac("A")};
  auto r = s_->import_network(net, ImportMode::kMerge, kT0);
  EXPECT_EQ(r.status().code(), Code::kUnprocessable);
  ASSERT_EQ(r.status().errors().size(), 1u);
  EXPECT_EQ(r.status().errors()[0].pointer, "/facilities/2/id");
  EXPECT_EQ(facility_count(), 1);
}

// --- classification and access (R-9) --------------------------------------------------------

Classification marking(ClassLevel level, const std::string& reason) {
  Classification c;
  c.level = level;
  c.reason = reason;
  c.classified_by = "alice (OHS)";
  c.classified_on = "2026-11-25";
  c.declassify_on = "2036-11-25";
  c.declassify_condition = "when the plant is decommissioned";
  return c;
}

void expect_same(const Classification& got, const Classification& want) {
  EXPECT_EQ(got.level, want.level);
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(got.classified_by, want.classified_by);
  EXPECT_EQ(got.classified_on, want.classified_on);
  EXPECT_EQ(got.declassify_on, want.declassify_on);
  EXPECT_EQ(got.declassify_condition, want.declassify_condition);
}

TEST_P(StorageConformance, FacilityClassificationRoundTripsThroughCreateUpdateGetListAndLoad) {
  // Unclassified by default: 一般, no marking.
  Facility plain = must_create(fac("PLAIN"));
  expect_same(plain.classification, Classification{});

  Facility f = fac("SECRET-PLANT");
  f.classification = marking(ClassLevel::kSecret, "国防 相關 (Art. 2)");
  Facility c = must_create(f);
  expect_same(c.classification, f.classification);
  for (auto got : {s_->get_facility(c.id), s_->find_facility_by_code("SECRET-PLANT")}) {
    ASSERT_TRUE(got.is_ok()) << got.status().to_string();
    expect_same(got->classification, f.classification);
  }
  FacilityFilter all;
  auto page = s_->list_facilities(all);
  ASSERT_TRUE(page.is_ok()) << page.status().to_string();
  ASSERT_EQ(page->items.size(), 2u);
  expect_same(page->items[0].classification, Classification{});  // PLAIN
  expect_same(page->items[1].classification, f.classification);

  // Every column is written by an update, including back to NULL / empty.
  Facility u = c;
  u.classification.level = ClassLevel::kOfficial;
  u.classification.reason = "公務機密";
  u.classification.classified_by = "bob (MOEA-EA)";
  u.classification.classified_on = "2026-12-01";
  u.classification.declassify_on.reset();
  u.classification.declassify_condition = "";
  auto upd = s_->update_facility(u, 1, kT0 + 1h);
  ASSERT_TRUE(upd.is_ok()) << upd.status().to_string();
  expect_same(upd->classification, u.classification);
  auto again = s_->get_facility(c.id);
  ASSERT_TRUE(again.is_ok());
  expect_same(again->classification, u.classification);
  EXPECT_EQ(again->version, 2);

  // Every level maps to and from the stored integer.
  for (ClassLevel l : {ClassLevel::kGeneral, ClassLevel::kOfficial, ClassLevel::kConfidential,
                       ClassLevel::kSecret, ClassLevel::kTopSecret}) {
    Facility x = *again;
    x.classification.level = l;
    auto r = s_->update_facility(x, again->version, kT0 + 2h);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(s_->get_facility(c.id)->classification.level, l);
    again = s_->get_facility(c.id);
  }

  // The whole-network read carries it too.
  auto net = s_->load_network();
  ASSERT_TRUE(net.is_ok()) << net.status().to_string();
  ASSERT_EQ(net->facilities.size(), 2u);
  EXPECT_EQ(net->facilities[1].code, "SECRET-PLANT");
  EXPECT_EQ(net->facilities[1].classification.level, ClassLevel::kTopSecret);
  EXPECT_EQ(net->facilities[1].classification.reason, "公務機密");
  EXPECT_EQ(net->facilities[1].classification.classified_on, "2026-12-01");
  EXPECT_FALSE(net->facilities[1].classification.declassify_on.has_value());
  expect_same(net->facilities[0].classification, Classification{});
}

TEST_P(StorageConformance, FacilityClassificationFilterSelectsExactlyThatLevel) {
  const std::pair<const char*, ClassLevel> rows[] = {
      {"A", ClassLevel::kGeneral}, {"B", ClassLevel::kOfficial}, {"C", ClassLevel::kConfidential},
      {"D", ClassLevel::kSecret},  {"E", ClassLevel::kSecret},   {"F", ClassLevel::kTopSecret}};
  for (const auto& [code, level] : rows) {
    Facility f = fac(code);
    f.classification = marking(level, "r");
    must_create(f);
  }
  using V = std::vector<std::string>;
  FacilityFilter f;
  f.classification = 3;
  EXPECT_EQ(codes(f), (V{"D", "E"}));
  auto p = s_->list_facilities(f);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->total, 2);
  f.classification = 0;
  EXPECT_EQ(codes(f), (V{"A"}));
  f.classification = 4;
  f.sector = "energy";
  EXPECT_EQ(codes(f), (V{"F"}));
  f.sector = "water";
  EXPECT_TRUE(codes(f).empty());
}

TEST_P(StorageConformance, AccessFilterShowsOnlyReadableFacilitiesAndCountsOnlyThose) {
  Organisation tpc = must_create(org("TPC"));
  Organisation cht = must_create(org("CHT"));
  Organisation ea = must_create(org("EA", OrgType::kCompetentAuthority));
  Organisation ncc = must_create(org("NCC", OrgType::kCompetentAuthority));
  struct Row {
    const char* code;
    const char* sector;
    const char* sub;
    OrgId provider, authority;
    ClassLevel level;
  };
  const Row rows[] = {
      {"E1", "energy", "electricity", tpc.id, ea.id, ClassLevel::kGeneral},
      {"E2", "energy", "electricity", tpc.id, ea.id, ClassLevel::kOfficial},
      {"E3", "energy", "oil", OrgId(), ea.id, ClassLevel::kConfidential},
      {"E4", "energy", "electricity", tpc.id, OrgId(), ClassLevel::kSecret},
      {"C1", "communications", "telecom", cht.id, ncc.id, ClassLevel::kGeneral},
      {"C2", "communications", "broadcasting", OrgId(), ncc.id, ClassLevel::kTopSecret},
      {"W1", "water", "water_supply", OrgId(), OrgId(), ClassLevel::kGeneral},
      {"W2", "water", "water_supply", OrgId(), OrgId(), ClassLevel::kConfidential},
  };
  std::map<std::string, FacilityId> id;
  for (const Row& r : rows) {
    Facility f = fac(r.code, r.sector, r.sub);
    if (r.provider.valid()) f.provider = r.provider;
    if (r.authority.valid()) f.authority = r.authority;
    f.classification = marking(r.level, "reason");
    id[r.code] = must_create(f).id;
  }
  // Two users (grants need a users row).
  auto add_user = [&](const std::string& name) -> std::int64_t {
    auto r = s_->query(
        "INSERT INTO users (username, display_name, org_id, role, clearance, password_hash, "
        "version, created_at, updated_at) VALUES (?, ?, ?, 'ohs_officer', 4, 'x', 1, ?, ?) "
        "RETURNING id",
        {name, name, static_cast<std::int64_t>(tpc.id.value), format_utc(kT0), format_utc(kT0)});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() && r->size() == 1 ? (*r)[0].i64(0) : 0;
  };
  const std::int64_t alice = add_user("alice"), bob = add_user("bob");
  ASSERT_GT(alice, 0);
  ASSERT_GT(bob, 0);
  auto grant = [&](std::int64_t user, const std::string& code, SqlValue expires) {
    auto r = s_->execute(
        "INSERT INTO need_to_know (user_id, record_kind, record_id, reason, granted_by, created_at, "
        "expires_at) VALUES (?, 'facility', ?, 'investigation', 'ohs (OHS)', ?, ?)",
        {user, static_cast<std::int64_t>(id.at(code).value), format_utc(kT0), std::move(expires)});
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r.value(), 1);
  };

  // Codes visible through `a` (plus optional filters); `total` must equal what is visible, also
  // when the page is shorter than the result.
  using V = std::vector<std::string>;
  auto visible = [&](const AccessFilter& a, FacilityFilter f = {}) {
    f.access = a;
    f.limit = 1000;
    auto p = s_->list_facilities(f);
    EXPECT_TRUE(p.is_ok()) << p.status().to_string();
    V out;
    if (!p.is_ok()) return out;
    for (const auto& x : p->items) out.push_back(x.code);
    EXPECT_EQ(p->total, static_cast<std::int64_t>(out.size()));
    f.limit = 1;
    auto one = s_->list_facilities(f);
    EXPECT_TRUE(one.is_ok());
    if (one.is_ok()) {
      EXPECT_EQ(one->total, static_cast<std::int64_t>(out.size())) << "count leaks";
    }
    return out;
  };

  // Scope alone (clearance and grants out of the way).
  AccessFilter scope;
  scope.grants_bypass = true;
  scope.max_level = 4;
  {
    AccessFilter a = scope;
    a.all = true;
    EXPECT_EQ(visible(a).size(), 8u);
    a = scope;  // all empty, all = false: nothing at all
    EXPECT_EQ(visible(a), V{});
    a.provider_ids = {tpc.id.value};  // provider: its own facilities
    EXPECT_EQ(visible(a), (V{"E1", "E2", "E4"}));
    a = scope;  // competent authority by authority_id
    a.authority_ids = {ea.id.value};
    EXPECT_EQ(visible(a), (V{"E1", "E2", "E3"}));
    a = scope;  // competent authority by the sub-sectors it governs
    a.subsectors = {"telecom", "water_supply"};
    EXPECT_EQ(visible(a), (V{"C1", "W1", "W2"}));
    a.authority_ids = {ncc.id.value};  // either matches (OR)
    a.subsectors = {"oil"};
    EXPECT_EQ(visible(a), (V{"C1", "C2", "E3"}));
    a = scope;  // coordinating agency by sector
    a.sectors = {"water", "communications"};
    EXPECT_EQ(visible(a), (V{"C1", "C2", "W1", "W2"}));
    a.provider_ids = {tpc.id.value, cht.id.value};
    EXPECT_EQ(visible(a), (V{"C1", "C2", "E1", "E2", "E4", "W1", "W2"}));
    // Scope AND the ordinary filters.
    FacilityFilter f;
    f.sector = "water";
    EXPECT_EQ(visible(a, f), (V{"W1", "W2"}));
    f = {};
    f.classification = 2;
    EXPECT_EQ(visible(a, f), (V{"W2"}));
    // Values are bound, never spliced into the SQL.
    a = scope;
    a.sectors = {"energy' OR '1'='1", "x) OR (1=1"};
    EXPECT_EQ(visible(a), V{});
  }

  // Clearance: nothing above max_level, whatever the scope.
  {
    AccessFilter a = scope;
    a.all = true;
    a.max_level = 1;
    EXPECT_EQ(visible(a), (V{"C1", "E1", "E2", "W1"}));
    a.max_level = 0;
    EXPECT_EQ(visible(a), (V{"C1", "E1", "W1"}));
    a.max_level = -1;
    EXPECT_EQ(visible(a), V{});
    a = scope;
    a.provider_ids = {tpc.id.value};
    a.max_level = 2;
    EXPECT_EQ(visible(a), (V{"E1", "E2"}));
  }

  // Need-to-know: levels >= 2 only with an unexpired grant of this user.
  AccessFilter g;
  g.all = true;
  g.max_level = 4;
  g.grant_user = alice;
  g.now = "2026-11-25T10:00:00Z";
  EXPECT_EQ(visible(g), (V{"C1", "E1", "E2", "W1"}));
  grant(alice, "E3", sql_null());                             // no expiry
  grant(alice, "C2", std::string("2026-11-25T10:00:01Z"));   // expires a second from now
  grant(alice, "W2", std::string("2026-11-25T10:00:00Z"));   // expired just now
  grant(bob, "E4", sql_null());                               // someone else's
  grant(alice, "E1", sql_null());                             // harmless below level 2
  EXPECT_EQ(visible(g), (V{"C1", "C2", "E1", "E2", "E3", "W1"}));
  {
    AccessFilter later = g;  // C2's grant has run out by then
    later.now = "2026-11-25T10:00:01Z";
    EXPECT_EQ(visible(later), (V{"C1", "E1", "E2", "E3", "W1"}));
    AccessFilter b = g;
    b.grant_user = bob;
    EXPECT_EQ(visible(b), (V{"C1", "E1", "E2", "E4", "W1"}));
    // A grant does not lift clearance...
    AccessFilter low = g;
    low.max_level = 2;
    EXPECT_EQ(visible(low), (V{"C1", "E1", "E2", "E3", "W1"}));
    // ...nor scope.
    AccessFilter prov = g;
    prov.all = false;
    prov.authority_ids = {ncc.id.value};
    EXPECT_EQ(visible(prov), (V{"C1", "C2"}));
    FacilityFilter f;
    f.classification = 2;
    EXPECT_EQ(visible(g, f), (V{"E3"}));
  }
  // grants_bypass (the system actor): every level within clearance, no grant needed.
  {
    AccessFilter sys = g;
    sys.grants_bypass = true;
    EXPECT_EQ(visible(sys).size(), 8u);
    sys.grant_user = 0;
    EXPECT_EQ(visible(sys).size(), 8u);
  }
  // Without an injected time the system clock decides.
  {
    ASSERT_TRUE(s_->execute("UPDATE need_to_know SET expires_at = ? WHERE record_id = ?",
                            {std::string("9999-12-31T23:59:59Z"), static_cast<std::int64_t>(id.at("W2").value)})
                    .is_ok());
    ASSERT_TRUE(s_->execute("UPDATE need_to_know SET expires_at = ? WHERE record_id = ?",
                            {std::string("2001-01-01T00:00:00Z"), static_cast<std::int64_t>(id.at("E3").value)})
                    .is_ok());
    ASSERT_TRUE(s_->execute("UPDATE need_to_know SET expires_at = ? WHERE record_id = ?",
                            {std::string("2001-01-01T00:00:00Z"), static_cast<std::int64_t>(id.at("C2").value)})
                    .is_ok());
    AccessFilter a = g;
    a.now.clear();
    EXPECT_EQ(visible(a), (V{"C1", "E1", "E2", "W1", "W2"}));
  }
  // Pages and totals agree with what is visible.
  {
    FacilityFilter f;
    f.access = g;
    f.limit = 2;
    f.offset = 2;
    auto p = s_->list_facilities(f);
    ASSERT_TRUE(p.is_ok()) << p.status().to_string();
    EXPECT_EQ(p->total, 5);  // C1 E1 E2 W1 W2
    ASSERT_EQ(p->items.size(), 2u);
    EXPECT_EQ(p->items[0].code, "E2");
    EXPECT_EQ(p->items[1].code, "W1");
  }
}

TEST_P(StorageConformance, ImportKeepsTheClassificationOfMergedFacilitiesAndDefaultsNewOnes) {
  must_create(org("TPC"));
  Facility f = fac("SUB");
  f.classification = marking(ClassLevel::kSecret, "國防");
  Facility sub = must_create(f);
  Facility g = fac("OTHER");
  g.classification = marking(ClassLevel::kOfficial, "公務");
  must_create(g);

  NetworkSnapshot net;
  Facility s2 = fac("SUB");
  s2.name = "renamed";
  // A snapshot's own classification is not written (network files carry none).
  s2.classification = marking(ClassLevel::kGeneral, "ignored");
  s2.classification.classified_by = "mallory";
  net.facilities = {s2, fac("NEW")};
  net.provider_codes = {"TPC", ""};
  net.authority_codes = {"", ""};
  net.dependencies = {dep("SUB", {"NEW"})};
  auto r = s_->import_network(net, ImportMode::kMerge, kT0 + 1h);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->facilities_created, 1);
  EXPECT_EQ(r->facilities_updated, 1);

  auto got = s_->find_facility_by_code("SUB");
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->name, "renamed");
  EXPECT_EQ(got->version, 2);
  expect_same(got->classification, f.classification);
  auto other = s_->find_facility_by_code("OTHER");
  ASSERT_TRUE(other.is_ok());
  expect_same(other->classification, g.classification);
  auto fresh = s_->find_facility_by_code("NEW");
  ASSERT_TRUE(fresh.is_ok()) << fresh.status().to_string();
  expect_same(fresh->classification, Classification{});
  FacilityFilter secret;
  secret.classification = 3;
  EXPECT_EQ(codes(secret), std::vector<std::string>{"SUB"});

  // A replace import starts every row unclassified.
  net.facilities = {fac("SUB"), fac("NEW")};
  ASSERT_TRUE(s_->import_network(net, ImportMode::kReplace, kT0 + 2h).is_ok());
  for (const char* code : {"SUB", "NEW"}) {
    auto x = s_->find_facility_by_code(code);
    ASSERT_TRUE(x.is_ok()) << code;
    expect_same(x->classification, Classification{});
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageConformance, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<BackendCase>& i) { return i.param.name; });

}  // namespace
}  // namespace cipms
