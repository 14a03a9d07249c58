# Install rules, the CMake package (instantConfig.cmake + version file) and
# the pkg-config files. Build-tree export() gives add_subdirectory and
# FetchContent users the same instant:: names.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(INSTANT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/instant)

install(TARGETS instant instant_c
  EXPORT instantTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/instant
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(EXPORT instantTargets
  NAMESPACE instant::
  DESTINATION ${INSTANT_CMAKE_DIR})
export(EXPORT instantTargets NAMESPACE instant::
  FILE ${PROJECT_BINARY_DIR}/instantTargets.cmake)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/instantConfig.cmake.in
  ${PROJECT_BINARY_DIR}/instantConfig.cmake
  INSTALL_DESTINATION ${INSTANT_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/instantConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/instantConfig.cmake
  ${PROJECT_BINARY_DIR}/instantConfigVersion.cmake
  DESTINATION ${INSTANT_CMAKE_DIR})

if(BUILD_SHARED_LIBS)
  set(INSTANT_PC_CFLAGS "")
  set(INSTANT_PC_LIBS_PRIVATE "")
  set(INSTANT_PC_REQUIRES_PRIVATE "libcurl, libcrypto")
else()
  set(INSTANT_PC_CFLAGS "-DINSTANT_STATIC")
  set(INSTANT_PC_LIBS_PRIVATE "-lstdc++ -lpthread")
  set(INSTANT_PC_REQUIRES_PRIVATE "libcurl, libcrypto")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/instant.pc.in
  ${PROJECT_BINARY_DIR}/instant.pc @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/instant_c.pc.in
  ${PROJECT_BINARY_DIR}/instant_c.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/instant.pc ${PROJECT_BINARY_DIR}/instant_c.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
