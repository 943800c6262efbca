# Applies WEFT_SANITIZE to everything built in this tree (weft's code, tests,
# tools and samples alike), so instrumented and uninstrumented code never mix
# within weft. Libraries from Debian (gRPC, protobuf) stay uninstrumented:
# tests that exercise them under TSan carry the ctest label `no_tsan`.
include_guard(GLOBAL)

if(WEFT_SANITIZE STREQUAL "")
  return()
elseif(WEFT_SANITIZE STREQUAL "address")
  set(flags -fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(WEFT_SANITIZE STREQUAL "thread")
  set(flags -fsanitize=thread)
else()
  message(FATAL_ERROR
    "WEFT_SANITIZE='${WEFT_SANITIZE}': use 'address' (ASan+UBSan), "
    "'thread' (TSan) or leave it empty")
endif()
list(APPEND flags -fno-omit-frame-pointer)
add_compile_options(${flags})
add_link_options(${flags})
message(STATUS "weft: sanitizer flags ${flags}")
