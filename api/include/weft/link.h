// Link: an "influenced by" edge from a span to another span's context, with
// attributes, and weft's vocabulary of named link relationships.
//
// A Link owns its data, so an application can remember links (the batch
// pattern) and offer the same ones to many spans; the SDK copies what it
// keeps. Thread-compatible value type.
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

  // OpenTelemetry rule: a link to an invalid context is still recorded when
  // it carries attributes or a tracestate; otherwise it is ignored.
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
// `attributes`.
inline Link make_link(const SpanContext& context, std::string_view relationship,
                      OwnedAttributes attributes = {}) {
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
