// Tests of the map carrier writers (weft/propagation.h): inject replaces a
// header whatever the case it was spelled in, for every built-in container,
// so that extraction afterwards sees exactly one traceparent.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weft/propagation.h"

namespace {

constexpr const char* kTraceId = "0af7651916cd43dd8448eb211c80319c";
constexpr const char* kSpanId = "b7ad6b7169203331";
constexpr const char* kTraceparent =
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

weft::Context sampled_context() {
  return weft::Context(weft::SpanContext(
      *weft::TraceId::from_hex(kTraceId), *weft::SpanId::from_hex(kSpanId),
      weft::TraceFlags(weft::TraceFlags::kSampled),
      weft::TraceState::parse("vendor=new"), true));
}

// Every entry of `carrier` whose name is `lowercase` in any case.
template <class Carrier>
std::vector<std::pair<std::string, std::string>> spelled_any_case(
    const Carrier& carrier, std::string_view lowercase) {
  std::vector<std::pair<std::string, std::string>> found;
  for (const auto& [name, value] : carrier) {
    if (weft::detail::equals_lowercase_key(name, lowercase)) {
      found.emplace_back(name, value);
    }
  }
  return found;
}

template <class Carrier>
void check_inject_replaces_any_case() {
  Carrier carrier;
  carrier.insert(carrier.end(), {"Traceparent", "00-stale"});
  carrier.insert(carrier.end(), {"TRACEPARENT", "00-stale-too"});
  carrier.insert(carrier.end(), {"TraceState", "vendor=old"});
  carrier.insert(carrier.end(), {"Content-Type", "text/plain"});
  weft::TraceContextPropagator().inject(sampled_context(), carrier);

  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(spelled_any_case(carrier, "traceparent") ==
        Pairs{{"traceparent", kTraceparent}});
  CHECK(spelled_any_case(carrier, "tracestate") ==
        Pairs{{"tracestate", "vendor=new"}});
  CHECK(spelled_any_case(carrier, "content-type") ==
        Pairs{{"Content-Type", "text/plain"}});
  const weft::SpanContext extracted =
      weft::TraceContextPropagator().extract(carrier).span_context();
  CHECK(extracted.is_valid());
  CHECK(extracted.span_id().to_hex() == kSpanId);
  CHECK(extracted.trace_state().header() == "vendor=new");
}

}  // namespace

TEST_CASE("inject replaces a header spelled in another case in a std::map",
          "[propagation][carrier]") {
  check_inject_replaces_any_case<std::map<std::string, std::string>>();
}

TEST_CASE(
    "inject replaces a header spelled in another case in a "
    "std::unordered_map",
    "[propagation][carrier]") {
  check_inject_replaces_any_case<
      std::unordered_map<std::string, std::string>>();
}

TEST_CASE("inject replaces a header spelled in another case in a std::multimap",
          "[propagation][carrier]") {
  check_inject_replaces_any_case<std::multimap<std::string, std::string>>();
}

TEST_CASE(
    "inject replaces a header spelled in another case in a "
    "std::unordered_multimap",
    "[propagation][carrier]") {
  check_inject_replaces_any_case<
      std::unordered_multimap<std::string, std::string>>();
}

TEST_CASE(
    "inject replaces a header spelled in another case in a vector of pairs",
    "[propagation][carrier]") {
  check_inject_replaces_any_case<
      std::vector<std::pair<std::string, std::string>>>();
}
