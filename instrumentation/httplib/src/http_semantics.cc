#include "http_semantics.h"

#include <array>
#include <cstdlib>
#include <typeinfo>
#include <utility>

#include "weft/baggage.h"
#include "weft/provider.h"
#include "weft/version.h"

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#define WEFT_HTTPLIB_HAS_CXXABI 1
#endif

namespace weft::instrumentation::httplib::detail {

bool is_known_method(std::string_view method) noexcept {
  static constexpr std::array<std::string_view, 9> kKnown = {
      "GET",   "POST",    "PUT",     "DELETE", "HEAD",
      "PATCH", "OPTIONS", "CONNECT", "TRACE"};
  for (std::string_view known : kKnown) {
    if (method == known) return true;
  }
  return false;
}

HostPort split_host_port(std::string_view text) noexcept {
  HostPort out;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return {text, std::nullopt};
    out.host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
  } else {
    const std::size_t colon = text.find(':');
    out.host = text.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view()
                                           : text.substr(colon);
  }
  if (rest.size() < 2 || rest.front() != ':' || rest.size() > 6) return out;
  int port = 0;
  for (char c : rest.substr(1)) {
    if (c < '0' || c > '9') return out;
    port = port * 10 + (c - '0');
  }
  if (port >= 1 && port <= 65535) out.port = port;
  return out;
}

std::string_view protocol_version(std::string_view version) noexcept {
  constexpr std::string_view kPrefix = "HTTP/";
  if (version.size() <= kPrefix.size() ||
      version.substr(0, kPrefix.size()) != kPrefix) {
    return {};
  }
  return version.substr(kPrefix.size());
}

std::string exception_type_name(const std::exception& error) {
  const char* mangled = typeid(error).name();
#ifdef WEFT_HTTPLIB_HAS_CXXABI
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name(status == 0 && demangled != nullptr ? demangled : mangled);
  std::free(demangled);
  return name;
#else
  return mangled;
#endif
}

namespace {

constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

void append_encoded(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.append(1, '%').append(1, kHex[c >> 4]).append(1, kHex[c & 0x0F]);
}

}  // namespace

std::string reencode_baggage(std::string_view decoded) {
  std::string out;
  out.reserve(decoded.size() + 16);
  // In a member's value: after its '=', before the ';' of its properties
  // or the ',' that ends the member.
  bool in_value = false;
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    const char c = decoded[i];
    if (c == ',') {
      in_value = false;
    } else if (c == ';') {
      in_value = false;
    } else if (c == '=' && !in_value) {
      in_value = true;
      out.append(1, c);
      while (i + 1 < decoded.size() && is_ows(decoded[i + 1])) {
        out.append(1, decoded[++i]);  // OWS after '='
      }
      continue;
    } else if (in_value &&
               !weft::detail::has_class(c, weft::detail::kBaggageOctet)) {
      // OWS before the end of the value stays OWS.
      std::size_t next = i;
      while (next < decoded.size() && is_ows(decoded[next])) ++next;
      const bool trailing =
          is_ows(c) && (next == decoded.size() || decoded[next] == ',' ||
                        decoded[next] == ';');
      if (!trailing) {
        append_encoded(out, static_cast<unsigned char>(c));
        continue;
      }
    }
    out.append(1, c);
  }
  return out;
}

void HeaderReader::get_all(std::string_view key, ValueSink sink) const {
  const auto range = headers_.equal_range(std::string(key));
  for (auto it = range.first; it != range.second; ++it) {
    if (key == "baggage") {
      sink(reencode_baggage(it->second));
    } else {
      sink(it->second);
    }
  }
}

Tracing::Tracing(TracingOptions options)
    : tracer_(options.tracer ? std::move(options.tracer)
                             : weft::tracer(kInstrumentationName, kVersion)),
      propagator_(std::move(options.propagator)) {}

}  // namespace weft::instrumentation::httplib::detail
