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

# pkg-config: a shared install hides its dependencies (Requires.private); a
# static install must hand them to every consumer, so `pkg-config --libs`
# (without --static) links it completely against the system's shared
# libcurl and libcrypto.
if(BUILD_SHARED_LIBS)
  set(INSTANT_PC_CFLAGS "")
  set(INSTANT_PC_REQUIRES "")
  set(INSTANT_PC_REQUIRES_PRIVATE "libcurl, libcrypto")
  set(INSTANT_PC_LIBS "")
  set(INSTANT_PC_C_LIBS "")
  set(INSTANT_PC_C_LIBS_PRIVATE "-linstant")
else()
  set(INSTANT_PC_CFLAGS "-DINSTANT_STATIC")
  set(INSTANT_PC_REQUIRES "libcurl, libcrypto")
  set(INSTANT_PC_REQUIRES_PRIVATE "")
  set(INSTANT_PC_LIBS "-lstdc++ -lm -lpthread")
  set(INSTANT_PC_C_LIBS "-linstant -lstdc++ -lm -lpthread")
  set(INSTANT_PC_C_LIBS_PRIVATE "")
endif()
# Relocatable: the prefix is found from the .pc file's own place, so the
# tree works wherever `cmake --install --prefix` put it.
file(RELATIVE_PATH _instant_pc_up "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" _instant_pc_up "${_instant_pc_up}")
set(INSTANT_PC_PREFIX "\${pcfiledir}/${_instant_pc_up}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/instant.pc.in
  ${PROJECT_BINARY_DIR}/instant.pc @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/instant_c.pc.in
  ${PROJECT_BINARY_DIR}/instant_c.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/instant.pc ${PROJECT_BINARY_DIR}/instant_c.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
