// Every variable the SDK reads is documented: docs/configuration.md lists
// each one, and the README's configuration section links that page.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "weft/sdk/environment.h"

namespace {

std::string read_source_file(const std::string& path) {
  std::ifstream file(std::string(WEFT_SOURCE_DIR) + "/" + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE(
    "docs/configuration.md documents every environment variable weft reads "
    "and the README links it",
    "[docs]") {
  const std::string readme = read_source_file("README.md");
  const std::string configuration = read_source_file("docs/configuration.md");
  REQUIRE(!readme.empty());
  REQUIRE(!configuration.empty());
  CHECK(readme.find("(docs/configuration.md)") != std::string::npos);
  for (std::size_t i = 0; i < weft::sdk::kEnvironmentVariableCount; ++i) {
    const std::string name(weft::sdk::kEnvironmentVariables[i].name);
    CAPTURE(name);
    CHECK(configuration.find("`" + name + "`") != std::string::npos);
  }
}
