/*
 * scenario.c - a scenario run on the native backend: the interpreter's
 * main goroutine (scenarios/interp.c, compiled with this backend's
 * runtime) under native_run_program.  The one function `gsched run
 * --backend native` calls (see CMakeLists.txt: the bundle).
 */
#include "native.h"
#include "sc.h"

int native_run_scenario(const struct native_config *cfg, int32_t gomaxprocs, struct sc_run *run,
                        struct native_result *res)
{
	return native_run_program(cfg, gomaxprocs, sc_main, run, res);
}
