/*
 * check_main.c - the one test runner: `check_gsched SUITE` runs one suite
 * (CTest has an entry per suite), `check_gsched` runs them all.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"

static const struct {
	const char *name;
	Suite *(*make)(void);
} suites[] = {
        {"runtime", make_runtime_suite},
        {"sim", make_sim_suite},
        {"scenarios", make_scenarios_suite},
        {"traces", make_traces_suite},
        {"cli", make_cli_suite},
        {"chan", make_chan_suite},
        {"sync", make_sync_suite},
        {"time", make_time_suite},
        {"lang", make_lang_suite},
        {"golden", make_golden_suite},
        {"audit", make_audit_suite},
        {"port", make_port_suite},
        {"explore", make_explore_suite},
        {"reliability", make_reliability_suite},
        {"bugs", make_bugs_suite},
        {"policy", make_policy_suite},
        {"analysis", make_analysis_suite},
};

int main(int argc, char **argv)
{
	SRunner *sr = NULL;
	size_t n = sizeof suites / sizeof suites[0];
	for (size_t i = 0; i < n; i++) {
		if (argc > 1 && strcmp(argv[1], suites[i].name) != 0)
			continue;
		if (!sr)
			sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(sr, suites[i].make());
	}
	if (!sr) {
		fprintf(stderr, "check_gsched: no suite named '%s'\n", argv[1]);
		return 2;
	}
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
