/*
 * check_chan.c - channels and select (runtime/chan.c) in whole programs
 * run by the simulator: values, order, close, panics, deadlock, select's
 * fairness and default, the runnext hand-off seen in the event stream,
 * and determinism.
 *
 * Programs are small C functions written against runtime/gs.h.  Each
 * test runs over several seeds and both window modes (0: discrete-event
 * order; inf: free interleaving), so that the blocking paths, the direct
 * hand-offs and the lock-free fast paths all get exercised.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "check_suites.h"
#include "gs.h"
#include "runtime.h"
#include "sim.h"
#include "testutil.h"

/* How many goroutines are parked on a wait queue (read from a goroutine:
 * the simulator runs one thread at a time, so a plain read is a snapshot). */
static int waitq_len(struct gs_chan *c, bool send)
{
	int n = 0;
	for (struct sudog *s = send ? c->c.sendq.first : c->c.recvq.first; s; s = s->next)
		n++;
	return n;
}

static const int64_t windows[2] = {0, SIM_WINDOW_INF};

static int run(void (*mainfn)(void *), void *arg, int32_t procs, uint64_t seed, int64_t window,
               struct memsink *sink, struct sim_result *res)
{
	struct sim_config cfg = {
	        .seed = seed, .window_ns = window, .sink = sink ? &sink->base : NULL};
	return sim_run_program(&cfg, procs, mainfn, arg, res);
}

#define ck_complete(res, seed, w)                                                                  \
	ck_assert_msg((res).status == TR_COMPLETE, "seed %llu window %lld: %s %s",                 \
	              (unsigned long long)(seed), (long long)(w), tr_status_name((res).status),    \
	              (res).message)

/* Every gstatus event continues its g's previous status legally. */
static void check_status_chains(const struct memsink *m)
{
	int64_t maxgoid = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->ev[i].kind == RT_EV_NEWPROC && m->ev[i].obj > maxgoid)
			maxgoid = m->ev[i].obj;
	int64_t *last = malloc(((size_t)maxgoid + 1) * sizeof *last);
	for (int64_t i = 0; i <= maxgoid; i++)
		last[i] = _Gdead;
	for (size_t i = 0; i < m->n; i++) {
		const struct rt_event *e = &m->ev[i];
		if (e->kind != RT_EV_GSTATUS || e->obj == 0)
			continue;
		ck_assert_msg(rt_legal_gstatus_transition((uint32_t)e->a, (uint32_t)e->b),
		              "event %zu: g%lld %s -> %s", i, (long long)e->obj,
		              rt_gstatus_name((uint32_t)e->a), rt_gstatus_name((uint32_t)e->b));
		ck_assert_msg(last[e->obj] == e->a, "event %zu: g%lld leaves %s but was %s", i,
		              (long long)e->obj, rt_gstatus_name((uint32_t)e->a),
		              rt_gstatus_name((uint32_t)last[e->obj]));
		last[e->obj] = e->b;
	}
	free(last);
}

/* How many times some g went waiting with this reason. */
static int count_parks(const struct memsink *m, const char *reason)
{
	int n = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->ev[i].kind == RT_EV_GSTATUS && m->ev[i].b == _Gwaiting && m->ev[i].detail &&
		    strcmp(m->ev[i].detail, reason) == 0)
			n++;
	return n;
}

/* ---- unbuffered ping-pong ---- */

#define PINGPONG_N 200

static struct {
	struct gs_chan *ping, *pong;
	int64_t got[PINGPONG_N];
	int n;
} pp;

static void echo(void *arg)
{
	int64_t v;
	while (gs_chan_recv(pp.ping, &v))
		gs_chan_send(pp.pong, v * 10);
}

static void pingpong_main(void *arg)
{
	pp.ping = gs_chan_make(0);
	pp.pong = gs_chan_make(0);
	gs_go(echo, NULL);
	for (int64_t i = 0; i < PINGPONG_N; i++) {
		gs_chan_send(pp.ping, i);
		int64_t v;
		bool ok = gs_chan_recv(pp.pong, &v);
		if (ok)
			pp.got[pp.n++] = v;
	}
	gs_chan_close(pp.ping);
}

START_TEST(test_pingpong)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 20; seed++) {
			struct memsink m;
			struct sim_result res;
			memsink_init(&m);
			memset(&pp, 0, sizeof pp);
			run(pingpong_main, NULL, 2 + (int32_t)(seed % 3), seed, windows[w], &m,
			    &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_eq(pp.n, PINGPONG_N);
			for (int i = 0; i < PINGPONG_N; i++)
				ck_assert_int_eq(pp.got[i], 10 * i);
			check_status_chains(&m);
			/* Unbuffered round trips park: somebody waited on a
			 * channel. */
			ck_assert_int_gt(
			        count_parks(&m, "chan receive") + count_parks(&m, "chan send"), 0);
			gs_chan_free(pp.ping);
			gs_chan_free(pp.pong);
			memsink_free(&m);
		}
	}
}
END_TEST

/* ---- buffered producers/consumers ---- */

#define PC_PRODUCERS 3
#define PC_CONSUMERS 2
#define PC_N         150

static struct {
	struct gs_chan *data, *done, *cdone;
	int seen[PC_PRODUCERS][PC_N];
	int64_t last[PC_CONSUMERS][PC_PRODUCERS]; /* last index seen, per consumer */
	bool order_ok;
	int64_t cap;
} pc;

static void producer(void *arg)
{
	int64_t p = (intptr_t)arg;
	for (int64_t i = 0; i < PC_N; i++) {
		gs_chan_send(pc.data, p << 32 | i);
		if (i % 16 == 0)
			gs_spend(300);
	}
	gs_chan_send(pc.done, p);
}

static void consumer(void *arg)
{
	intptr_t c = (intptr_t)arg;
	int64_t v;
	while (gs_chan_recv(pc.data, &v)) {
		int64_t p = v >> 32, i = v & 0xffffffff;
		if (p < 0 || p >= PC_PRODUCERS || i < 0 || i >= PC_N) {
			pc.order_ok = false;
			continue;
		}
		pc.seen[p][i]++;
		if (i <= pc.last[c][p])
			pc.order_ok = false; /* a producer's values must arrive in FIFO order */
		pc.last[c][p] = i;
		gs_spend(100);
	}
	gs_chan_send(pc.cdone, c);
}

static void pc_main(void *arg)
{
	pc.data = gs_chan_make(pc.cap);
	pc.done = gs_chan_make(0);
	pc.cdone = gs_chan_make(PC_CONSUMERS);
	for (intptr_t c = 0; c < PC_CONSUMERS; c++)
		gs_go(consumer, (void *)c);
	for (intptr_t p = 0; p < PC_PRODUCERS; p++)
		gs_go(producer, (void *)p);
	for (int p = 0; p < PC_PRODUCERS; p++) {
		int64_t v;
		gs_chan_recv(pc.done, &v);
	}
	gs_chan_close(pc.data);
	for (int c = 0; c < PC_CONSUMERS; c++) {
		int64_t v;
		gs_chan_recv(pc.cdone, &v);
	}
	if (gs_chan_len(pc.data) != 0 || gs_chan_cap(pc.data) != pc.cap)
		pc.order_ok = false;
}

START_TEST(test_producer_consumer)
{
	int64_t caps[] = {1, 4, 64};
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 20; seed++) {
			memset(&pc, 0, sizeof pc);
			pc.cap = caps[seed % 3];
			pc.order_ok = true;
			for (int c = 0; c < PC_CONSUMERS; c++)
				for (int p = 0; p < PC_PRODUCERS; p++)
					pc.last[c][p] = -1;
			struct sim_result res;
			run(pc_main, NULL, 4, seed, windows[w], NULL, &res);
			ck_complete(res, seed, windows[w]);
			ck_assert(pc.order_ok);
			for (int p = 0; p < PC_PRODUCERS; p++)
				for (int i = 0; i < PC_N; i++)
					ck_assert_msg(pc.seen[p][i] == 1,
					              "value %d/%d seen %d times", p, i,
					              pc.seen[p][i]);
			gs_chan_free(pc.data);
			gs_chan_free(pc.done);
			gs_chan_free(pc.cdone);
		}
	}
}
END_TEST

/* ---- close ---- */

#define CLOSE_RECEIVERS 5

static struct {
	struct gs_chan *c, *buffered;
	int nfalse, nzero;
	int64_t drained[4];
	bool drained_ok[4];
} cl;

static void close_receiver(void *arg)
{
	int64_t v = 42;
	bool ok = gs_chan_recv(cl.c, &v);
	if (!ok)
		cl.nfalse++;
	if (v == 0)
		cl.nzero++;
}

static void close_main(void *arg)
{
	cl.c = gs_chan_make(0);
	for (int i = 0; i < CLOSE_RECEIVERS; i++)
		gs_go(close_receiver, NULL);
	/* Let them all park, so that close has them to wake. */
	while (waitq_len(cl.c, false) < CLOSE_RECEIVERS)
		gs_gosched();
	gs_chan_close(cl.c);

	/* A closed buffered channel is drained first. */
	cl.buffered = gs_chan_make(3);
	for (int64_t i = 1; i <= 3; i++)
		gs_chan_send(cl.buffered, i);
	gs_chan_close(cl.buffered);
	for (int i = 0; i < 4; i++)
		cl.drained_ok[i] = gs_chan_recv(cl.buffered, &cl.drained[i]);
}

START_TEST(test_close_wakes_receivers_and_drains)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 6; seed++) {
			struct memsink m;
			struct sim_result res;
			memsink_init(&m);
			memset(&cl, 0, sizeof cl);
			run(close_main, NULL, 2, seed, windows[w], &m, &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_eq(cl.nfalse, CLOSE_RECEIVERS);
			ck_assert_int_eq(cl.nzero, CLOSE_RECEIVERS);
			for (int i = 0; i < 3; i++) {
				ck_assert(cl.drained_ok[i]);
				ck_assert_int_eq(cl.drained[i], i + 1);
			}
			ck_assert(!cl.drained_ok[3]);
			ck_assert_int_eq(cl.drained[3], 0);
			/* The receivers parked, and close readied them. */
			ck_assert_int_eq(count_parks(&m, "chan receive"), CLOSE_RECEIVERS);
			check_status_chains(&m);
			gs_chan_free(cl.c);
			gs_chan_free(cl.buffered);
			memsink_free(&m);
		}
	}
}
END_TEST

/* ---- panics ---- */

static struct gs_chan *pch, *pch2;

static void send_after_close_main(void *arg)
{
	pch = gs_chan_make(1);
	gs_chan_close(pch);
	gs_chan_send(pch, 1);
}

static void blocked_sender(void *arg)
{
	gs_chan_send(pch, 7);
}

static void close_blocked_sender_main(void *arg)
{
	pch = gs_chan_make(0);
	gs_go(blocked_sender, NULL);
	while (waitq_len(pch, true) == 0)
		gs_gosched(); /* the sender parks; close wakes it to panic */
	gs_chan_close(pch);
}

static void close_closed_main(void *arg)
{
	pch = gs_chan_make(0);
	gs_chan_close(pch);
	gs_chan_close(pch);
}

static void close_nil_main(void *arg)
{
	gs_chan_close(NULL);
}

static void select_send_closed_main(void *arg)
{
	pch = gs_chan_make(0);
	gs_chan_close(pch);
	pch2 = gs_chan_make(0);
	struct gs_case cases[2] = {{.c = pch2, .dir = GS_RECV}, {.c = pch, .dir = GS_SEND}};
	gs_select(cases, 2, true);
}

START_TEST(test_panics)
{
	struct {
		void (*fn)(void *);
		const char *msg;
		bool freech;
	} cases[] = {
	        {send_after_close_main, "send on closed channel", true},
	        {close_blocked_sender_main, "send on closed channel", true},
	        {close_closed_main, "close of closed channel", true},
	        {close_nil_main, "close of nil channel", false},
	        {select_send_closed_main, "send on closed channel", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int w = 0; w < 2; w++) {
			for (uint64_t seed = 1; seed <= 3; seed++) {
				struct sim_result res;
				pch = pch2 = NULL;
				int rc = run(cases[i].fn, NULL, 2, seed, windows[w], NULL, &res);
				ck_assert_int_eq(rc, 1);
				ck_assert_msg(res.status == TR_PANIC, "case %zu: %s %s", i,
				              tr_status_name(res.status), res.message);
				ck_assert_str_eq(res.message, cases[i].msg);
				gs_chan_free(pch);
				gs_chan_free(pch2);
			}
		}
	}
}
END_TEST

/* ---- deadlock ---- */

static void recv_forever(void *arg)
{
	int64_t v;
	gs_chan_recv(pch, &v);
}

static void recv_nil_forever(void *arg)
{
	int64_t v;
	gs_chan_recv(NULL, &v);
}

static void select_nil_forever(void *arg)
{
	struct gs_case cases[2] = {{.c = NULL, .dir = GS_RECV}, {.c = NULL, .dir = GS_SEND}};
	gs_select(cases, 2, true);
}

static void deadlock_main(void *arg)
{
	pch = gs_chan_make(0);
	gs_go((void (*)(void *))arg, NULL);
}

START_TEST(test_deadlock)
{
	void (*bodies[])(void *) = {recv_forever, recv_nil_forever, select_nil_forever};
	const char *reasons[] = {"chan receive", "chan receive (nil chan)", "select"};
	for (int i = 0; i < 3; i++) {
		for (int w = 0; w < 2; w++) {
			struct memsink m;
			struct sim_result res;
			memsink_init(&m);
			int rc = run(deadlock_main, (void *)bodies[i], 2, 3, windows[w], &m, &res);
			ck_assert_int_eq(rc, 1);
			ck_assert_msg(res.status == TR_DEADLOCK, "%d: %s %s", i,
			              tr_status_name(res.status), res.message);
			ck_assert_str_eq(res.message, "all goroutines are asleep - deadlock!");
			ck_assert_int_eq(count_parks(&m, reasons[i]), 1);
			gs_chan_free(pch);
			pch = NULL;
			memsink_free(&m);
		}
	}
}
END_TEST

/* ---- select ---- */

#define FAIR_N 1000

static struct {
	struct gs_chan *a, *b;
	int picks[2];
	int bad;
} fair;

static void fair_main(void *arg)
{
	fair.a = gs_chan_make(1);
	fair.b = gs_chan_make(1);
	for (int i = 0; i < FAIR_N; i++) {
		if (gs_chan_len(fair.a) == 0)
			gs_chan_send(fair.a, 1);
		if (gs_chan_len(fair.b) == 0)
			gs_chan_send(fair.b, 2);
		struct gs_case cases[2] = {{.c = fair.a, .dir = GS_RECV},
		                           {.c = fair.b, .dir = GS_RECV}};
		int k = gs_select(cases, 2, true);
		if (k < 0 || !cases[k].ok || cases[k].value != k + 1)
			fair.bad++;
		else
			fair.picks[k]++;
	}
}

START_TEST(test_select_fairness)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 5; seed++) {
			memset(&fair, 0, sizeof fair);
			struct sim_result res;
			run(fair_main, NULL, 2, seed, windows[w], NULL, &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_eq(fair.bad, 0);
			ck_assert_int_eq(fair.picks[0] + fair.picks[1], FAIR_N);
			ck_assert_msg(fair.picks[0] >= FAIR_N * 35 / 100 &&
			                      fair.picks[0] <= FAIR_N * 65 / 100,
			              "seed %llu: case 0 picked %d of %d", (unsigned long long)seed,
			              fair.picks[0], FAIR_N);
			gs_chan_free(fair.a);
			gs_chan_free(fair.b);
		}
	}
}
END_TEST

static struct {
	int r_empty, r_full_send, r_nil, r_nocases, r_one_recv, r_one_send, r_ready, r_closed;
	bool closed_ok;
	int64_t ready_value;
} dflt;

static void default_main(void *arg)
{
	struct gs_chan *e1 = gs_chan_make(0), *e2 = gs_chan_make(2), *full = gs_chan_make(1);
	gs_chan_send(full, 5);
	struct gs_case c1[3] = {{.c = e1, .dir = GS_RECV},
	                        {.c = e2, .dir = GS_RECV},
	                        {.c = full, .dir = GS_SEND, .value = 6}};
	dflt.r_empty = gs_select(c1, 3, false);
	struct gs_case c2[2] = {{.c = full, .dir = GS_SEND}, {.c = e1, .dir = GS_SEND}};
	dflt.r_full_send = gs_select(c2, 2, false);
	struct gs_case c3[2] = {{.c = NULL, .dir = GS_RECV}, {.c = NULL, .dir = GS_SEND}};
	dflt.r_nil = gs_select(c3, 2, false);
	dflt.r_nocases = gs_select(NULL, 0, false);
	struct gs_case c4[1] = {{.c = e1, .dir = GS_RECV}};
	dflt.r_one_recv = gs_select(c4, 1, false); /* selectnbrecv */
	struct gs_case c5[1] = {{.c = full, .dir = GS_SEND, .value = 1}};
	dflt.r_one_send = gs_select(c5, 1, false); /* selectnbsend */
	/* Something ready: the default is not taken. */
	struct gs_case c6[3] = {{.c = e1, .dir = GS_RECV},
	                        {.c = NULL, .dir = GS_RECV},
	                        {.c = full, .dir = GS_RECV}};
	dflt.r_ready = gs_select(c6, 3, false);
	dflt.ready_value = c6[2].value;
	/* A closed channel is always ready to receive (ok = false). */
	gs_chan_close(e2);
	struct gs_case c7[2] = {{.c = e1, .dir = GS_RECV}, {.c = e2, .dir = GS_RECV, .ok = true}};
	dflt.r_closed = gs_select(c7, 2, false);
	dflt.closed_ok = c7[1].ok;
	gs_chan_free(e1);
	gs_chan_free(e2);
	gs_chan_free(full);
}

START_TEST(test_select_default)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 4; seed++) {
			memset(&dflt, 0, sizeof dflt);
			struct sim_result res;
			run(default_main, NULL, 2, seed, windows[w], NULL, &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_eq(dflt.r_empty, -1);
			ck_assert_int_eq(dflt.r_full_send, -1);
			ck_assert_int_eq(dflt.r_nil, -1);
			ck_assert_int_eq(dflt.r_nocases, -1);
			ck_assert_int_eq(dflt.r_one_recv, -1);
			ck_assert_int_eq(dflt.r_one_send, -1);
			ck_assert_int_eq(dflt.r_ready, 2);
			ck_assert_int_eq(dflt.ready_value, 5);
			ck_assert_int_eq(dflt.r_closed, 1);
			ck_assert(!dflt.closed_ok);
		}
	}
}
END_TEST

/* Blocking selects that send and receive, against plain senders and
 * receivers and other selects; nil cases never fire. */
#define SEL_N 100

static struct {
	struct gs_chan *a, *b, *out, *done;
	int64_t next[2]; /* next value expected from a and b */
	int nout, bad;
} sel;

static void sel_sender(void *arg)
{
	struct gs_chan *c = arg == NULL ? sel.a : sel.b;
	int64_t base = arg == NULL ? 0 : 1000000;
	for (int64_t i = 0; i < SEL_N; i++)
		gs_chan_send(c, base + i);
}

/* Receives from a or b; forwards each value to out through a select that
 * also offers a nil channel. */
static void sel_relay(void *arg)
{
	for (int i = 0; i < 2 * SEL_N; i++) {
		struct gs_case in[3] = {{.c = sel.a, .dir = GS_RECV},
		                        {.c = NULL, .dir = GS_RECV},
		                        {.c = sel.b, .dir = GS_RECV}};
		int k = gs_select(in, 3, true);
		if (k != 0 && k != 2) {
			sel.bad++;
			continue;
		}
		int64_t v = in[k].value;
		int src = k == 0 ? 0 : 1;
		if (v != src * 1000000 + sel.next[src])
			sel.bad++;
		sel.next[src]++;
		struct gs_case out[2] = {{.c = sel.out, .dir = GS_SEND, .value = v},
		                         {.c = NULL, .dir = GS_SEND}};
		if (gs_select(out, 2, true) != 0)
			sel.bad++;
	}
	gs_chan_close(sel.out);
}

static void sel_sink(void *arg)
{
	int64_t v;
	while (gs_chan_recv(sel.out, &v))
		sel.nout++;
	gs_chan_send(sel.done, 1);
}

static void sel_main(void *arg)
{
	sel.a = gs_chan_make(0);
	sel.b = gs_chan_make(2);
	sel.out = gs_chan_make(0);
	sel.done = gs_chan_make(0);
	gs_go(sel_sink, NULL);
	gs_go(sel_relay, NULL);
	gs_go(sel_sender, NULL);
	gs_go(sel_sender, (void *)1);
	int64_t v;
	gs_chan_recv(sel.done, &v);
}

START_TEST(test_select_blocking)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 20; seed++) {
			struct memsink m;
			memsink_init(&m);
			memset(&sel, 0, sizeof sel);
			struct sim_result res;
			run(sel_main, NULL, 1 + (int32_t)(seed % 4), seed, windows[w], &m, &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_eq(sel.bad, 0);
			ck_assert_int_eq(sel.nout, 2 * SEL_N);
			ck_assert_int_eq(sel.next[0], SEL_N);
			ck_assert_int_eq(sel.next[1], SEL_N);
			ck_assert_int_gt(count_parks(&m, "select"), 0);
			check_status_chains(&m);
			gs_chan_free(sel.a);
			gs_chan_free(sel.b);
			gs_chan_free(sel.out);
			gs_chan_free(sel.done);
			memsink_free(&m);
		}
	}
}
END_TEST

/* Two goroutines each select between sending on one channel and
 * receiving on the other, against each other, 50 times; a third drains
 * whatever is left.  Every value sent is received exactly once, by the
 * other selector or the drainer, and what a selector's select reports
 * (which case, the value, ok) is what happened. */
#define XS_ROUNDS 50
static struct {
	struct gs_chan *x, *y;    /* selector 1 sends on x, selector 0 on y */
	int sent[2], recvd[2];    /* per selector: sends and receives completed */
	bool sentv[2][XS_ROUNDS]; /* per selector: the values it sent */
	int seen[2][XS_ROUNDS];   /* per sender: how often each of its values was received */
	int bad;
} xs;

static void xs_received(struct gs_chan *c, int64_t v)
{
	int sender = c == xs.x ? 1 : 0;
	if (v < 0 || v >= XS_ROUNDS)
		xs.bad++;
	else
		xs.seen[sender][v]++;
}

static void xsel(void *arg)
{
	intptr_t me = (intptr_t)arg;
	for (int i = 0; i < XS_ROUNDS; i++) {
		struct gs_case cases[2] = {{.c = me ? xs.x : xs.y, .dir = GS_SEND, .value = i},
		                           {.c = me ? xs.y : xs.x, .dir = GS_RECV}};
		int k = gs_select(cases, 2, true);
		if (k == 0) {
			xs.sent[me]++;
			xs.sentv[me][i] = true;
		} else if (k == 1 && cases[1].ok) {
			xs.recvd[me]++;
			xs_received(cases[1].c, cases[1].value);
		} else {
			xs.bad++; /* nothing is closed while the selectors run */
		}
	}
}

static void xsel_drain(void *arg)
{
	/* Whichever select outlives the other needs partners. */
	for (;;) {
		struct gs_case cases[2] = {{.c = xs.x, .dir = GS_RECV},
		                           {.c = xs.y, .dir = GS_RECV}};
		int k = gs_select(cases, 2, true);
		if (!cases[k].ok)
			return;
		xs_received(cases[k].c, cases[k].value);
	}
}

static void xsel_main(void *arg)
{
	xs.x = gs_chan_make(0);
	xs.y = gs_chan_make(0);
	gs_go(xsel, (void *)0);
	gs_go(xsel, (void *)1);
	gs_go(xsel_drain, NULL);
	while (xs.sent[0] + xs.recvd[0] + xs.sent[1] + xs.recvd[1] < 2 * XS_ROUNDS)
		gs_gosched();
	gs_chan_close(xs.x);
	gs_chan_close(xs.y);
}

START_TEST(test_select_against_select)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 20; seed++) {
			memset(&xs, 0, sizeof xs);
			struct sim_result res;
			run(xsel_main, NULL, 3, seed, windows[w], NULL, &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_eq(xs.bad, 0);
			ck_assert_int_eq(xs.sent[0] + xs.recvd[0], XS_ROUNDS);
			ck_assert_int_eq(xs.sent[1] + xs.recvd[1], XS_ROUNDS);
			/* Each value sent was received exactly once, and nothing else. */
			for (int who = 0; who < 2; who++)
				for (int v = 0; v < XS_ROUNDS; v++)
					ck_assert_msg(xs.seen[who][v] == xs.sentv[who][v],
					              "seed %llu: value %d of selector %d received "
					              "%d times (sent: %d)",
					              (unsigned long long)seed, v, who,
					              xs.seen[who][v], xs.sentv[who][v]);
			/* Selector 0's receives are selector 1's sends and vice versa,
			 * less what the drainer took. */
			ck_assert_int_le(xs.recvd[0], xs.sent[1]);
			ck_assert_int_le(xs.recvd[1], xs.sent[0]);
			gs_chan_free(xs.x);
			gs_chan_free(xs.y);
		}
	}
}
END_TEST

/* Selecting receivers race with a sender that closes the channel they
 * select on: every value sent is received exactly once, and every
 * receiver sees the close. */
#define CR_RECEIVERS 4
#define CR_N         60

static struct {
	struct gs_chan *c, *quiet;
	int seen[CR_N];
	int closed_seen, bad;
} cr;

static void cr_receiver(void *arg)
{
	for (;;) {
		struct gs_case cases[2] = {{.c = cr.quiet, .dir = GS_RECV},
		                           {.c = cr.c, .dir = GS_RECV}};
		int k = gs_select(cases, 2, true);
		if (k != 1) {
			cr.bad++;
			return;
		}
		if (!cases[1].ok) {
			cr.closed_seen++;
			return;
		}
		if (cases[1].value < 0 || cases[1].value >= CR_N)
			cr.bad++;
		else
			cr.seen[cases[1].value]++;
	}
}

static void cr_main(void *arg)
{
	cr.c = gs_chan_make((intptr_t)arg);
	cr.quiet = gs_chan_make(0);
	for (int i = 0; i < CR_RECEIVERS; i++)
		gs_go(cr_receiver, NULL);
	for (int64_t i = 0; i < CR_N; i++) {
		/* Non-blocking first (selectnbsend), as a sender with other
		 * work would; then block. */
		struct gs_case k[1] = {{.c = cr.c, .dir = GS_SEND, .value = i}};
		if (gs_select(k, 1, false) < 0)
			gs_chan_send(cr.c, i);
	}
	gs_chan_close(cr.c);
}

START_TEST(test_select_close_race)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 20; seed++) {
			memset(&cr, 0, sizeof cr);
			struct sim_result res;
			run(cr_main, (void *)(intptr_t)(seed % 3), 1 + (int32_t)(seed % 4), seed,
			    windows[w], NULL, &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_eq(cr.bad, 0);
			ck_assert_int_eq(cr.closed_seen, CR_RECEIVERS);
			for (int i = 0; i < CR_N; i++)
				ck_assert_int_eq(cr.seen[i], 1);
			gs_chan_free(cr.c);
			gs_chan_free(cr.quiet);
		}
	}
}
END_TEST

/* ---- direct hand-off into runnext ---- */

static struct {
	struct gs_chan *c;
	int64_t got;
	int64_t recvgoid;
} ho;

static void handoff_receiver(void *arg)
{
	ho.recvgoid = gs_goid();
	gs_chan_recv(ho.c, &ho.got);
}

static void handoff_main(void *arg)
{
	ho.c = gs_chan_make(0);
	gs_go(handoff_receiver, NULL);
	while (waitq_len(ho.c, false) == 0)
		gs_gosched(); /* the receiver runs and parks */
	gs_chan_send(ho.c, 99);
}

START_TEST(test_handoff_into_runnext)
{
	for (int w = 0; w < 2; w++) {
		for (uint64_t seed = 1; seed <= 6; seed++) {
			struct memsink m;
			memsink_init(&m);
			memset(&ho, 0, sizeof ho);
			struct sim_result res;
			run(handoff_main, NULL, 1 + (int32_t)(seed % 2), seed, windows[w], &m,
			    &res);
			ck_complete(res, seed, windows[w]);
			ck_assert_int_eq(ho.got, 99);
			/* The receiver parked on the channel; the sender's
			 * ready moved it waiting -> runnable, and that M's next
			 * event put it into runnext (b = 1). */
			bool parked = false, seen = false;
			for (size_t i = 0; i < m.n; i++) {
				const struct rt_event *e = &m.ev[i];
				if (e->kind != RT_EV_GSTATUS || e->obj != ho.recvgoid)
					continue;
				if (e->b == _Gwaiting) {
					ck_assert_str_eq(e->detail, "chan receive");
					parked = true;
				}
				if (e->a == _Gwaiting && e->b == _Grunnable) {
					ck_assert(parked);
					ck_assert_int_eq(e->g, 1); /* readied by main, the sender */
					size_t j = i + 1;
					while (j < m.n && m.ev[j].m != e->m)
						j++;
					ck_assert_uint_lt(j, m.n);
					ck_assert_int_eq(m.ev[j].kind, RT_EV_RUNQPUT);
					ck_assert_int_eq(m.ev[j].obj, ho.recvgoid);
					ck_assert_int_eq(m.ev[j].b, 1);
					seen = true;
				}
			}
			ck_assert(seen);
			gs_chan_free(ho.c);
			memsink_free(&m);
		}
	}
}
END_TEST

/* ---- determinism ---- */

START_TEST(test_determinism)
{
	for (int w = 0; w < 2; w++) {
		struct sim_result a, b;
		uint64_t hashes[8];
		for (uint64_t seed = 1; seed <= 8; seed++) {
			memset(&sel, 0, sizeof sel);
			run(sel_main, NULL, 3, seed, windows[w], NULL, &a);
			gs_chan_free(sel.a);
			gs_chan_free(sel.b);
			gs_chan_free(sel.out);
			gs_chan_free(sel.done);
			memset(&sel, 0, sizeof sel);
			run(sel_main, NULL, 3, seed, windows[w], NULL, &b);
			gs_chan_free(sel.a);
			gs_chan_free(sel.b);
			gs_chan_free(sel.out);
			gs_chan_free(sel.done);
			ck_complete(a, seed, windows[w]);
			ck_assert_uint_eq(a.stats.hash, b.stats.hash);
			ck_assert_uint_eq(a.stats.n_events, b.stats.n_events);
			ck_assert_int_eq(a.steps, b.steps);
			hashes[seed - 1] = a.stats.hash;
		}
		bool differ = false;
		for (int i = 1; i < 8; i++)
			differ |= hashes[i] != hashes[0];
		ck_assert_msg(differ, "8 seeds gave one interleaving (window %lld)",
		              (long long)windows[w]);
	}
}
END_TEST

Suite *make_chan_suite(void)
{
	Suite *s = suite_create("chan");
	TCase *tc = tcase_create("channels");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_pingpong);
	tcase_add_test(tc, test_producer_consumer);
	tcase_add_test(tc, test_close_wakes_receivers_and_drains);
	tcase_add_test(tc, test_panics);
	tcase_add_test(tc, test_deadlock);
	tcase_add_test(tc, test_handoff_into_runnext);
	tcase_add_test(tc, test_determinism);
	suite_add_tcase(s, tc);
	tc = tcase_create("select");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_select_fairness);
	tcase_add_test(tc, test_select_default);
	tcase_add_test(tc, test_select_blocking);
	tcase_add_test(tc, test_select_against_select);
	tcase_add_test(tc, test_select_close_race);
	suite_add_tcase(s, tc);
	return s;
}
