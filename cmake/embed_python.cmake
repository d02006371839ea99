# Embeds the gradlab-language sources of torch.nn and torch.optim (core/nn/*.py,
# core/optim/*.py) into the core library as C++ raw strings (declared in core/nn/nn_sources.h).
# The .cpp files are generated in the build directory at build time and rebuilt when a .py
# changes; they are never committed.
#
# Included by CMakeLists.txt after gradlab_core is defined. The same file also runs as a
# script (cmake -DINPUT=... -DOUTPUT=... -DSYMBOL=... -P embed_python.cmake) to write one .cpp.
if(CMAKE_SCRIPT_MODE_FILE)
  file(READ "${INPUT}" text)
  string(FIND "${text}" ")GRADLAB_PY\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )GRADLAB_PY\"")
  endif()
  file(WRITE "${OUTPUT}.tmp"
    "// Generated from ${INPUT} by cmake/embed_python.cmake. Do not edit.\n"
    "#include \"nn/nn_sources.h\"\n"
    "const char* const gradlab::nn_sources::${SYMBOL} = R\"GRADLAB_PY(${text})GRADLAB_PY\";\n")
  file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
  file(REMOVE "${OUTPUT}.tmp")
  return()
endif()

set(GRADLAB_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_FILE})
set(GRADLAB_EMBEDDED_PY  # symbol, source (one module each)
  kModule core/nn/module.py
  kNn core/nn/nn.py
  kFunctional core/nn/functional.py
  kInit core/nn/init.py
  kOptim core/optim/optim.py
  kLrScheduler core/optim/lr_scheduler.py)
set(GRADLAB_EMBEDDED_CPP)
while(GRADLAB_EMBEDDED_PY)
  list(POP_FRONT GRADLAB_EMBEDDED_PY symbol source)
  get_filename_component(stem ${source} NAME_WE)
  get_filename_component(dir ${source} DIRECTORY)
  get_filename_component(dir ${dir} NAME)
  set(output ${CMAKE_BINARY_DIR}/generated/${dir}_${stem}_py.cpp)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${CMAKE_SOURCE_DIR}/${source} -DOUTPUT=${output}
            -DSYMBOL=${symbol} -P ${GRADLAB_EMBED_SCRIPT}
    DEPENDS ${CMAKE_SOURCE_DIR}/${source} ${GRADLAB_EMBED_SCRIPT}
    COMMENT "Embedding ${source}"
    VERBATIM)
  list(APPEND GRADLAB_EMBEDDED_CPP ${output})
endwhile()
target_sources(gradlab_core PRIVATE ${GRADLAB_EMBEDDED_CPP})
