# The sources of the weft command's parsing libraries, in one place: included
# by tools/weft/CMakeLists.txt, and by test/fuzz/CMakeLists.txt, which
# compiles the same parsers again with coverage instrumentation.
#   weft_collector_sources    the collector engine (OTLP/gRPC and OTLP/HTTP)
#   weft_otlp_json_sources    the OTLP/JSON writer and reader it uses (in
#                             weft_otlp_common_source_dir, exporters/otlp_common)
#   weft_view_parser_sources  `weft view` without its command-line front end
set(weft_tool_dir "${CMAKE_CURRENT_LIST_DIR}")
set(weft_collector_sources
  "${weft_tool_dir}/collector.cc" "${weft_tool_dir}/collector_http.cc")
get_filename_component(weft_otlp_common_source_dir
  "${weft_tool_dir}/../../exporters/otlp_common/src" ABSOLUTE)
set(weft_otlp_json_sources "${weft_otlp_common_source_dir}/otlp_json.cc")
set(weft_view_parser_sources
  "${weft_tool_dir}/view_model.cc" "${weft_tool_dir}/view_render.cc"
  "${weft_tool_dir}/terminal_text.cc")
