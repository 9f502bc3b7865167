# streamgate_add_plugin(<name> SOURCES <files>...)
#
# Builds the plugin <name> as a loadable module "streamgate-<name>" against the
# SDK: hidden visibility (only the descriptor is exported), linked to the core
# library only. Used in-tree and by out-of-tree plugins after
# find_package(streamgate).
function(streamgate_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  set(target streamgate-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE streamgate::core)
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON)
  if(DEFINED STREAMGATE_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${STREAMGATE_PLUGIN_OUTPUT_DIR})
  endif()
  if(DEFINED STREAMGATE_PLUGIN_INSTALL_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${STREAMGATE_PLUGIN_INSTALL_DIR})
  endif()
  if(COMMAND streamgate_warnings)
    streamgate_warnings(${target})
  endif()
endfunction()
