# ctest `install_consumer`: installs this build tree into a fresh prefix, then
# configures, builds and runs test/install_consumer against that prefix alone,
# the way an application would use an installed weft.
# cmake -D BUILD_DIR=... -D CONSUMER_SOURCE_DIR=... -D WORK_DIR=...
#       -D CXX_COMPILER=... -D BUILD_TYPE=... -P RunInstallConsumer.cmake

function(run step)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "install_consumer: ${step} failed (${result}):\n"
                        "${ARGN}\n${output}")
  endif()
  set(output "${output}" PARENT_SCOPE)
endfunction()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")

run("install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(expected
    include/weft/weft.h include/weft/sdk/span_data.h
    include/weft/exporters/console_exporter.h)
  if(NOT EXISTS "${prefix}/${expected}")
    message(FATAL_ERROR "install_consumer: ${expected} is not installed")
  endif()
endforeach()

run("configure" "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}"
    -B "${consumer_build}"
    "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
if(NOT output MATCHES "weft_DIR=${prefix}/")
  message(FATAL_ERROR "install_consumer: weft was not found in ${prefix}:\n"
                      "${output}")
endif()
run("build" "${CMAKE_COMMAND}" --build "${consumer_build}")
foreach(program weft_install_consumer weft_install_consumer_from_environment)
  run("run" "${consumer_build}/${program}")
  message(STATUS "${program} output:\n${output}")
  # The console exporter printed the span with its link.
  foreach(expected "consume" "4bf92f3577b34da6a3ce929d0e0e4736" "triggered_by")
    string(FIND "${output}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR
        "install_consumer: `${expected}` missing from the span ${program} "
        "exported")
    endif()
  endforeach()
endforeach()
