# Install rules, the CMake package (instantConfig.cmake + version file) and
# the pkg-config files. Build-tree export() gives add_subdirectory and
# FetchContent users the same instant:: names. Also used when instant is a
# subproject with INSTANT_INSTALL=ON: the parent's install then carries
# instant and its package, so the parent can export targets linking it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(INSTANT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/instant)

# Every build installs a shared libinstant_c (FFI users need a .so): in a
# static build instant_c_shared is that library (docs/abi.md).
set(_instant_install_targets instant)
if(TARGET instant_c)
  list(APPEND _instant_install_targets instant_c)
  get_target_property(_instant_c_shared_real instant_c_shared ALIASED_TARGET)
  if(NOT _instant_c_shared_real)
    list(APPEND _instant_install_targets instant_c_shared)
  endif()
endif()
install(TARGETS ${_instant_install_targets}
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

# pkg-config. instant.pc: a shared install hides its dependencies
# (Requires.private); a static one hands them to every consumer, so
# `pkg-config --libs instant` links it completely against the system's shared
# libcurl and libcrypto. instant_c.pc describes the shared libinstant_c that
# every install has; Libs.private lists the C++ runtime a C linker needs for
# the static libinstant_c.a of a static install.
set(INSTANT_PC_RUNTIME "")
foreach(_lib IN LISTS INSTANT_CXX_RUNTIME_LIBS)
  string(APPEND INSTANT_PC_RUNTIME " -l${_lib}")
endforeach()
string(APPEND INSTANT_PC_RUNTIME " -lpthread")
string(STRIP "${INSTANT_PC_RUNTIME}" INSTANT_PC_RUNTIME)
if(BUILD_SHARED_LIBS)
  set(INSTANT_PC_CFLAGS "")
  set(INSTANT_PC_REQUIRES "")
  set(INSTANT_PC_REQUIRES_PRIVATE "libcurl, libcrypto")
  set(INSTANT_PC_LIBS "")
else()
  set(INSTANT_PC_CFLAGS "-DINSTANT_STATIC")
  set(INSTANT_PC_REQUIRES "libcurl, libcrypto")
  set(INSTANT_PC_REQUIRES_PRIVATE "")
  set(INSTANT_PC_LIBS "${INSTANT_PC_RUNTIME}")
endif()
set(INSTANT_PC_C_LIBS_PRIVATE "${INSTANT_PC_RUNTIME}")
# Relocatable: the prefix is found from the .pc file's own place, so the
# tree works wherever `cmake --install --prefix` put it.
file(RELATIVE_PATH _instant_pc_up "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" _instant_pc_up "${_instant_pc_up}")
set(INSTANT_PC_PREFIX "\${pcfiledir}/${_instant_pc_up}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/instant.pc.in
  ${PROJECT_BINARY_DIR}/instant.pc @ONLY)
set(_instant_pc_files ${PROJECT_BINARY_DIR}/instant.pc)
if(TARGET instant_c)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/instant_c.pc.in
    ${PROJECT_BINARY_DIR}/instant_c.pc @ONLY)
  list(APPEND _instant_pc_files ${PROJECT_BINARY_DIR}/instant_c.pc)
endif()
install(FILES ${_instant_pc_files} DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
