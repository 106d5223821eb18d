# check_workloads.cmake - the CTest entry bench_workloads: the workloads
# are named in three places, one per language that needs the list
# (bench/CMakeLists.txt builds the C programs, bench/go/main.go selects the
# Go one, scripts/bench runs them); fail unless all three name the same
# workloads in the same order.  The same for scripts/fidelity's workloads
# (bench/go/fidelity.go, scripts/fidelity).
#   cmake -DWORKLOADS="a;b" -DFIDELITY="c;d" -DSOURCE_DIR=... -P check_workloads.cmake

file(STRINGS ${SOURCE_DIR}/scripts/bench _line REGEX "^workloads=\\(")
string(REGEX REPLACE "^workloads=\\(([^)]*)\\).*" "\\1" _script "${_line}")
string(REPLACE " " ";" _script "${_script}")

file(STRINGS ${SOURCE_DIR}/bench/go/main.go _rows REGEX "^\t\\{\"[a-z-]+\", ")
set(_go "")
foreach(r ${_rows})
  string(REGEX REPLACE "^\t\\{\"([a-z-]+)\".*" "\\1" _name "${r}")
  list(APPEND _go ${_name})
endforeach()

if(NOT _script STREQUAL WORKLOADS OR NOT _go STREQUAL WORKLOADS)
  message(FATAL_ERROR "the benchmark workloads differ:\n"
                      "  bench/CMakeLists.txt: ${WORKLOADS}\n"
                      "  scripts/bench:        ${_script}\n"
                      "  bench/go/main.go:     ${_go}")
endif()

file(STRINGS ${SOURCE_DIR}/scripts/fidelity _line REGEX "^workloads=\\(")
string(REGEX REPLACE "^workloads=\\(([^)]*)\\).*" "\\1" _fscript "${_line}")
string(REPLACE " " ";" _fscript "${_fscript}")
file(STRINGS ${SOURCE_DIR}/bench/go/fidelity.go _rows REGEX "^\t\\{\"[a-z-]+\", ")
set(_fgo "")
foreach(r ${_rows})
  string(REGEX REPLACE "^\t\\{\"([a-z-]+)\".*" "\\1" _name "${r}")
  list(APPEND _fgo ${_name})
endforeach()
if(NOT _fscript STREQUAL FIDELITY OR NOT _fgo STREQUAL FIDELITY)
  message(FATAL_ERROR "the fidelity workloads differ:\n"
                      "  bench/CMakeLists.txt:  ${FIDELITY}\n"
                      "  scripts/fidelity:      ${_fscript}\n"
                      "  bench/go/fidelity.go:  ${_fgo}")
endif()
message(STATUS "bench workloads: ${WORKLOADS}; fidelity workloads: ${FIDELITY}")
