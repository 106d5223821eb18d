/*
 * scenario.c - fuzz target: the scenario loader (scenarios/loader.c).
 *
 * The input is a scenario document; sc_parse must turn any bytes into a
 * compiled scenario or a one-line message, never a crash, a hang or a
 * leak.  (Running what it compiled is not fuzzed here: a run's length
 * is the document's to choose.)
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512] = "";
	struct sc_scenario *sc = NULL;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0; /* an embedded NUL ends the document early: also a case */
	if (sc_parse("fuzz.json", text, &sc, err, sizeof err) == 0) {
		(void)sc_goroutines(sc);
		sc_free(sc);
	} else if (strchr(err, '\n') || strchr(err, '\r')) {
		abort(); /* the message must be one line */
	}
	free(text);
	return 0;
}
