# Installs relscore as a CMake package: `find_package(relscore 0.1 CONFIG REQUIRED)` then
# link relscore::relscore (C++) or relscore::relscore_c (the C API's shared library).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_relscore_targets relscore)
if(TARGET relscore_c)
  list(APPEND _relscore_targets relscore_c)
endif()
install(TARGETS ${_relscore_targets}
  EXPORT relscoreTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# eval/ is left out: its link predictors are built only for evaluation (relscore_eval).
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/relscore" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  PATTERN "eval" EXCLUDE)

set(_relscore_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/relscore")
install(EXPORT relscoreTargets NAMESPACE relscore:: DESTINATION "${_relscore_cmake_dir}")
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/relscoreConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/relscoreConfig.cmake"
  INSTALL_DESTINATION "${_relscore_cmake_dir}")
# While the version is 0.x, a minor release may break the API (the inline namespace is
# v0_1), so `find_package(relscore 0.1)` accepts 0.1.x only. From 1.0 on: SameMajorVersion.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_relscore_compatibility SameMinorVersion)
else()
  set(_relscore_compatibility SameMajorVersion)
endif()
write_basic_package_version_file("${PROJECT_BINARY_DIR}/relscoreConfigVersion.cmake"
  COMPATIBILITY ${_relscore_compatibility})
install(FILES "${PROJECT_BINARY_DIR}/relscoreConfig.cmake" "${PROJECT_BINARY_DIR}/relscoreConfigVersion.cmake"
  DESTINATION "${_relscore_cmake_dir}")

# pkg-config for the C API (relscore_c.pc), for callers that do not build with CMake.
# Paths relative to the .pc file (${pcfiledir}) keep an installed tree movable, as the
# CMake package is; absolute install directories are written as they are.
if(TARGET relscore_c)
  set(_relscore_pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
  if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
    set(RELSCORE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
    set(RELSCORE_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
    set(RELSCORE_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
  else()
    file(RELATIVE_PATH _relscore_pc_up "/prefix/${_relscore_pc_dir}" "/prefix")
    string(REGEX REPLACE "/$" "" _relscore_pc_up "${_relscore_pc_up}")
    set(RELSCORE_PC_PREFIX "\${pcfiledir}/${_relscore_pc_up}")
    set(RELSCORE_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
    set(RELSCORE_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
  endif()
  configure_file("${PROJECT_SOURCE_DIR}/cmake/relscore_c.pc.in" "${PROJECT_BINARY_DIR}/relscore_c.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/relscore_c.pc" DESTINATION "${_relscore_pc_dir}")
endif()
