// gzip_compress: the OTLP/HTTP exporter's request body compression.
#include "gzip.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <string>

namespace {

// Inflates a gzip stream with zlib (windowBits 15 + 16: gzip only).
std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out;
  char buffer[16384];
  stream.next_in =
      reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  REQUIRE(status == Z_STREAM_END);
  return out;
}

}  // namespace

TEST_CASE("a body compressed with gzip_compress inflates back to itself",
          "[otlp_http][gzip]") {
  const auto [line, data] = GENERATE(table<int, std::string>({
      {__LINE__, ""},
      {__LINE__, "x"},
      {__LINE__, std::string(100000, 'a')},
      {__LINE__, std::string("\0\1\2\3\xff binary", 12)},
  }));
  CAPTURE(line);
  std::string compressed;
  REQUIRE(weft::otlp::gzip_compress(data, compressed));
  // The gzip magic (RFC 1952), not zlib's or raw deflate.
  REQUIRE(compressed.size() >= 18);
  CHECK(static_cast<unsigned char>(compressed[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(compressed[1]) == 0x8b);
  CHECK(gunzip(compressed) == data);
}

TEST_CASE("gzip_compress makes a repetitive body much smaller",
          "[otlp_http][gzip]") {
  std::string data;
  for (int i = 0; i < 10000; ++i) data += "span-name-" + std::to_string(i % 7);
  std::string compressed;
  REQUIRE(weft::otlp::gzip_compress(data, compressed));
  CHECK(compressed.size() * 10 < data.size());
}
