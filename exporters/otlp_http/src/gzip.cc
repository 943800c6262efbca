#include "gzip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <new>

namespace weft::otlp {

bool gzip_compress(std::string_view data, std::string& out) {
  z_stream stream{};
  // 15 bits of window, +16: a gzip header and trailer instead of zlib's.
  constexpr int kGzipWindowBits = 15 + 16;
  constexpr int kMemoryLevel = 8;
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits,
                   kMemoryLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    return false;
  }
  bool ok = true;
  try {
    // deflateBound() is enough for one deflate(Z_FINISH) call; uInt limits
    // a single call to 4 GiB, so larger bodies go in pieces.
    out.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    std::size_t in_left = data.size();
    std::size_t written = 0;
    int status = Z_OK;
    constexpr std::size_t kMaxChunk = std::numeric_limits<uInt>::max();
    while (status != Z_STREAM_END) {
      if (written == out.size()) out.resize(out.size() * 2 + 64);
      const std::size_t in_chunk = std::min(in_left, kMaxChunk);
      const std::size_t out_chunk = std::min(out.size() - written, kMaxChunk);
      stream.avail_in = static_cast<uInt>(in_chunk);
      stream.next_out = reinterpret_cast<Bytef*>(&out[written]);
      stream.avail_out = static_cast<uInt>(out_chunk);
      status = deflate(&stream, in_chunk == in_left ? Z_FINISH : Z_NO_FLUSH);
      if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
        ok = false;
        break;
      }
      in_left -= in_chunk - stream.avail_in;
      written += out_chunk - stream.avail_out;
    }
    out.resize(written);
  } catch (const std::bad_alloc&) {
    ok = false;
  }
  deflateEnd(&stream);
  return ok;
}

}  // namespace weft::otlp
