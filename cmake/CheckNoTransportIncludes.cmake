# cmake -D DIRECTORY=<folder> -P CheckNoTransportIncludes.cmake
# Fails when a .h or .cc file under DIRECTORY includes a transport library's
# header (gRPC, libcurl, cpp-httplib): exporters/otlp_common must stay
# usable by every transport without pulling one in.
file(GLOB_RECURSE files "${DIRECTORY}/*.h" "${DIRECTORY}/*.cc")
set(offenders)
foreach(file IN LISTS files)
  file(STRINGS "${file}" includes
       REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](grpc|grpcpp|curl|httplib)[/.]")
  foreach(line IN LISTS includes)
    list(APPEND offenders "${file}: ${line}")
  endforeach()
endforeach()
if(offenders)
  list(JOIN offenders "\n" text)
  message(FATAL_ERROR "transport headers included in ${DIRECTORY}:\n${text}")
endif()
message(STATUS "${DIRECTORY}: no transport header included")
