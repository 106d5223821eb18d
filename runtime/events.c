/*
 * events.c - names of the event kinds, as stored in the database.
 * Order must match enum rt_evkind in events.h.
 */
#include "events.h"

const char *const rt_evkind_name[RT_EV__COUNT] = {
        [RT_EV_NONE] = "none",
        [RT_EV_GSTATUS] = "gstatus",
        [RT_EV_PSTATUS] = "pstatus",
        [RT_EV_MSTART] = "mstart",
        [RT_EV_MPARK] = "mpark",
        [RT_EV_MUNPARK] = "munpark",
        [RT_EV_MEXIT] = "mexit",
        [RT_EV_SPINNING] = "spinning",
        [RT_EV_RUNQPUT] = "runqput",
        [RT_EV_RUNQPUTSLOW] = "runqputslow",
        [RT_EV_RUNQGET] = "runqget",
        [RT_EV_GLOBRUNQPUT] = "globrunqput",
        [RT_EV_GLOBRUNQGET] = "globrunqget",
        [RT_EV_STEAL] = "steal",
        [RT_EV_WAKEP] = "wakep",
        [RT_EV_STARTM] = "startm",
        [RT_EV_HANDOFFP] = "handoffp",
        [RT_EV_NEEDSPINNING] = "needspinning",
        [RT_EV_NEWPROC] = "newproc",
        [RT_EV_GOEXIT] = "goexit",
        [RT_EV_PIDLEPUT] = "pidleput",
        [RT_EV_PIDLEGET] = "pidleget",
        [RT_EV_VIOLATION] = "violation",
};
