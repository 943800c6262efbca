#include "collector.h"

#include <google/protobuf/arena.h>
#include <grpc/compression.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <queue>
#include <sstream>
#include <thread>

#include "collector_http.h"
#include "collector_state.h"
#include "deadline.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "weft/otlp/rpc_status.pb.h"

namespace weft::tools {
namespace {

namespace otlp_collector = opentelemetry::proto::collector::trace::v1;
using Clock = Collector::State::Clock;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

grpc::ByteBuffer to_byte_buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// The largest request the collector accepts, compressed or inflated.
constexpr std::size_t kMaxRequestBytes = 64 * 1024 * 1024;

// gRPC hands the collector each request as it came off the wire (per-message
// decompression is switched off in Collector::start, a public channel
// argument), so that the collector can tell whether it was gzip-compressed
// without gRPC-private calls. A gzip stream begins with 1f 8b; a protobuf
// message never does (0x1f would be field 3 with the invalid wire type 7).
bool is_gzip(const std::vector<grpc::Slice>& slices) {
  unsigned char first[2];
  std::size_t have = 0;
  for (const grpc::Slice& slice : slices) {
    for (std::size_t i = 0; i < slice.size() && have < 2; ++i) {
      first[have++] = slice.begin()[i];
    }
  }
  return have == 2 && first[0] == 0x1f && first[1] == 0x8b;
}

// The inflated bytes of a gzip stream, or nothing when the stream is broken,
// truncated or inflates beyond kMaxRequestBytes.
std::optional<std::string> gunzip(const std::vector<grpc::Slice>& slices) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  std::string inflated;
  int result = Z_OK;
  for (const grpc::Slice& slice : slices) {
    stream.next_in = const_cast<Bytef*>(slice.begin());
    stream.avail_in = static_cast<uInt>(slice.size());
    while (stream.avail_in > 0 && result == Z_OK) {
      const std::size_t used = inflated.size();
      inflated.resize(used + 64 * 1024);
      stream.next_out = reinterpret_cast<Bytef*>(inflated.data() + used);
      stream.avail_out = 64 * 1024;
      result = inflate(&stream, Z_NO_FLUSH);
      inflated.resize(used + 64 * 1024 - stream.avail_out);
      if (inflated.size() > kMaxRequestBytes) result = Z_MEM_ERROR;
    }
  }
  inflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  return inflated;
}

}  // namespace

std::size_t count_spans(const ExportTraceServiceRequest& request) {
  std::size_t spans = 0;
  for (const auto& resource_spans : request.resource_spans()) {
    for (const auto& scope_spans : resource_spans.scope_spans()) {
      spans += static_cast<std::size_t>(scope_spans.spans_size());
    }
  }
  return spans;
}

std::uint64_t Collector::State::count_request() {
  std::uint64_t number = 0;
  {
    std::lock_guard<std::mutex> lock(mutex);
    number = ++stats.requests;
  }
  changed.notify_all();
  return number;
}

void Collector::State::count_malformed(const std::string& problem) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.requests_malformed;
  }
  changed.notify_all();
  if (options.on_malformed) options.on_malformed(problem);
}

Collector::State::Verdict Collector::State::settle(
    std::uint64_t number, const ExportTraceServiceRequest& request,
    const Describe& describe) {
  Verdict verdict;
  verdict.spans = count_spans(request);
  if (number <= options.fail_first) {
    verdict.failed_on_purpose = true;
    verdict.message = "weft collect: failing request " +
                      std::to_string(number) + " of " +
                      std::to_string(options.fail_first) + " on purpose";
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++stats.requests_failed_on_purpose;
      stats.spans_refused += verdict.spans;
    }
    changed.notify_all();
    return verdict;
  }

  {
    std::lock_guard<std::mutex> handler_lock(handler_mutex);
    if (handler) handler(request);
    if (options.keep_requests) {
      ReceivedRequest kept_request;
      kept_request.request.CopyFrom(request);
      kept_request.spans = verdict.spans;
      if (describe) describe(kept_request);
      std::lock_guard<std::mutex> lock(mutex);
      kept.push_back(std::move(kept_request));
    }
  }
  verdict.rejected = std::min<std::int64_t>(
      options.reject_spans, static_cast<std::int64_t>(verdict.spans));
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.requests_accepted;
    stats.spans_accepted += verdict.spans;
    stats.spans_rejected += static_cast<std::uint64_t>(verdict.rejected);
  }
  changed.notify_all();
  return verdict;
}

void Collector::State::wait_before_answer() {
  if (options.delay.count() <= 0) return;
  const Clock::time_point due = sdk::deadline_after(options.delay);
  std::unique_lock<std::mutex> lock(mutex);
  changed.wait_until(lock, due,
                     [&] { return stopping || Clock::now() >= due; });
}

grpc::Status Collector::State::handle(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer& request_bytes,
                                      grpc::ByteBuffer* response) {
  const std::uint64_t number = count_request();

  // Decoded into a message of this gRPC thread's own, reused by every
  // request it decodes: parsing clears it first but keeps the repeated
  // elements and string buffers it allocated, so requests of a similar
  // shape decode without allocating.
  thread_local const std::unique_ptr<ExportTraceServiceRequest> reused =
      std::make_unique<ExportTraceServiceRequest>();
  ExportTraceServiceRequest* const request = reused.get();
  const std::size_t size = request_bytes.Length();
  std::vector<grpc::Slice> slices;
  const bool compressed = request_bytes.Dump(&slices).ok() && is_gzip(slices);
  bool decoded = false;
  if (compressed) {
    const std::optional<std::string> inflated = gunzip(slices);
    decoded = inflated && request->ParseFromString(*inflated);
  } else {
    decoded = decode_request(request_bytes, *request);
  }
  if (!decoded) {
    const std::string problem =
        "cannot decode an ExportTraceServiceRequest from " +
        std::to_string(size) + " bytes sent by " + context->peer();
    count_malformed(problem);
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "weft collect: " + problem);
  }

  const Verdict verdict =
      settle(number, *request, [&](ReceivedRequest& kept_request) {
        for (const auto& [key, value] : context->client_metadata()) {
          kept_request.metadata.emplace(
              std::string(key.data(), key.size()),
              std::string(value.data(), value.size()));
        }
        kept_request.compressed = compressed;
      });
  if (verdict.failed_on_purpose) {
    std::string details;
    if (options.retry_after) {
      weft::otlp::rpc::Status status;
      status.set_code(static_cast<int>(options.fail_code));
      status.set_message(verdict.message);
      weft::otlp::rpc::RetryInfo info;
      info.mutable_retry_delay()->set_seconds(options.retry_after->count() /
                                              1000);
      info.mutable_retry_delay()->set_nanos(
          static_cast<int>(options.retry_after->count() % 1000 * 1000000));
      google::protobuf::Any* detail = status.add_details();
      detail->set_type_url("type.googleapis.com/google.rpc.RetryInfo");
      detail->set_value(info.SerializeAsString());
      details = status.SerializeAsString();
    }
    return grpc::Status(options.fail_code, verdict.message, details);
  }

  otlp_collector::ExportTraceServiceResponse answer;
  if (verdict.rejected > 0 || !options.partial_message.empty()) {
    answer.mutable_partial_success()->set_rejected_spans(verdict.rejected);
    answer.mutable_partial_success()->set_error_message(
        options.partial_message);
  }
  *response = to_byte_buffer(answer.SerializeAsString());
  return grpc::Status::OK;
}

void Collector::State::answer(grpc::ServerUnaryReactor* reactor,
                              grpc::Status status) {
  if (options.delay.count() > 0) {
    std::unique_lock<std::mutex> lock(mutex);
    if (!stopping) {
      pending.push(Pending{sdk::deadline_after(options.delay), reactor,
                           std::move(status)});
      changed.notify_all();
      return;
    }
  }
  reactor->Finish(std::move(status));
}

void Collector::State::run_delayer() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    if (pending.empty()) {
      if (stopping) return;
      changed.wait(lock);
      continue;
    }
    if (!stopping && Clock::now() < pending.top().due) {
      // A copy: wait_until reads the time again after waking, when a push
      // by a gRPC thread may have moved the queue's storage.
      const Clock::time_point due = pending.top().due;
      changed.wait_until(lock, due);
      continue;
    }
    Pending due = pending.top();
    pending.pop();
    lock.unlock();
    due.reactor->Finish(std::move(due.status));
    lock.lock();
  }
}

namespace {

class TraceService final
    : public otlp_collector::TraceService::WithRawCallbackMethod_Export<
          otlp_collector::TraceService::Service> {
 public:
  explicit TraceService(std::shared_ptr<Collector::State> state)
      : state_(std::move(state)) {}

  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    state_->answer(reactor, state_->handle(context, *request, response));
    return reactor;
  }

 private:
  std::shared_ptr<Collector::State> state_;
};

// The gRPC server's credentials: TLS (and mTLS) from the options' PEM files,
// or none.
sdk::Expected<std::shared_ptr<grpc::ServerCredentials>> grpc_credentials(
    const CollectorOptions& options) {
  using sdk::Error;
  if (options.tls_certificate_file.empty() && options.tls_key_file.empty()) {
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  for (auto [path, out] :
       {std::pair{&options.tls_certificate_file, &pair.cert_chain},
        std::pair{&options.tls_key_file, &pair.private_key}}) {
    std::optional<std::string> contents = read_file(*path);
    if (!contents || contents->empty()) {
      return Error{Error::kInvalidOption,
                   "cannot read the TLS file '" + *path + "'"};
    }
    *out = std::move(*contents);
  }
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.tls_client_ca_file.empty()) {
    std::optional<std::string> ca = read_file(options.tls_client_ca_file);
    if (!ca || ca->empty()) {
      return Error{Error::kInvalidOption, "cannot read the client CA file '" +
                                              options.tls_client_ca_file + "'"};
    }
    ssl.pem_root_certs = std::move(*ca);
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

std::optional<sdk::Error> Collector::start_grpc() {
  using sdk::Error;
  const CollectorOptions& options = state_->options;
  auto credentials = grpc_credentials(options);
  if (!credentials) return credentials.error();
  service_ = std::make_unique<TraceService>(state_);

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials.value(), &port_);
  builder.RegisterService(service_.get());
  builder.SetMaxReceiveMessageSize(static_cast<int>(kMaxRequestBytes));
  // Requests arrive as sent: handle() inflates gzip itself and so learns
  // which requests were compressed. deflate is refused (UNIMPLEMENTED), as
  // handle() does not inflate it; OTLP exporters send gzip or nothing.
  builder.AddChannelArgument(GRPC_ARG_ENABLE_PER_MESSAGE_DECOMPRESSION, 0);
  builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_DEFLATE, false);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    return Error{Error::kInvalidOption,
                 "cannot listen on '" + options.listen +
                     "' (expected host:port, free and allowed)"};
  }
  const std::size_t colon = options.listen.rfind(':');
  address_ = options.listen.substr(0, colon) + ":" + std::to_string(port_);
  return std::nullopt;
}

sdk::Expected<std::unique_ptr<Collector>> Collector::start(
    CollectorOptions options, RequestHandler handler) {
  using sdk::Error;
  if (options.listen.empty() && options.listen_http.empty()) {
    return Error{Error::kInvalidOption,
                 "nothing to listen on: give a gRPC or an HTTP address"};
  }
  std::unique_ptr<Collector> collector(new Collector());
  collector->state_ = std::make_shared<State>();
  collector->state_->options = std::move(options);
  collector->state_->handler = std::move(handler);
  const CollectorOptions& started = collector->state_->options;
  if (!started.listen.empty()) {
    if (std::optional<Error> error = collector->start_grpc()) return *error;
  }
  if (!started.listen_http.empty()) {
    auto http = HttpReceiver::start(collector->state_);
    if (!http) return http.error();
    collector->http_ = std::move(http).value();
    collector->http_address_ = collector->http_->address();
    collector->http_port_ = collector->http_->port();
  }
  State* state = collector->state_.get();
  collector->state_->delayer = std::thread([state] { state->run_delayer(); });
  return collector;
}

Collector::Collector() = default;

Collector::~Collector() { stop(); }

void Collector::stop() {
  if (!server_ && !http_) return;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stopping = true;
  }
  state_->changed.notify_all();
  if (state_->delayer.joinable()) state_->delayer.join();
  if (server_) {
    server_->Shutdown(sdk::deadline_after<std::chrono::system_clock>(
        std::chrono::seconds(2)));
    server_->Wait();
    server_.reset();
  }
  if (http_) {
    http_->stop();
    http_.reset();
  }
}

CollectorStats Collector::stats() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->stats;
}

bool Collector::wait_for_spans(std::uint64_t spans,
                               std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(state_->mutex);
  return state_->changed.wait_until(lock, sdk::deadline_after(timeout), [&] {
    return state_->stats.spans_accepted >= spans;
  });
}

bool Collector::wait_for_requests(std::uint64_t requests,
                                  std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(state_->mutex);
  return state_->changed.wait_until(lock, sdk::deadline_after(timeout), [&] {
    return state_->stats.requests >= requests;
  });
}

std::vector<ReceivedRequest> Collector::requests() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->kept;
}

bool decode_request(const grpc::ByteBuffer& bytes,
                    ExportTraceServiceRequest& request) {
  // Parsed straight from gRPC's slices, without copying them first.
  grpc::ByteBuffer readable(bytes);
  grpc::ProtoBufferReader reader(&readable);
  return reader.status().ok() && request.ParseFromZeroCopyStream(&reader);
}

std::optional<grpc::StatusCode> parse_status_code(std::string_view text) {
  static constexpr std::string_view kNames[] = {"OK",
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
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    if (upper == kNames[i] || upper == std::to_string(i)) {
      return static_cast<grpc::StatusCode>(i);
    }
  }
  return std::nullopt;
}

}  // namespace weft::tools
