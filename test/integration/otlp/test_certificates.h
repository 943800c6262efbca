// Certificates made at test time by the openssl command (WEFT_OPENSSL): a
// CA, a server certificate for 127.0.0.1/localhost and a client
// certificate, both signed by the CA (EC P-256 keys: quick to make). Made
// once per test process, in WEFT_TEST_TMPDIR. Used by the OTLP/gRPC and
// OTLP/HTTP TLS tests. Not thread-safe (tests call it from one thread).
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "child_process.h"

namespace weft::testing {

struct Certificates {
  std::string directory;
  std::string ca;
  std::string server_certificate;
  std::string server_key;
  std::string client_certificate;
  std::string client_key;
};

inline void run_openssl(const std::vector<std::string>& arguments) {
  std::vector<std::string> command = {WEFT_OPENSSL};
  command.insert(command.end(), arguments.begin(), arguments.end());
  ChildProcess openssl(command);
  REQUIRE(openssl.started());
  const auto status = openssl.wait_exit(std::chrono::seconds(60));
  INFO(openssl.err_text());
  REQUIRE(status == 0);
}

inline const Certificates& certificates() {
  static const Certificates made = [] {
    Certificates c;
    c.directory = std::string(WEFT_TEST_TMPDIR) + "/tls-" +
                  std::to_string(static_cast<long>(getpid()));
    std::filesystem::create_directories(c.directory);
    const std::string d = c.directory + "/";
    c.ca = d + "ca.pem";
    c.server_certificate = d + "server.pem";
    c.server_key = d + "server.key";
    c.client_certificate = d + "client.pem";
    c.client_key = d + "client.key";
    const std::vector<std::string> ec = {
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
    auto with = [](std::vector<std::string> a,
                   const std::vector<std::string>& b) {
      a.insert(a.end(), b.begin(), b.end());
      return a;
    };
    run_openssl(with({"req", "-x509"},
                     with(ec, {"-keyout", d + "ca.key", "-out", c.ca, "-days",
                               "2", "-subj", "/CN=weft test CA"})));
    {
      std::FILE* extensions = std::fopen((d + "server.ext").c_str(), "w");
      REQUIRE(extensions != nullptr);
      std::fputs("subjectAltName=DNS:localhost,IP:127.0.0.1\n", extensions);
      std::fclose(extensions);
    }
    for (const auto& [name, subject, extension] :
         {std::tuple<std::string, std::string, std::string>{
              "server", "/CN=localhost", d + "server.ext"},
          {"client", "/CN=weft test client", ""}}) {
      run_openssl(
          with({"req"}, with(ec, {"-keyout", d + name + ".key", "-out",
                                  d + name + ".csr", "-subj", subject})));
      std::vector<std::string> sign = {"x509",
                                       "-req",
                                       "-in",
                                       d + name + ".csr",
                                       "-CA",
                                       c.ca,
                                       "-CAkey",
                                       d + "ca.key",
                                       "-CAcreateserial",
                                       "-out",
                                       d + name + ".pem",
                                       "-days",
                                       "2"};
      if (!extension.empty()) {
        sign.push_back("-extfile");
        sign.push_back(extension);
      }
      run_openssl(sign);
    }
    return c;
  }();
  return made;
}

}  // namespace weft::testing
