/* check_suites.h - one Check suite per module (tests/check_<module>.c). */
#ifndef GSCHED_TESTS_CHECK_SUITES_H
#define GSCHED_TESTS_CHECK_SUITES_H

#include <check.h>

Suite *make_runtime_suite(void);
Suite *make_sim_suite(void);
Suite *make_scenarios_suite(void);
Suite *make_traces_suite(void);
Suite *make_cli_suite(void);
Suite *make_chan_suite(void);
Suite *make_sync_suite(void);
Suite *make_time_suite(void);
Suite *make_lang_suite(void);
Suite *make_golden_suite(void);
Suite *make_audit_suite(void);
Suite *make_port_suite(void);
Suite *make_explore_suite(void);
Suite *make_reliability_suite(void);
Suite *make_bugs_suite(void);
Suite *make_policy_suite(void);
Suite *make_analysis_suite(void);

/* Paths the tests need, set by CMake. */
#ifndef GSCHED_BINARY
#define GSCHED_BINARY "gsched"
#endif
#ifndef GSCHED_SOURCE_DIR
#define GSCHED_SOURCE_DIR "."
#endif

#endif
