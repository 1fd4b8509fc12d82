// Network import/export against the registry (used by `cipms import/export/demo` and by
// POST /api/v1/network/import, GET /api/v1/network). Thread-safe: each call takes its own
// Session.
//
// Imports validate the whole input first (network_io.h rules, against the database's
// taxonomy; references may also name facilities already in the registry on a merge; provider
// and authority codes must name existing organisations) and then write everything in one
// transaction: an import with one bad row writes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "cipms/domain/security.h"
#include "cipms/services/context.h"
#include "cipms/services/demo.h"
#include "cipms/storage/store.h"

namespace cipms {

enum class ExportFormat { kJson, kGeoJson, kFacilitiesCsv, kDependenciesCsv };

class NetworkService {
 public:
  explicit NetworkService(ServiceContext ctx) : ctx_(std::move(ctx)) {}

  Result<ImportCounts> import_json(std::string_view text, ImportMode mode);
  Result<ImportCounts> import_csv(std::string_view facilities_csv, std::string_view dependencies_csv,
                                  ImportMode mode);
  // The registry in the exchange model.
  Result<NetworkSnapshot> snapshot();
  Result<std::string> export_as(ExportFormat format);
  // The part of the registry `who` may read (domain/security.h: scope, clearance, need-to-know);
  // suppliers it may not read are left out of dependencies unless unclassified (a dependency
  // left with none is dropped; min_up is capped by what remains). `marking` receives the
  // classification marking of the export: the highest level in it ("機密 confidential").
  // JSON and GeoJSON carry it as a top-level "marking" member too.
  Result<std::string> export_as(ExportFormat format, const Principal& who, std::string* marking);
  Result<NetworkSnapshot> snapshot_for(const Principal& who);
  // The codes of the registry facilities `who` may read (the same rule as snapshot_for, as one
  // SQL query over codes only); nullopt for the system actor, who may read all of them.
  Result<std::optional<std::unordered_set<std::string>>> readable_codes(const Principal& who);
  // Creates the demo organisations (those missing) and imports the demo network (replace).
  Result<ImportCounts> load_demo(const DemoOptions& opt);

 private:
  ServiceContext ctx_;
};

}  // namespace cipms
