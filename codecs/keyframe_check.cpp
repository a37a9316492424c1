#include "codecs/keyframe_check.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace pvenc::codecs {
namespace {

// Calls `on_nal(first header byte)` for each NAL unit of a packet.
template <class OnNal>
void for_each_nal(const std::vector<std::uint8_t>& extradata, const std::uint8_t* data, int size,
                  int length_size_offset, OnNal&& on_nal) {
  // avcC/hvcC extradata: NAL units are length-prefixed; otherwise Annex B start codes.
  bool length_prefixed = !extradata.empty() && extradata[0] == 1 &&
                         static_cast<int>(extradata.size()) > length_size_offset;
  if (length_prefixed) {
    int length_size = (extradata[length_size_offset] & 3) + 1;
    int pos = 0;
    while (pos + length_size < size) {
      std::uint32_t len = 0;
      for (int i = 0; i < length_size; ++i) len = (len << 8) | data[pos + i];
      pos += length_size;
      if (len == 0 || pos + static_cast<int>(len) > size) return;
      on_nal(data[pos]);
      pos += static_cast<int>(len);
    }
    return;
  }
  for (int i = 0; i + 3 < size; ++i)
    if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) on_nal(data[i + 3]);
}

}  // namespace

bool is_clean_start(int codec_id, const std::vector<std::uint8_t>& extradata,
                    const std::uint8_t* data, int size) {
  bool clean = false;
  switch (codec_id) {
    case AV_CODEC_ID_H264:
      for_each_nal(extradata, data, size, 4, [&](std::uint8_t h) { clean |= (h & 0x1f) == 5; });
      return clean;
    case AV_CODEC_ID_HEVC:
      for_each_nal(extradata, data, size, 21, [&](std::uint8_t h) {
        int type = (h >> 1) & 0x3f;
        clean |= type == 19 || type == 20;  // IDR_W_RADL, IDR_N_LP
      });
      return clean;
    case AV_CODEC_ID_VP8:
    case AV_CODEC_ID_VP9:
    case AV_CODEC_ID_AV1:
      return true;
    default: {
      const AVCodecDescriptor* desc = avcodec_descriptor_get(static_cast<AVCodecID>(codec_id));
      return desc && (desc->props & AV_CODEC_PROP_INTRA_ONLY);
    }
  }
}

}  // namespace pvenc::codecs
