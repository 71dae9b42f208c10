# Runs one guide example and compares what it prints with the guide's output block.
execute_process(COMMAND ${PROGRAM} OUTPUT_VARIABLE actual RESULT_VARIABLE status)
file(READ ${EXPECTED} expected)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}; it printed:\n${actual}")
endif()
if(NOT expected STREQUAL "" AND NOT actual STREQUAL expected)
  message(FATAL_ERROR "output differs from the guide.\n--- guide:\n${expected}--- actual:\n${actual}")
endif()
