// The process and file helpers of media_check_util.hpp: run_command (fork/exec under a
// timeout), pvenc-node and ffmpeg runs, text files and job files.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "media_check_util.hpp"

namespace pvenc::e2e {
namespace {

// The build directory, when this test runs from it (<build>/tests/e2e_tests).
fs::path build_dir() {
  std::error_code ec;
  return fs::read_symlink("/proc/self/exe", ec).parent_path().parent_path();
}

// $name, else `fallback()` (found from the build directory), else an exception.
template <class Fallback>
std::string env_or(const char* name, Fallback fallback) {
  const char* value = std::getenv(name);
  if (value && *value) return value;
  std::string found = fallback();
  if (found.empty())
    throw std::runtime_error(std::string("$") + name + " is not set (ctest sets it)");
  return found;
}

}  // namespace

// ---- processes ----

command_result run_command(const std::vector<std::string>& argv, int timeout_s) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    setpgid(0, 0);  // its own group: the timeout kills the child and anything it started
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]), close(out_pipe[1]), close(err_pipe[0]), close(err_pipe[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);
  close(out_pipe[1]);
  close(err_pipe[1]);
  command_result result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    int n = poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[4096];
      ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& fd : fds)
    if (fd.fd >= 0) close(fd.fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

background_node::background_node(const std::vector<std::string>& args,
                                 const std::string& log_path) {
  std::vector<std::string> argv{node_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDWR);
    int log =
        log_path.empty() ? devnull : open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(devnull, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    std::vector<char*> raw;
    for (const auto& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
    raw.push_back(nullptr);
    execvp(raw[0], raw.data());
    _exit(127);
  }
  setpgid(pid_, pid_);
}

background_node::~background_node() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGCONT);
  kill(-pid_, SIGKILL);
  wait(10);
}

void background_node::signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int background_node::wait(int timeout_s) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) return -1;
    poll(nullptr, 0, 20);  // bounded wait for the child to end
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool wait_for_text(const std::string& path, const std::string& text, double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (read_text(path).find(text) != std::string::npos) return true;
    poll(nullptr, 0, 20);  // bounded: the loop ends at the deadline
  }
  return false;
}

std::string node_path() {
  return env_or("PVENC_NODE", [] {
    fs::path node = build_dir() / "pvenc-node";
    return fs::exists(node) ? node.string() : std::string();
  });
}
std::string source_dir() {
  return env_or("PVENC_SOURCE_DIR", [] {
    std::ifstream cache(build_dir() / "CMakeCache.txt");
    const std::string key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
    for (std::string line; std::getline(cache, line);)
      if (line.rfind(key, 0) == 0) return line.substr(key.size());
    return std::string();
  });
}

command_result run_node(const std::vector<std::string>& args, int timeout_s) {
  std::vector<std::string> argv{node_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout_s);
}

void run_ffmpeg(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"};
  argv.insert(argv.end(), args.begin(), args.end());
  command_result r = run_command(argv, 120);
  if (r.exit_code != 0) {
    std::string line;
    for (const auto& a : argv) line += a + " ";
    throw std::runtime_error("ffmpeg failed (" + std::to_string(r.exit_code) + "): " + line + "\n" +
                             r.err);
  }
}

// ---- files ----

std::string write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
  return path;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(read_text(path));
}

std::vector<std::string> list_dir(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// ---- jobs ----

std::string job_toml(const std::string& input, const std::string& output,
                     const std::string& video_codec, const std::string& audio_codec,
                     const std::string& video_extra, const std::string& extra) {
  return "[input]\npath = '" + input + "'\n\n[output]\npath = '" + output +
         "'\n\n[video]\ncodec = '" + video_codec + "'\nspeed = 'ultrafast'\n" + video_extra +
         "\n[audio]\ncodec = '" + audio_codec +
         "'\n\n[segments]\nduration = 1.0\nmin_duration = 0.5\n\n[workers]\ncount = 2\n\n" + extra;
}

std::string write_job(const temp_dir& dir, const std::string& toml, const std::string& name) {
  return write_text(dir.file(name), toml);
}

}  // namespace pvenc::e2e
