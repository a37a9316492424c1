// Writes the output container under a temporary name next to the final path and renames it
// only when everything was written: a failed job never leaves a file at the output path.
#pragma once

#include <string>
#include <vector>

#include "codecs/av_ptr.hpp"
#include "codecs/media_types.hpp"

namespace pvenc::codecs {

class container_writer {
 public:
  // `muxer` is libavformat's short name ("mp4", "matroska", "webm"). Nothing is created yet.
  container_writer(std::string final_path, std::string muxer);
  // Removes the temporary file unless commit() succeeded.
  ~container_writer();

  container_writer(const container_writer&) = delete;
  container_writer& operator=(const container_writer&) = delete;

  // Declares a stream (before open()). Returns its index. Packets for it come in
  // `params.time_base`.
  int add_stream(const stream_params& params);

  // Creates the temporary file and writes the header.
  void open();

  // Writes one packet of stream `index` (interleaved by libavformat).
  void write(int index, const media_packet& packet);

  // Writes the trailer, closes the file and renames it to the final path.
  void commit();

  const std::string& temp_path() const { return temp_path_; }

 private:
  struct output_deleter {
    void operator()(AVFormatContext* ctx) const;
  };
  std::string final_path_;
  std::string temp_path_;
  std::unique_ptr<AVFormatContext, output_deleter> ctx_;
  std::vector<AVRational> source_tb_;
  std::vector<std::int64_t> last_dts_;
  packet_ptr pkt_;
  bool committed_ = false;
};

}  // namespace pvenc::codecs
