// Reads and validates a job file. All validation of user input happens here, once.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "config/job.hpp"
#include "config/value_syntax.hpp"  // parse_count, parse_resolution: for the command line too

namespace pvenc::config {

// A job file that cannot be used. what() is one line for the user that names the file, the
// key and, when known, the TOML line: "job.toml:7: video.crf = 80: must be between 0 and 51".
class job_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses TOML text. `source` names it in messages (a path or "<string>").
// Checks keys, types and ranges, presets, codec/container pairs and the output path
// (missing directory, equal to the input, exists while overwrite = false).
// Does not open the input media (the analyzer does that).
// Throws job_error.
job parse_job(std::string_view toml_text, const std::string& source);

// Reads `path` and parses it; a missing or unreadable file is a job_error too.
job load_job(const std::string& path);

}  // namespace pvenc::config
