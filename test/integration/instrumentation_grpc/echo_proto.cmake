# weft_test_echo_proto: the C++ code of weft_test/echo.proto (the services the
# gRPC instrumentation tests and benchmark call), generated with protoc and
# grpc_cpp_plugin as proto/ does. Included by this folder's CMakeLists.txt
# and by test/bench (which is built without the tests); defined once.
if(TARGET weft_test_echo_proto)
  return()
endif()
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)

set(echo_dir "${CMAKE_CURRENT_LIST_DIR}")
set(echo_generated_dir "${CMAKE_CURRENT_BINARY_DIR}/echo_generated")
file(MAKE_DIRECTORY "${echo_generated_dir}")
get_target_property(echo_grpc_cpp_plugin gRPC::grpc_cpp_plugin LOCATION)
set(echo_generated
  "${echo_generated_dir}/weft_test/echo.pb.cc"
  "${echo_generated_dir}/weft_test/echo.pb.h"
  "${echo_generated_dir}/weft_test/echo.grpc.pb.cc"
  "${echo_generated_dir}/weft_test/echo.grpc.pb.h")
add_custom_command(
  OUTPUT ${echo_generated}
  COMMAND protobuf::protoc
          --proto_path=${echo_dir}
          --cpp_out=${echo_generated_dir} --grpc_out=${echo_generated_dir}
          --plugin=protoc-gen-grpc=${echo_grpc_cpp_plugin}
          ${echo_dir}/weft_test/echo.proto
  DEPENDS ${echo_dir}/weft_test/echo.proto protobuf::protoc
  COMMENT "protoc weft_test/echo.proto"
  VERBATIM)
# Generated code: no warnings, headers seen as system headers.
add_library(weft_test_echo_proto STATIC ${echo_generated})
target_compile_features(weft_test_echo_proto PUBLIC cxx_std_17)
target_compile_options(weft_test_echo_proto PRIVATE -w)
target_include_directories(weft_test_echo_proto SYSTEM PUBLIC
  "${echo_generated_dir}")
target_link_libraries(weft_test_echo_proto PUBLIC protobuf::libprotobuf
  gRPC::grpc++)
