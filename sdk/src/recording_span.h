// RecordingSpan: the SDK's span while it records. It is its own SpanData, so
// that ending a span hands the very same allocation to the processors.
// Internal to the SDK. One thread at a time (the Span handle's contract).
#pragma once

#include <cstddef>
#include <memory>
#include <new>

#include "block_pool.h"
#include "provider_state.h"
#include "weft/sdk/span_data.h"
#include "weft/span.h"

namespace weft::sdk {

class RecordingSpan final : public SpanData, public weft::SpanInterface {
 public:
  // `provider` outlives the span: see make_provider_state.
  RecordingSpan(ProviderState* provider,
                const TracerIdentity* identity) noexcept;

  // Spans live in the block pool: a batch worker frees them, the producing
  // threads reuse the memory (see block_pool.h).
  // The class is final: `size` is always sizeof(RecordingSpan).
  static void* operator new(std::size_t, const std::nothrow_t&) noexcept {
    return block_pool::allocate<sizeof(RecordingSpan)>();
  }
  static void operator delete(void* span, std::size_t) noexcept {
    block_pool::release<sizeof(RecordingSpan)>(span);
  }

  // Fills the span at start: ids, name, kind, time, attributes and links,
  // within the limits.
  void begin(const SpanContext& context, const SpanContext& parent,
             std::string_view name, const StartSpanOptions& options,
             Attributes attributes) noexcept;

  void set_attribute(std::string_view key,
                     const AttributeView& value) noexcept override;
  void add_event(std::string_view name, std::optional<Timestamp> timestamp,
                 Attributes attributes) noexcept override;
  void add_link(const SpanContext& context,
                Attributes attributes) noexcept override;
  void add_link(const Link& link) noexcept override;
  void set_status(StatusCode code,
                  std::string_view description) noexcept override;
  void update_name(std::string_view name) noexcept override;
  void end(std::optional<Timestamp> end_time) noexcept override;

  // Heap bytes the span holds beyond its own object (for tests).
  std::size_t heap_bytes() const noexcept;

 private:
  template <class AttributeRange>
  void append_link(const SpanContext& context,
                   const AttributeRange& attributes) noexcept;
  // Adds or replaces `key` in `list`; counts a drop when `list` is full.
  // `Value` is an AttributeView or an AttributeValue.
  // `store` is the arena the copies go to.
  // Returns the bytes of a replaced value left unused in `store`.
  template <class Value>
  std::size_t put_attribute(Arena& store, AttributeList& list,
                            std::uint32_t limit, std::uint32_t& dropped,
                            std::string_view key, const Value& value) noexcept;
  // Sets `field` (a string of this span's arenas) to `text`: written over
  // the old text when it fits, else copied anew and the old bytes counted
  // as waste. May compact.
  void replace_text(std::string_view& field, std::string_view text) noexcept;
  // Counts bytes that overwrites left unused; compacts past the threshold.
  void note_waste(std::size_t bytes) noexcept;
  // Moves everything the span holds to a fresh arena and empties `arena`,
  // so that repeated overwrites keep the span's memory bounded.
  void compact() noexcept;
  // Stores attributes given all at once into the empty `out` on the fast
  // path; false (nothing stored) when they need the general one.
  template <class AttributeRange>
  bool store_attributes_fast(Arena& store, const AttributeRange& from,
                             std::uint32_t limit, AttributeList& out) noexcept;
  // Moves the kept links' data to a fresh arena (LinkRetention::kLatest).
  void compact_links() noexcept;
  // The time now, for the span's end and events: with the SDK's clock, the
  // start plus the ticks elapsed since.
  Timestamp now() const noexcept;
  // Logs the first drop of the span (once per span, and rate-limited per
  // provider); `describe` says what was dropped, called only to log. Cold
  // and out of line: inlined, the logging code grew begin() and cost W1
  // (which drops nothing) 15-25 ns.
  [[gnu::cold, gnu::noinline]] void note_drop(std::string_view what,
                                              std::uint32_t limit) noexcept;
  [[gnu::cold, gnu::noinline]] void note_drop(
      std::string_view problem) noexcept;
  template <class Describe>
  void log_drop(const Describe& describe) noexcept;

  // Ordered and sized so that a span fits a 768-byte block of the pool.
  ProviderState* provider_;
  std::uint64_t start_ticks_ = 0;  // tick_clock ticks at start; 0: none
  // LinkRetention::kLatest only: where links added to a full span keep their
  // data (and, below, how many were evicted since it was last compacted).
  std::unique_ptr<Arena> links_arena_;
  // Overwrites (update_name, set_status, set_attribute on a key it has)
  // leave old bytes behind in `arena`: once they outgrow both a floor and
  // the live data, compact() moves the live data to `compacted_`.
  std::unique_ptr<Arena> compacted_;
  std::uint32_t wasted_bytes_ = 0;
  std::uint32_t live_bytes_ = 0;  // measured at the last compaction
  std::uint32_t links_evicted_ = 0;
  bool drop_logged_ = false;
};

}  // namespace weft::sdk
