/*
 * tee.c - a tr_sink that forwards every event to two sinks, in order
 * (the CLI writes SQLite and feeds the assertion checker from one run).
 * Costs two indirect calls per event.
 */
#include <stdlib.h>

#include "an.h"

struct tee {
	struct tr_sink sink; /* first: a struct tr_sink * is a struct tee * */
	struct tr_sink *a, *b;
};

static void tee_event(struct tr_sink *s, const struct rt_event *ev)
{
	struct tee *t = (struct tee *)s;
	if (t->a)
		t->a->event(t->a, ev);
	if (t->b)
		t->b->event(t->b, ev);
}

static int tee_finish(struct tr_sink *s, enum tr_status status, const struct tr_stats *st,
                      const char *message, char *err, size_t errlen)
{
	struct tee *t = (struct tee *)s;
	char later[256]; /* b still finishes; only the first error is reported */
	int rc = 0;
	if (t->a && t->a->finish(t->a, status, st, message, err, errlen) != 0)
		rc = -1;
	if (t->b && t->b->finish(t->b, status, st, message, rc ? later : err,
	                         rc ? sizeof later : errlen) != 0)
		rc = -1;
	return rc;
}

static void tee_close(struct tr_sink *s)
{
	struct tee *t = (struct tee *)s;
	if (t->a)
		t->a->close(t->a);
	if (t->b)
		t->b->close(t->b);
	free(t);
}

struct tr_sink *an_tee(struct tr_sink *a, struct tr_sink *b)
{
	struct tee *t = malloc(sizeof *t);
	if (!t)
		return NULL;
	t->sink = (struct tr_sink){.event = tee_event, .finish = tee_finish, .close = tee_close};
	t->a = a;
	t->b = b;
	return &t->sink;
}
