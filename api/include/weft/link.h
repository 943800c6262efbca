// Link: an "influenced by" edge from a span to another span's context, with
// attributes, and weft's vocabulary of named link relationships.
//
// A Link owns its data, so an application can remember links (the batch
// pattern) and offer the same ones to many spans; the SDK copies what it
// keeps. Build links with make_link: it gives nothing for a context that is
// not valid (a message that arrived without `traceparent`), where a raw Link
// follows OpenTelemetry's rule below. Thread-compatible value type.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "weft/attribute.h"
#include "weft/span_context.h"

namespace weft {

struct Link {
  SpanContext context;
  OwnedAttributes attributes;

  // Whether a span records this link. OpenTelemetry's rule, kept for a raw
  // Link (and for Span::add_link(context, attributes)): a link to an invalid
  // context is still recorded when it carries attributes or a tracestate, so
  // `Link{invalid, {{"k", 1}}}` is exported with all-zero ids; a link with
  // neither is ignored, and counted nowhere (it is not a drop). Samplers are
  // offered the links as given, ignored ones included.
  bool is_recordable() const noexcept {
    return context.is_valid() || !attributes.empty() ||
           !context.trace_state().empty();
  }
};

// The attribute that names why a link exists.
inline constexpr std::string_view kLinkRelationshipKey = "link.relationship";

// Named relationships, written to `link.relationship`. Any other lowercase
// snake_case name may be used as well; these are the ones weft's tools know.
namespace relationship {
// This span was started because of the linked one (a message, a request).
inline constexpr std::string_view kTriggeredBy = "triggered_by";
// The linked span is one item of the batch this span processes.
inline constexpr std::string_view kBatchMember = "batch_member";
// This span follows the linked one causally but does not depend on its result.
inline constexpr std::string_view kFollowsFrom = "follows_from";
// This span combines the results of the linked ones (fan-in).
inline constexpr std::string_view kAggregates = "aggregates";
// This span retries the linked attempt.
inline constexpr std::string_view kRetryOf = "retry_of";
// This span undoes the effect of the linked one (a saga compensation).
inline constexpr std::string_view kCompensates = "compensates";
// This span's output derives from the linked span's output.
inline constexpr std::string_view kDerivedFrom = "derived_from";
// This span consumed a message the linked span produced.
inline constexpr std::string_view kConsumedFrom = "consumed_from";
// This span was scheduled by the linked one (a timer, a cron job).
inline constexpr std::string_view kScheduledBy = "scheduled_by";
// This span processes an entity the linked span created.
inline constexpr std::string_view kProcesses = "processes";
}  // namespace relationship

// A link to `context` whose `link.relationship` is `relationship`, followed by
// `attributes`; or, when `context` is not valid (nothing was extracted), the
// empty Link: not recordable, so spans ignore it and count nothing.
//
// It returns an empty Link rather than std::optional<Link> so that user code
// stays what it would be anyway: `with_links({make_link(a, r), make_link(b,
// r)})` and `span.add_link(make_link(c, r))` compile and do the right thing
// whether or not each message carried a `traceparent`, with no branch and no
// unwrapping. Test `link.is_recordable()` to tell the two apart.
inline Link make_link(const SpanContext& context, std::string_view relationship,
                      OwnedAttributes attributes = {}) {
  if (!context.is_valid()) return Link{};
  Link link{context, {}};
  link.attributes.reserve(attributes.size() + 1);
  link.attributes.emplace_back(std::string(kLinkRelationshipKey),
                               std::string(relationship));
  for (auto& attribute : attributes) {
    link.attributes.push_back(std::move(attribute));
  }
  return link;
}

}  // namespace weft
