#include "actors/work_store.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "actors/crypto.hpp"
#include "actors/protocol.hpp"

namespace pvenc::actors {
namespace {

namespace fs = std::filesystem;
constexpr int manifest_version = 4;  // 2: quality, crf, probes; 3: end_pts; 4: start_pts

std::string segment_file(int id) {
  return fmt::format("seg-{:06d}.bin", id);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return buf.str();
}

// The JSON in `path`, or null when it is missing or not JSON.
nlohmann::json read_json_or_null(const fs::path& path) {
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const std::exception&) {
    return nullptr;
  }
}

// Writes `data` to `path` through a temporary file and a rename, so that a crash leaves
// either the old or the new content, never a torn file.
void write_atomically(const fs::path& path, const std::string& data) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

std::string serialize(const codecs::encoded_video& video) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto copy = video;
  if (auto err = sink(copy)) throw std::runtime_error("cannot serialize a segment");
  return std::string(buf.begin(), buf.end());
}

bool deserialize(const std::string& data, codecs::encoded_video& video) {
  caf::binary_deserializer source{nullptr, data.data(), data.size()};
  return !source(video) && source.remaining() == 0;
}

}  // namespace

std::string default_work_dir(const std::string& output_path) {
  fs::path p(output_path);
  return (p.parent_path() / ("." + p.filename().string() + ".pvenc-work")).string();
}

work_store::work_store(std::string dir, std::string fingerprint)
    : dir_(std::move(dir)), fingerprint_(std::move(fingerprint)) {
  fs::create_directories(dir_);
}

std::string work_store::manifest_path() const {
  return (fs::path(dir_) / "manifest.json").string();
}

bool work_store::has_manifest() const {
  return fs::exists(manifest_path());
}

bool work_store::matches() const {
  auto j = read_json_or_null(manifest_path());
  return j.is_object() && j.value("version", 0) == manifest_version &&
         j.value("fingerprint", "") == fingerprint_;
}

bool work_store::from_older_version() const {
  auto j = read_json_or_null(manifest_path());
  return j.is_object() && j.value("version", 0) < manifest_version;
}

void work_store::write_manifest() const {
  nlohmann::json segments = nlohmann::json::object();
  for (const auto& [id, sum] : checksums_)
    segments[std::to_string(id)] = {{"file", segment_file(id)}, {"sha256", sum}};
  nlohmann::json j = {
      {"version", manifest_version}, {"fingerprint", fingerprint_}, {"segments", segments}};
  write_atomically(manifest_path(), j.dump(1) + "\n");
}

void work_store::reset() {
  for (const auto& entry : fs::directory_iterator(dir_)) fs::remove_all(entry.path());
  checksums_.clear();
  write_manifest();
}

void work_store::save(int id, const codecs::encoded_video& video) {
  std::string data = serialize(video);
  write_atomically(fs::path(dir_) / segment_file(id), data);
  checksums_[id] = sha256_hex(data);
  write_manifest();
}

void work_store::discard(int id) {
  if (!checksums_.erase(id)) return;
  write_manifest();
  std::error_code ec;
  fs::remove(fs::path(dir_) / segment_file(id), ec);
}

std::map<int, codecs::encoded_video> work_store::load() {
  std::map<int, codecs::encoded_video> out;
  checksums_.clear();
  nlohmann::json j = nlohmann::json::parse(read_file(manifest_path()));
  for (const auto& [key, entry] : j.at("segments").items()) {
    int id = std::stoi(key);
    fs::path file = fs::path(dir_) / entry.value("file", "");
    std::string expected = entry.value("sha256", "");
    try {
      std::string data = read_file(file);
      codecs::encoded_video video;
      if (sha256_hex(data) != expected || !deserialize(data, video)) {
        spdlog::warn("[seg {:04d}] {} is damaged: encoding it again", id, file.string());
        continue;
      }
      checksums_[id] = expected;
      out.emplace(id, std::move(video));
    } catch (const std::exception& e) {
      spdlog::warn("[seg {:04d}] {}: encoding it again", id, e.what());
    }
  }
  return out;
}

void work_store::remove_all(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace pvenc::actors
