# Install rules and the CMake package: `cmake --install build --prefix P` installs the public
# headers, the engine libraries and verigradConfig.cmake (+ version file, exported targets).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(VERIGRAD_INSTALLED_TARGETS
  verigrad_ir verigrad_engine verigrad_scalars verigrad_exact verigrad_interval_scalar
  verigrad_interval)
foreach(target IN LISTS VERIGRAD_INSTALLED_TARGETS)
  string(REPLACE "verigrad_" "" export_name ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
  target_include_directories(${target} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()

install(TARGETS ${VERIGRAD_INSTALLED_TARGETS} EXPORT verigradTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY
    ${CMAKE_SOURCE_DIR}/engine/ir/include/
    ${CMAKE_SOURCE_DIR}/engine/include/
    ${CMAKE_SOURCE_DIR}/engine/scalar/include/
    ${CMAKE_SOURCE_DIR}/engine/exact/include/
    ${CMAKE_SOURCE_DIR}/engine/interval/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(VERIGRAD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/verigrad)
install(EXPORT verigradTargets NAMESPACE verigrad:: DESTINATION ${VERIGRAD_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/verigradConfig.cmake.in
  ${CMAKE_BINARY_DIR}/verigradConfig.cmake INSTALL_DESTINATION ${VERIGRAD_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/verigradConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
    ${CMAKE_BINARY_DIR}/verigradConfig.cmake
    ${CMAKE_BINARY_DIR}/verigradConfigVersion.cmake
    ${CMAKE_SOURCE_DIR}/cmake/VerigradLibraryDeps.cmake
  DESTINATION ${VERIGRAD_CMAKE_DIR})
