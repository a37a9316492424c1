// Helpers of the job-loader tests: temporary directories and job files.
#pragma once

#include <sys/stat.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include "config/job_loader.hpp"

namespace pvenc::config::test {

using pvenc::config::job;
using pvenc::config::job_error;
using pvenc::config::load_job;
using pvenc::config::parse_job;
using pvenc::config::rate_mode;

namespace fs = std::filesystem;

// A fresh directory under the system's temp directory, removed with everything in it.
class temp_dir {
 public:
  temp_dir() {
    std::random_device random;
    path_ = fs::temp_directory_path() /
            ("pvenc_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name)) << text;
    return file(name);
  }

 private:
  fs::path path_;
};

// A temp dir with an input file "in.mov"; jobs read it and write "out.mp4" next to it.
class job_fixture {
 public:
  job_fixture() { input_ = dir_.write("in.mov", "not really a movie"); }

  const temp_dir& dir() const { return dir_; }
  const std::string& input() const { return input_; }
  std::string output() const { return dir_.file("out.mp4"); }

  std::string input_section() const { return "[input]\npath = '" + input_ + "'\n"; }
  std::string output_section(const std::string& path) const {
    return "[output]\npath = '" + path + "'\n";
  }
  // `head` first (so its line numbers are the file's), then [input] and [output].
  std::string text(const std::string& head, const std::string& output_path = "") const {
    return head + "\n" + input_section() +
           output_section(output_path.empty() ? output() : output_path);
  }
  job parse(const std::string& head, const std::string& output_path = "") const {
    return parse_job(text(head, output_path), "job.toml");
  }

 private:
  temp_dir dir_;
  std::string input_;
};

// The job_error message parse_job raises for `text`; "" (and a failed check) if none.
inline std::string error_of(const std::string& text) {
  try {
    parse_job(text, "job.toml");
  } catch (const job_error& e) {
    return e.what();
  }
  FAIL_CHECK("no job_error for:\n" << text);
  return "";
}

// Changes the working directory for its lifetime.
class scoped_cwd {
 public:
  explicit scoped_cwd(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~scoped_cwd() { fs::current_path(old_); }
  scoped_cwd(const scoped_cwd&) = delete;
  scoped_cwd& operator=(const scoped_cwd&) = delete;

 private:
  fs::path old_;
};

inline bool has(const std::string& message, const std::string& part) {
  return message.find(part) != std::string::npos;
}

}  // namespace pvenc::config::test
