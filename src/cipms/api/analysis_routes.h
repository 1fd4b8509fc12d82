// The analysis routes (issue 4):
//   POST /api/v1/simulations        {"scenario": {...}, "network": {...optional}} -> 202 job
//   GET  /api/v1/jobs/{id}          state, progress 0..1, timestamps, result link / error
//   GET  /api/v1/jobs/{id}/result   200 results JSON; 409 while unfinished; the job's
//                                   problem when it failed
//   GET  /api/v1/ranking?horizon=&limit=&offset=   the registry's criticality ranking,
//                                   cached per registry revision and horizon; 202 with the
//                                   computing job until it is ready
// Long work runs on a job manager owned by these routes (created on first use, so building
// the router starts no thread and touches no database).
#pragma once

#include "cipms/api/http.h"
#include "cipms/services/context.h"

namespace cipms::api {

void add_analysis_routes(Router& r, const ServiceContext& ctx);

}  // namespace cipms::api
