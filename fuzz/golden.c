/*
 * golden.c - fuzz target: the golden trace parser (traces/golden.c).
 *
 * The input is a golden trace's text; tr_golden_parse must turn any
 * bytes into a header and events or a one-line "FILE:LINE: expected
 * ..." message.  A parsed trace is rendered back (tr_golden_write) and
 * its metrics computed, as `gsched show` and `bless` do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512] = "";
	struct tr_header h = {0};
	struct tr_trace t;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	tr_trace_init(&t);
	if (tr_golden_parse("fuzz.trace", text, &h, &t, err, sizeof err) == 0) {
		struct tr_metrics m;
		tr_metrics_compute(&t, &m);
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			tr_golden_write(f, &h, &t);
			fclose(f);
		}
	} else if (strchr(err, '\n')) {
		abort(); /* the message must be one line */
	}
	tr_trace_free(&t);
	tr_header_free(&h);
	free(text);
	return 0;
}
