#include "collector_http.h"

#include <httplib.h>

#include <algorithm>
#include <optional>
#include <string_view>

#include "collector_state.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_json.h"
#include "text.h"
#include "weft/otlp/rpc_status.pb.h"

namespace weft::tools {
namespace {

using sdk::Error;

constexpr char kTracesPath[] = "/v1/traces";
constexpr char kProtobufType[] = "application/x-protobuf";
constexpr char kJsonType[] = "application/json";

enum class Encoding { kProtobuf, kJson };

// The encoding that a Content-Type names ("application/json;
// charset=utf-8" is JSON), or nullopt for another type.
std::optional<Encoding> encoding_of(std::string_view content_type) {
  const std::string media = sdk::to_lower_ascii(
      sdk::trim(content_type.substr(0, content_type.find(';'))));
  if (media == kProtobufType) return Encoding::kProtobuf;
  if (media == kJsonType) return Encoding::kJson;
  return std::nullopt;
}

// Answers are in the request's encoding; protobuf when it has none of ours.
Encoding answer_encoding(const httplib::Request& request) {
  return encoding_of(request.get_header_value("Content-Type"))
      .value_or(Encoding::kProtobuf);
}

void set_body(httplib::Response& response,
              const google::protobuf::Message& message, Encoding encoding) {
  if (encoding == Encoding::kJson) {
    response.set_content(otlp::to_otlp_json(message), kJsonType);
  } else {
    response.set_content(message.SerializeAsString(), kProtobufType);
  }
}

// An error answer: the HTTP status with a google.rpc.Status body, as the
// OTLP/HTTP specification asks of every 4xx and 5xx.
void answer_error(httplib::Response& response, int http_status,
                  grpc::StatusCode code, const std::string& message,
                  Encoding encoding) {
  weft::otlp::rpc::Status status;
  status.set_code(static_cast<int>(code));
  status.set_message(message);
  response.status = http_status;
  set_body(response, status, encoding);
}

// The gRPC code that a google.rpc.Status body carries with an HTTP status
// that httplib chose itself (404 for another path, 400 for a broken request
// line, 413 for a Content-Length over the limit, ...).
grpc::StatusCode code_for(int http_status) {
  switch (http_status) {
    case 404:
      return grpc::StatusCode::NOT_FOUND;
    case 405:
      return grpc::StatusCode::UNIMPLEMENTED;
    case 413:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    default:
      return http_status < 500 ? grpc::StatusCode::INVALID_ARGUMENT
                               : grpc::StatusCode::INTERNAL;
  }
}

// POST /v1/traces: reads the body (bounded, inflated by httplib when gzip),
// decodes it, lets the collector settle it, answers.
void handle_export(Collector::State& state, const httplib::Request& request,
                   httplib::Response& response,
                   const httplib::ContentReader& read_body) {
  const std::uint64_t number = state.count_request();
  const std::string content_type = request.get_header_value("Content-Type");
  const std::optional<Encoding> encoding = encoding_of(content_type);
  const std::string content_encoding =
      request.get_header_value("Content-Encoding");
  const bool compressed = content_encoding == "gzip";
  // Counts the request as malformed and answers `http_status`. One refused
  // before or while its body is read also closes the connection, as the
  // rest of the body is not read.
  const auto refuse = [&](int http_status, const std::string& problem) {
    state.count_malformed(problem + " (from " + request.remote_addr + ")");
    state.wait_before_answer();
    answer_error(response, http_status, code_for(http_status),
                 "weft collect: " + problem,
                 encoding.value_or(Encoding::kProtobuf));
  };
  if (!encoding) {
    response.set_header("Connection", "close");
    return refuse(415, "cannot read a body of Content-Type '" +
                           sdk::printable(content_type) +
                           "' (expected application/x-protobuf or "
                           "application/json)");
  }
  if (!compressed && !content_encoding.empty() &&
      content_encoding != "identity") {
    response.set_header("Connection", "close");
    return refuse(415, "cannot read a body of Content-Encoding '" +
                           sdk::printable(content_encoding) +
                           "' (expected gzip or none)");
  }

  const std::size_t limit = state.options.max_request_bytes;
  std::string body;
  body.reserve(std::min<std::size_t>(
      limit, request.get_header_value<std::uint64_t>("Content-Length")));
  bool too_large = false;
  const bool read = read_body([&](const char* data, std::size_t size) {
    too_large = size > limit - body.size();
    if (!too_large) body.append(data, size);
    return !too_large;
  });
  if (!read) {
    response.set_header("Connection", "close");
    if (too_large || response.status == 413) {
      return refuse(413, "a request body over the limit of " +
                             std::to_string(limit) + " bytes" +
                             (compressed ? " (once inflated)" : ""));
    }
    return refuse(400, compressed ? "cannot inflate the gzip request body"
                                  : "cannot read the request body");
  }

  // Decoded into a message of this pool thread's own, reused as the gRPC
  // side does (see Collector::State::handle).
  thread_local const std::unique_ptr<ExportTraceServiceRequest> reused =
      std::make_unique<ExportTraceServiceRequest>();
  ExportTraceServiceRequest* const decoded = reused.get();
  std::string problem;
  const bool ok = *encoding == Encoding::kJson
                      ? otlp::from_otlp_json(body, *decoded, &problem)
                      : decoded->ParseFromString(body);
  if (!ok) {
    return refuse(
        400, "cannot decode an ExportTraceServiceRequest from " +
                 std::to_string(body.size()) + " bytes of " +
                 (*encoding == Encoding::kJson ? "OTLP/JSON" : "protobuf") +
                 (problem.empty() ? "" : ": " + problem));
  }

  const Collector::State::Verdict verdict =
      state.settle(number, *decoded, [&](ReceivedRequest& kept) {
        for (const auto& [name, value] : request.headers) {
          kept.metadata.emplace(sdk::to_lower_ascii(name), value);
        }
        kept.compressed = compressed;
        kept.over_http = true;
      });
  state.wait_before_answer();
  if (verdict.failed_on_purpose) {
    answer_error(response, state.options.fail_http_status,
                 state.options.fail_code, verdict.message, *encoding);
    if (state.options.retry_after) {
      const auto milliseconds = state.options.retry_after->count();
      response.set_header("Retry-After",
                          std::to_string((milliseconds + 999) / 1000));
    }
    return;
  }
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse answer;
  if (verdict.rejected > 0 || !state.options.partial_message.empty()) {
    answer.mutable_partial_success()->set_rejected_spans(verdict.rejected);
    answer.mutable_partial_success()->set_error_message(
        state.options.partial_message);
  }
  set_body(response, answer, *encoding);
}

// Another method on /v1/traces.
void refuse_method(const httplib::Request& request,
                   httplib::Response& response) {
  response.set_header("Allow", "POST");
  answer_error(response, 405, grpc::StatusCode::UNIMPLEMENTED,
               "weft collect: " + std::string(kTracesPath) +
                   " takes POST, not " + sdk::printable(request.method),
               answer_encoding(request));
}

// Gives httplib's own error answers (another path, a broken request, a
// Content-Length over the limit) the same google.rpc.Status body as ours.
httplib::Server::HandlerResponse describe_error(const httplib::Request& request,
                                                httplib::Response& response) {
  if (!response.body.empty()) {
    return httplib::Server::HandlerResponse::Unhandled;
  }
  const std::string message =
      response.status == 404
          ? "no such path: " + sdk::printable(request.path) +
                " (OTLP/HTTP traces go to POST " + kTracesPath + ")"
          : "cannot serve this request (HTTP " +
                std::to_string(response.status) + ")";
  answer_error(response, response.status, code_for(response.status),
               "weft collect: " + message, answer_encoding(request));
  return httplib::Server::HandlerResponse::Handled;
}

// Makes the server: TLS with the options' PEM files (mTLS with a client
// CA), or plain HTTP.
sdk::Expected<std::unique_ptr<httplib::Server>> make_server(
    const CollectorOptions& options) {
  if (options.tls_certificate_file.empty()) {
    return std::make_unique<httplib::Server>();
  }
  auto server = std::make_unique<httplib::SSLServer>(
      options.tls_certificate_file.c_str(), options.tls_key_file.c_str(),
      options.tls_client_ca_file.empty() ? nullptr
                                         : options.tls_client_ca_file.c_str());
  if (!server->is_valid()) {
    return Error{
        Error::kInvalidOption,
        "cannot serve HTTPS with the certificate '" +
            options.tls_certificate_file + "', the key '" +
            options.tls_key_file + "'" +
            (options.tls_client_ca_file.empty()
                 ? std::string()
                 : " and the client CA '" + options.tls_client_ca_file + "'")};
  }
  return std::unique_ptr<httplib::Server>(std::move(server));
}

}  // namespace

sdk::Expected<std::unique_ptr<HttpReceiver>> HttpReceiver::start(
    std::shared_ptr<Collector::State> state) {
  const CollectorOptions& options = state->options;
  const std::string& listen = options.listen_http;
  const std::size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon == std::string::npos ? 0 : colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]
  }
  const Error cannot_listen{Error::kInvalidOption,
                            "cannot listen for OTLP/HTTP on '" + listen +
                                "' (expected host:port, free and allowed)"};
  if (colon == std::string::npos || host.empty()) return cannot_listen;
  int port = -1;
  if (const auto number = sdk::parse_unsigned<std::uint16_t>(
          std::string_view(listen).substr(colon + 1))) {
    port = *number;
  }
  if (port < 0) return cannot_listen;

  auto server = make_server(options);
  if (!server) return server.error();
  std::unique_ptr<HttpReceiver> receiver(new HttpReceiver());
  receiver->state_ = std::move(state);
  receiver->server_ = std::move(server).value();
  httplib::Server& http = *receiver->server_;
  Collector::State* shared = receiver->state_.get();
  http.Post(kTracesPath, [shared](const httplib::Request& request,
                                  httplib::Response& response,
                                  const httplib::ContentReader& read_body) {
    handle_export(*shared, request, response, read_body);
  });
  http.Get(kTracesPath, refuse_method);
  http.Put(kTracesPath, refuse_method);
  http.Patch(kTracesPath, refuse_method);
  http.Delete(kTracesPath, refuse_method);
  http.Options(kTracesPath, refuse_method);
  http.set_error_handler(httplib::Server::HandlerWithResponse(describe_error));
  http.set_payload_max_length(options.max_request_bytes);
  // An exporter keeps one connection for all its requests; httplib's
  // default would close it after every 5th. An idle connection is closed
  // after 2 s (httplib's default: 5 s): stop() waits that long for a client
  // that keeps one open, as httplib's workers do not see the stop sooner.
  http.set_keep_alive_max_count(1000000);
  http.set_keep_alive_timeout(2);

  const int bound = port == 0 ? http.bind_to_any_port(host)
                    : http.bind_to_port(host, port) ? port
                                                    : -1;
  if (bound <= 0) return cannot_listen;
  receiver->port_ = bound;
  receiver->address_ = listen.substr(0, colon) + ":" + std::to_string(bound);
  receiver->listener_ = std::thread([&http] { http.listen_after_bind(); });
  // stop() can only end a server that already runs its accept loop.
  for (int waited = 0; !http.is_running() && waited < 5000; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return receiver;
}

HttpReceiver::~HttpReceiver() { stop(); }

void HttpReceiver::stop() {
  if (!server_) return;
  server_->stop();
  if (listener_.joinable()) listener_.join();
  server_.reset();
}

}  // namespace weft::tools
