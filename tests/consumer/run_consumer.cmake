# Configures, builds and runs one consumer project; run by CTest:
#   cmake -DMODE=installed|subdirectory -DSOURCE_DIR=<relscore> -DBINARY_DIR=<relscore build>
#         -DWORK_DIR=<scratch> -DGENERATOR=<generator> -P run_consumer.cmake
# MODE=installed first installs the relscore build into WORK_DIR/prefix, so the consumer
# finds only what `cmake --install` put there.
cmake_minimum_required(VERSION 3.21)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "failed (${result}): ${command}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(consumer_build "${WORK_DIR}/build")
if(MODE STREQUAL "installed")
  set(prefix "${WORK_DIR}/prefix")
  run("${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${prefix}")
  foreach(expected include/relscore/relscore.hpp include/relscore/relscore.h)
    if(NOT EXISTS "${prefix}/${expected}")
      message(FATAL_ERROR "cmake --install did not install ${expected}")
    endif()
  endforeach()
  set(configure_args "-DCMAKE_PREFIX_PATH=${prefix}")
elseif(MODE STREQUAL "subdirectory")
  set(configure_args "-DRELSCORE_SOURCE_DIR=${SOURCE_DIR}")
else()
  message(FATAL_ERROR "MODE must be installed or subdirectory, got '${MODE}'")
endif()

run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/consumer/${MODE}" -B "${consumer_build}" -G "${GENERATOR}"
    -DCMAKE_BUILD_TYPE=Release ${configure_args})
run("${CMAKE_COMMAND}" --build "${consumer_build}" --parallel 2)
run("${consumer_build}/consumer_cpp")
run("${consumer_build}/consumer_c")
