// The work directory of a job: every finished segment on disk (serialized encoded packets, with
// a SHA-256 checksum) and a manifest that names the job it belongs to. `--resume` reads it so
// that only unfinished segments are encoded again. Not thread-safe: one owner (the muxer).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "codecs/segment_encoder.hpp"

namespace pvenc::actors {

class work_store {
 public:
  // Uses `dir` (created if missing) for the job identified by `fingerprint`. An existing
  // manifest is kept: call matches() / load() first to decide what to do with it.
  work_store(std::string dir, std::string fingerprint);

  const std::string& dir() const { return dir_; }

  // Whether `dir` holds a manifest at all, and whether it belongs to this fingerprint.
  bool has_manifest() const;
  bool matches() const;
  // Whether the manifest was written by an older pvenc, whose segment files this one cannot read.
  bool from_older_version() const;

  // Starts over: removes every segment file and writes an empty manifest.
  void reset();

  // Writes segment `id` (file first, then the manifest, each by atomic rename).
  // Throws std::runtime_error on I/O errors.
  void save(int id, const codecs::encoded_video& video);

  // Forgets segment `id` (manifest first, then its file). Throws std::runtime_error on I/O
  // errors.
  void discard(int id);

  // The segments of the manifest whose files exist and match their checksum. Damaged or
  // missing ones are left out (and logged): they are simply encoded again.
  std::map<int, codecs::encoded_video> load();

  // Whether segment `id` is stored (after load() or save()).
  bool contains(int id) const { return checksums_.count(id) > 0; }

  // Removes `dir` and everything in it (a missing directory is fine).
  static void remove_all(const std::string& dir);

 private:
  std::string manifest_path() const;
  void write_manifest() const;

  std::string dir_;
  std::string fingerprint_;
  std::map<int, std::string> checksums_;  // segment id -> sha256 of its file
};

// The default work directory for an output path: ".NAME.pvenc-work" beside it.
std::string default_work_dir(const std::string& output_path);

}  // namespace pvenc::actors
