#include "codecs/container_writer.hpp"

#include <cstdio>
#include <filesystem>

#include "codecs/av_error.hpp"
#include "codecs/codec_params.hpp"

namespace pvenc::codecs {
namespace {

std::string temporary_name(const std::string& final_path) {
  std::filesystem::path p(final_path);
  return (p.parent_path() / ("." + p.filename().string() + ".partial")).string();
}

}  // namespace

void container_writer::output_deleter::operator()(AVFormatContext* ctx) const {
  if (ctx->pb) avio_closep(&ctx->pb);
  avformat_free_context(ctx);
}

container_writer::container_writer(std::string final_path, std::string muxer)
    : final_path_(std::move(final_path)),
      temp_path_(temporary_name(final_path_)),
      pkt_(make_packet()) {
  AVFormatContext* raw = nullptr;
  check_av(avformat_alloc_output_context2(&raw, nullptr, muxer.c_str(), temp_path_.c_str()),
           "creating a " + muxer + " muxer");
  ctx_.reset(raw);
}

container_writer::~container_writer() {
  if (committed_) return;
  ctx_.reset();
  std::error_code ec;
  std::filesystem::remove(temp_path_, ec);
}

int container_writer::add_stream(const stream_params& params) {
  AVStream* st = avformat_new_stream(ctx_.get(), nullptr);
  if (!st) throw av_error("out of memory adding a stream", AVERROR(ENOMEM));
  fill_codec_parameters(params, *st->codecpar);
  st->time_base = to_av(params.time_base);
  if (params.frame_rate.num > 0) st->avg_frame_rate = to_av(params.frame_rate);
  if (avformat_query_codec(ctx_->oformat, st->codecpar->codec_id, FF_COMPLIANCE_NORMAL) != 1)
    throw av_error(std::string(avcodec_get_name(st->codecpar->codec_id)) + " cannot be stored in " +
                   ctx_->oformat->name);
  source_tb_.push_back(to_av(params.time_base));
  last_dts_.push_back(no_timestamp);
  return st->index;
}

void container_writer::open() {
  check_av(avio_open(&ctx_->pb, temp_path_.c_str(), AVIO_FLAG_WRITE), "creating " + temp_path_);
  AVDictionary* options = nullptr;
  std::string name = ctx_->oformat->name;
  if (name == "mp4" || name == "mov") av_dict_set(&options, "movflags", "+faststart", 0);
  int ret = avformat_write_header(ctx_.get(), &options);
  av_dict_free(&options);
  check_av(ret, "writing the header of " + final_path_);
}

void container_writer::write(int index, const media_packet& packet) {
  fill_av_packet(packet, *pkt_);
  pkt_->stream_index = index;
  // Joined segments must keep decode timestamps strictly increasing.
  std::int64_t& last = last_dts_[index];
  if (pkt_->dts != no_timestamp) {
    if (last != no_timestamp && pkt_->dts <= last) pkt_->dts = last + 1;
    if (pkt_->pts != no_timestamp && pkt_->dts > pkt_->pts) pkt_->dts = pkt_->pts;
    last = pkt_->dts;
  }
  av_packet_rescale_ts(pkt_.get(), source_tb_[index], ctx_->streams[index]->time_base);
  check_av(av_interleaved_write_frame(ctx_.get(), pkt_.get()), "writing " + final_path_);
}

void container_writer::commit() {
  check_av(av_write_trailer(ctx_.get()), "finishing " + final_path_);
  check_av(avio_closep(&ctx_->pb), "closing " + temp_path_);
  std::error_code ec;
  std::filesystem::rename(temp_path_, final_path_, ec);
  if (ec)
    throw av_error("cannot rename " + temp_path_ + " to " + final_path_ + ": " + ec.message());
  committed_ = true;
}

}  // namespace pvenc::codecs
