#include "grpc_semantics.h"

#include <array>

namespace weft::instrumentation::grpc_semantics {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix;
}

std::optional<std::int64_t> parse_port(std::string_view text) noexcept {
  if (text.empty() || text.size() > 5) return std::nullopt;
  std::int64_t port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port == 0 || port > 65535) return std::nullopt;
  return port;
}

// "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 address.
Endpoint split_host_port(std::string_view text) noexcept {
  if (starts_with(text, "[")) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return {text, std::nullopt};
    const std::string_view rest = text.substr(close + 1);
    return {text.substr(1, close - 1),
            starts_with(rest, ":") ? parse_port(rest.substr(1)) : std::nullopt};
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos ||
      text.find(':', colon + 1) != std::string_view::npos) {
    return {text, std::nullopt};  // no port, or an IPv6 address unbracketed
  }
  return {text.substr(0, colon), parse_port(text.substr(colon + 1))};
}

}  // namespace

MethodName split_method(std::string_view path) noexcept {
  if (starts_with(path, "/")) path.remove_prefix(1);
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0 ||
      slash + 1 == path.size()) {
    return {path, {}, path};
  }
  return {path, path.substr(0, slash), path.substr(slash + 1)};
}

Endpoint parse_endpoint(std::string_view target) noexcept {
  if (starts_with(target, "unix:") || starts_with(target, "unix-abstract:")) {
    std::string_view path = target.substr(target.find(':') + 1);
    if (starts_with(path, "//")) path.remove_prefix(2);  // unix:///abs/path
    return {path, std::nullopt};
  }
  if (starts_with(target, "ipv4:") || starts_with(target, "ipv6:")) {
    target.remove_prefix(5);
    target = target.substr(0, target.find(','));  // the first address
    return split_host_port(target);
  }
  if (starts_with(target, "dns:")) {
    target.remove_prefix(4);
    if (starts_with(target, "//")) {  // dns://[authority]/host:port
      const std::size_t slash = target.find('/', 2);
      target = slash == std::string_view::npos ? std::string_view()
                                               : target.substr(slash + 1);
    }
  }
  return split_host_port(target);
}

std::string_view status_code_name(int code) noexcept {
  static constexpr std::array<std::string_view, 17> kNames = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(kNames.size())) {
    return "UNKNOWN_STATUS_CODE";
  }
  return kNames[static_cast<std::size_t>(code)];
}

bool is_server_error(int code) noexcept {
  switch (code) {
    case 2:   // UNKNOWN
    case 4:   // DEADLINE_EXCEEDED
    case 12:  // UNIMPLEMENTED
    case 13:  // INTERNAL
    case 14:  // UNAVAILABLE
    case 15:  // DATA_LOSS
      return true;
    default:
      return false;
  }
}

bool is_client_error(int code) noexcept { return code != 0; }

}  // namespace weft::instrumentation::grpc_semantics
