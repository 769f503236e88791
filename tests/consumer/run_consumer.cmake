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

# The same C consumer built without CMake, as cgo or a Makefile would: flags from the
# installed relscore_c.pc (found through PKG_CONFIG_PATH only), then run against the
# installed shared library.
if(MODE STREQUAL "installed")
  find_program(pkg_config pkg-config REQUIRED)
  file(GLOB_RECURSE pc_file "${prefix}/*/relscore_c.pc")
  if(NOT pc_file)
    message(FATAL_ERROR "cmake --install did not install relscore_c.pc")
  endif()
  get_filename_component(pc_dir "${pc_file}" DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
  set(ENV{PKG_CONFIG_LIBDIR} "${pc_dir}")
  foreach(query modversion cflags libs libdir)
    set(option --${query})
    if(query STREQUAL "libdir")
      set(option --variable=libdir)
    endif()
    execute_process(COMMAND "${pkg_config}" ${option} relscore_c OUTPUT_VARIABLE pc_${query}
                    OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
      message(FATAL_ERROR "pkg-config ${option} relscore_c failed (${result})")
    endif()
  endforeach()
  if(NOT pc_modversion STREQUAL VERSION)
    message(FATAL_ERROR "relscore_c.pc says version '${pc_modversion}', the build is ${VERSION}")
  endif()
  separate_arguments(pc_cflags UNIX_COMMAND "${pc_cflags}")
  separate_arguments(pc_libs UNIX_COMMAND "${pc_libs}")
  run("${C_COMPILER}" -std=c11 "${SOURCE_DIR}/tests/consumer/consumer.c" -o "${WORK_DIR}/consumer_c_pkg_config"
      ${pc_cflags} ${pc_libs} -lm "-Wl,-rpath,${pc_libdir}")
  run("${WORK_DIR}/consumer_c_pkg_config")
endif()
