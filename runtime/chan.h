/*
 * chan.h - channels and select, internal to runtime/ (Go's chan.go and
 * select.go).
 *
 * struct hchan is Go's hchan for int64 elements; struct gs_chan, the
 * public handle of gs.h, is a struct with the hchan as its only member,
 * so a gs_chan pointer converts to an hchan pointer and back.
 *
 * Invariants (chan.go):
 *   - at least one of c->sendq and c->recvq is empty;
 *   - for buffered channels, qcount > 0 implies recvq is empty, and
 *     qcount < dataqsiz implies sendq is empty;
 *   - c->lock protects every field of the hchan and the fields of the
 *     sudogs queued on it, except the words the lock-free fast paths read
 *     (closed, qcount, recvq.first, sendq.first), which are written under
 *     the lock and read with single atomic loads.
 *
 * Lock order: a goroutine holds at most the locks of the channels of one
 * select, taken in lockorder (ascending c->id, see selectgo), and never
 * takes a channel lock while holding sched.lock or a semaRoot lock;
 * sched.sudoglock (a leaf) may be taken under channel locks.  No
 * goroutine is readied while a channel lock is held: send/recv/closechan
 * unlock first, then goready.
 */
#ifndef GSCHED_RUNTIME_CHAN_H
#define GSCHED_RUNTIME_CHAN_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime.h"

/* A queue of sudogs linked through next/prev (Go's waitq). */
struct waitq {
	struct sudog *first;
	struct sudog *last;
};

struct hchan {
	uint64_t qcount;    /* total data in the queue (atomic for the fast paths) */
	uint64_t dataqsiz;  /* size of the circular queue */
	int64_t *buf;       /* points to an array of dataqsiz elements */
	uint32_t closed;    /* atomic for the fast paths */
	uint64_t sendx;     /* send index */
	uint64_t recvx;     /* receive index */
	struct waitq recvq; /* list of recv waiters */
	struct waitq sendq; /* list of send waiters */
	/* lock protects all fields in hchan, as well as several fields in
	 * sudogs blocked on this channel.  Do not change another G's status
	 * while holding this lock (in particular, do not ready a G). */
	struct plat_mutex lock;
	/* gsched: a number unique to the channel, from a counter at make
	 * time.  select's lock order sorts by it where Go sorts by address. */
	uint64_t id;
};

struct gs_chan {
	struct hchan c;
};

struct hchan *rt_makechan(int64_t size);
/* c <- *ep.  block false: selectnbsend (returns false if it would block). */
bool rt_chansend(struct hchan *c, const int64_t *ep, bool block);
/* *ep = <-c (ep may be NULL).  Returns selected; *received is false when
 * the value is the zero value of a closed channel. */
bool rt_chanrecv(struct hchan *c, int64_t *ep, bool block, bool *received);
void rt_closechan(struct hchan *c);

/* One case of a select (Go's scase, with the direction per case rather
 * than sends-first ordering). */
struct scase {
	struct hchan *c;
	int64_t *elem; /* data element: the value to send, or where to receive */
	bool send;
};
/* selectgo implements the select statement: ncases cases, block false if
 * the select has a default.  Returns the index of the chosen case (-1:
 * default) and, for a receive, whether a value was received (*recvOK). */
int rt_selectgo(struct scase *scases, int ncases, bool block, bool *recvOK);

/* The most cases one select may have (see select's order arrays). */
#define RT_SELECT_MAXCASES 1024

#endif
