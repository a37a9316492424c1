// The JSON report of a finished (or failed) job, and the JSON form of an analysis.
#pragma once

#include <nlohmann/json.hpp>

#include "actors/job_runner.hpp"
#include "codecs/media_info.hpp"

namespace pvenc::app {

// `output` is the output file as read back after the job (frames, duration); may be null.
nlohmann::json make_report(const config::job& job, const actors::job_outcome& outcome,
                           const codecs::media_info* output);

nlohmann::json media_info_json(const codecs::media_info& info);

}  // namespace pvenc::app
