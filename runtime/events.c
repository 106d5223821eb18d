/*
 * events.c - the names of the event vocabulary (events.h): event kinds
 * as stored in the database, and G and P statuses.
 */
#include "events.h"

const char *const rt_evkind_name[RT_EV__COUNT] = {
        [RT_EV_NONE] = "none",
        [RT_EV_GSTATUS] = "gstatus",
        [RT_EV_PSTATUS] = "pstatus",
        [RT_EV_MSTART] = "mstart",
        [RT_EV_MPARK] = "mpark",
        [RT_EV_MUNPARK] = "munpark",
        [RT_EV_MEXIT_UNUSED] = "mexit_unused",
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
        [RT_EV_LABEL] = "label",
        [RT_EV_PREEMPT_REQ] = "preempt_req",
        [RT_EV_PREEMPT] = "preempt",
        [RT_EV_RETAKE] = "retake",
        [RT_EV_SYSCALL_ENTER] = "syscall_enter",
        [RT_EV_SYSCALL_EXIT] = "syscall_exit",
        [RT_EV_TIMER_ADD] = "timer_add",
        [RT_EV_TIMER_FIRE] = "timer_fire",
        [RT_EV_TIMER_STEAL] = "timer_steal",
        [RT_EV_NETPOLL] = "netpoll",
        [RT_EV_INJECTGLIST] = "injectglist",
        [RT_EV_STW] = "stw",
        [RT_EV_PROCRESIZE] = "procresize",
        [RT_EV_SYSMON] = "sysmon",
        [RT_EV_TIMER_NEXT] = "timer_next",
        [RT_EV_POLL_UNTIL] = "poll_until",
};

const char *const rt_gstatus_names[RT_GSTATUS_COUNT] = {
        [_Gidle] = "idle",           [_Grunnable] = "runnable",
        [_Grunning] = "running",     [_Gsyscall] = "syscall",
        [_Gwaiting] = "waiting",     [_Gmoribund_unused] = "moribund_unused",
        [_Gdead] = "dead",           [_Genqueue_unused] = "enqueue_unused",
        [_Gcopystack] = "copystack", [_Gpreempted] = "preempted",
};

const char *const rt_pstatus_names[RT_PSTATUS_COUNT] = {
        [_Pidle] = "idle",     [_Prunning] = "running", [_Psyscall] = "syscall",
        [_Pgcstop] = "gcstop", [_Pdead] = "dead",
};
