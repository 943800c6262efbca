#include "header_rules.h"

#include "text.h"

namespace weft::sdk {
namespace {

bool is_grpc_key_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' ||
         c == '.' || c == '-';
}

// RFC 9110 tchar.
bool is_token_char(char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::optional<std::string_view> grpc_problem(std::string_view key,
                                             std::string_view value) noexcept {
  if (key.empty()) return "an empty key";
  for (char c : key) {
    if (!is_grpc_key_char(c)) return "a key outside [0-9a-z_.-]";
  }
  if (key.substr(0, 5) == "grpc-") return "a key reserved by gRPC (grpc-)";
  const bool binary =
      key.size() > 4 && key.substr(key.size() - 4) == std::string_view("-bin");
  if (binary) return std::nullopt;
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e) {
      return "a value outside printable ASCII (use a key ending in -bin for "
             "binary values)";
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> http_problem(std::string_view key,
                                             std::string_view value) noexcept {
  if (key.empty()) return "an empty key";
  for (char c : key) {
    if (!is_token_char(c)) return "a key that is not an HTTP token";
  }
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && byte != '\t') || byte == 0x7f) {
      return "a value with a control character";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> header_problem(
    HeaderTransport transport, std::string_view key,
    std::string_view value) noexcept {
  return transport == HeaderTransport::kGrpc ? grpc_problem(key, value)
                                             : http_problem(key, value);
}

Headers checked_headers(HeaderTransport transport, const Headers& headers,
                        std::vector<std::string>& rejected) {
  Headers kept;
  kept.reserve(headers.size());
  for (const auto& [key, value] : headers) {
    std::string lowered = to_lower_ascii(key);
    if (const auto problem = header_problem(transport, lowered, value)) {
      rejected.push_back("'" + printable(key) + "=" + printable(value) + "' (" +
                         std::string(*problem) + ")");
      continue;
    }
    kept.emplace_back(std::move(lowered), value);
  }
  return kept;
}

}  // namespace weft::sdk
