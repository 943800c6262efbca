// Which request headers a transport can carry: the rules the OTLP exporters
// apply to OTEL_EXPORTER_OTLP_(TRACES_)HEADERS and to headers set in code,
// so that a bad entry is dropped with a warning instead of reaching the
// transport (gRPC aborts the process on invalid metadata).
//
// Internal; used by the OTLP/gRPC exporter now and meant for the OTLP/HTTP
// one. Stateless functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft::sdk {

enum class HeaderTransport {
  // gRPC metadata: key of [0-9a-z_.-], not starting with "grpc-"; value of
  // printable ASCII (0x20-0x7E), any bytes for a key ending in "-bin".
  kGrpc,
  // HTTP/1.1 field (RFC 9110): name a token; value without control
  // characters other than tab (obs-text, bytes 0x80-0xFF, allowed).
  kHttp,
};

// Why `key: value` cannot be sent over `transport` (key already lowercased),
// or nullopt when it can.
std::optional<std::string_view> header_problem(HeaderTransport transport,
                                               std::string_view key,
                                               std::string_view value) noexcept;

using Headers = std::vector<std::pair<std::string, std::string>>;

// `headers` with keys lowercased and the entries `transport` cannot carry
// removed; each removed one is described (printable, bounded) in `rejected`.
Headers checked_headers(HeaderTransport transport, const Headers& headers,
                        std::vector<std::string>& rejected);

}  // namespace weft::sdk
