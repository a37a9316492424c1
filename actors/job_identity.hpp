// What makes two runs "the same job" for --resume: the input (path, size, modification time),
// the video settings that change the encoded frames, the container and the segment plan.
// Worker counts, threads, audio and retry settings do not matter: finished segments stay valid.
#pragma once

#include <string>

#include "actors/messages.hpp"
#include "config/job.hpp"

namespace pvenc::actors {

// SHA-256 (hex) over a canonical description of the job.
std::string job_fingerprint(const config::job& job, const codecs::video_encode_settings& settings,
                            const segment_plan& plan);

}  // namespace pvenc::actors
