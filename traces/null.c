/*
 * null.c - the sink that keeps nothing: for runs where only the hash and
 * the summary matter (exploration, benchmarks).  The caller keeps the
 * stats with tr_stats_add; this sink holds no state, so one static
 * instance serves every caller and close is a no-op.
 */
#include "tr.h"

static void null_event(struct tr_sink *s, const struct rt_event *ev)
{
}

static int null_finish(struct tr_sink *s, enum tr_status status, const struct tr_stats *st,
                       const char *message, char *err, size_t errlen)
{
	return 0;
}

static void null_close(struct tr_sink *s)
{
}

static struct tr_sink null_sink = {
        .event = null_event,
        .finish = null_finish,
        .close = null_close,
};

struct tr_sink *tr_null_sink(void)
{
	return &null_sink;
}
