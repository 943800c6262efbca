// Catch2 v2's main for every Catch2 test executable of weft (linked through
// the weft_test_main library, compiled once per build tree).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
