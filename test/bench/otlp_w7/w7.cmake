# weft_w7: workloads W7 and W7b of shared/BENCH.md, OTLP/gRPC end to end
# against `weft collect --count-only` running as another process, and W9,
# the same over OTLP/HTTP (`weft collect --listen-http`). A program
# of its own (not part of weft_bench) because it measures its own peak RSS.
# Included by test/bench/CMakeLists.txt when the OTLP exporter and the weft
# command are built.
set(weft_w7_dir "${PROJECT_SOURCE_DIR}/test/bench/otlp_w7")
add_executable(weft_w7 "${weft_w7_dir}/w7_main.cc")
target_link_libraries(weft_w7 PRIVATE
  weft::sdk weft::exporter_otlp_grpc weft::exporter_otlp_http Threads::Threads)
target_include_directories(weft_w7 PRIVATE
  "${PROJECT_SOURCE_DIR}/test/integration/otlp")
target_compile_definitions(weft_w7 PRIVATE
  "WEFT_PROGRAM=\"$<TARGET_FILE:weft>\"")
add_dependencies(weft_w7 weft)
weft_set_warnings(weft_w7)
