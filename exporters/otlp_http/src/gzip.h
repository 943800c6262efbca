// gzip_compress: a request body in the gzip format (RFC 1952, zlib's
// deflate), sent with `Content-Encoding: gzip` when the OTLP/HTTP exporter's
// compression is gzip.
//
// Used by the OTLP/HTTP exporter. Stateless, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace weft::otlp {

// Replaces `out` with `data` gzip-compressed (zlib's default level). False
// when zlib fails (out of memory); `out` is then unspecified.
bool gzip_compress(std::string_view data, std::string& out);

}  // namespace weft::otlp
