// The README's configuration table must list every variable the SDK reads.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "weft/sdk/environment.h"

TEST_CASE("the README documents every environment variable weft reads",
          "[docs]") {
  std::ifstream file(std::string(WEFT_SOURCE_DIR) + "/README.md");
  REQUIRE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  const std::string readme = text.str();
  for (std::size_t i = 0; i < weft::sdk::kEnvironmentVariableCount; ++i) {
    const std::string name(weft::sdk::kEnvironmentVariables[i].name);
    CAPTURE(name);
    CHECK(readme.find("`" + name + "`") != std::string::npos);
  }
}
