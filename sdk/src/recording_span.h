// RecordingSpan: the SDK's span while it records. It is its own SpanData, so
// that ending a span hands the very same allocation to the processors.
// SpanHeader: the part of it the API's handles share (weft::SpanInterface:
// the lock, the ended flag and the reference count), in front of it in the
// same pool block.
//
// The header must outlive the RecordingSpan when a SpanRef is kept after the
// span ended: an exporter may free the span data at any time after the end,
// while a SpanRef still asks whether the span has ended. So the block holds
// both; deleting the RecordingSpan gives up the SDK's reference to the
// header, and the last reference returns the block to the pool.
//
// Internal to the SDK. RecordingSpan's recording calls are made one at a
// time (SpanInterface's lock), before end().
#pragma once

#include <cstddef>
#include <memory>
#include <new>

#include "block_pool.h"
#include "provider_state.h"
#include "weft/sdk/span_data.h"
#include "weft/span.h"

namespace weft::sdk {

class RecordingSpan final : public SpanData {
 public:
  // `provider` outlives the span: see make_provider_state.
  RecordingSpan(ProviderState* provider,
                const TracerIdentity* identity) noexcept;

  // Spans live in the block pool, behind their SpanHeader: a batch worker
  // frees them, the producing threads reuse the memory (see block_pool.h).
  static void* operator new(std::size_t, const std::nothrow_t&) noexcept;
  static void operator delete(void* span, std::size_t) noexcept;

  // Fills the span at start: ids, name, kind, time, attributes and links,
  // within the limits.
  void begin(const SpanContext& context, const SpanContext& parent,
             std::string_view name, const StartSpanOptions& options,
             Attributes attributes) noexcept;

  void set_attribute(std::string_view key, const AttributeView& value) noexcept;
  void add_event(std::string_view name, std::optional<Timestamp> timestamp,
                 Attributes attributes) noexcept;
  void add_link(const SpanContext& context, Attributes attributes) noexcept;
  void add_link(const Link& link) noexcept;
  void set_status(StatusCode code, std::string_view description) noexcept;
  void update_name(std::string_view name) noexcept;
  void end(std::optional<Timestamp> end_time) noexcept;

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
  // Stores an event's name and a few simple attributes with one
  // allocation; false (nothing stored) when they need the general path.
  bool store_event_fast(std::string_view name, Attributes attributes,
                        std::uint32_t limit, EventData& event) noexcept;
  // Moves the kept links' data to a fresh arena (LinkRetention::kLatest).
  void compact_links() noexcept;
  // LinkRetention::kContinue: records a link beyond the limit in the
  // current continuation span (started when needed, ended and handed to the
  // processors when full); false when it cannot (the cap on continuation
  // spans, a link limit of 0, out of memory), and the link is dropped.
  // Cold: only spans over their link limit get here.
  template <class AttributeRange>
  [[gnu::cold, gnu::noinline]] bool continue_link(
      const SpanContext& context, const AttributeRange& attributes) noexcept;
  // A started continuation span whose first link is the span's link
  // `first_index` (0-based); nullptr when out of memory.
  RecordingSpan* start_continuation(std::uint64_t first_index) noexcept;
  // Ends continuation_ (at `end_time`, or now) and hands it over.
  [[gnu::cold, gnu::noinline]] void end_continuation(
      std::optional<Timestamp> end_time) noexcept;
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
  // LinkRetention::kContinue only: the continuation span that takes the next
  // link beyond the limit, started and not yet full (and, below in
  // links_evicted_, how many continuation spans the span has started).
  RecordingSpan* continuation_ = nullptr;
  // Overwrites (update_name, set_status, set_attribute on a key it has)
  // leave old bytes behind in `arena`: once they outgrow both a floor and
  // the live data, compact() moves the live data to `compacted_`.
  std::unique_ptr<Arena> compacted_;
  std::uint32_t wasted_bytes_ = 0;
  std::uint32_t live_bytes_ = 0;  // measured at the last compaction
  // kLatest: links evicted since the last compaction of links_arena_;
  // kContinue: continuation spans started (it never evicts).
  std::uint32_t links_evicted_ = 0;
  bool drop_logged_ = false;
};

class SpanHeader final : public weft::SpanInterface {
 public:
  // The header in front of `span`.
  static SpanHeader* of(RecordingSpan* span) noexcept {
    return reinterpret_cast<SpanHeader*>(reinterpret_cast<char*>(span) - kSize);
  }

  // Bytes reserved in front of the RecordingSpan.
  static constexpr std::size_t kSize = 16;
  // The pool block of a span and its header.
  static constexpr std::size_t kBlockSize = kSize + sizeof(RecordingSpan);

 protected:
  void do_set_attribute(std::string_view key,
                        const AttributeView& value) noexcept override {
    span().set_attribute(key, value);
  }
  void do_add_event(std::string_view name, std::optional<Timestamp> timestamp,
                    Attributes attributes) noexcept override {
    span().add_event(name, timestamp, attributes);
  }
  void do_add_link(const SpanContext& context,
                   Attributes attributes) noexcept override {
    span().add_link(context, attributes);
  }
  void do_add_link(const Link& link) noexcept override {
    span().add_link(link);
  }
  void do_set_status(StatusCode code,
                     std::string_view description) noexcept override {
    span().set_status(code, description);
  }
  void do_update_name(std::string_view name) noexcept override {
    span().update_name(name);
  }
  void do_end(std::optional<Timestamp> end_time) noexcept override {
    span().end(end_time);  // may free the span, and then this header
  }
  void reclaim() noexcept override {
    this->~SpanHeader();
    block_pool::release<kBlockSize>(this);
  }

 private:
  RecordingSpan& span() noexcept {
    return *std::launder(reinterpret_cast<RecordingSpan*>(
        reinterpret_cast<char*>(this) + kSize));
  }
};

static_assert(sizeof(SpanHeader) <= SpanHeader::kSize &&
                  SpanHeader::kSize % alignof(RecordingSpan) == 0,
              "the RecordingSpan follows its header in the block");

inline void* RecordingSpan::operator new(std::size_t,
                                         const std::nothrow_t&) noexcept {
  void* block = block_pool::allocate<SpanHeader::kBlockSize>();
  if (block == nullptr) return nullptr;
  new (block) SpanHeader;
  return static_cast<char*>(block) + SpanHeader::kSize;
}

inline void RecordingSpan::operator delete(void* span, std::size_t) noexcept {
  SpanHeader::of(static_cast<RecordingSpan*>(span))->release();
}

}  // namespace weft::sdk
