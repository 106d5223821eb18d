/*
 * arch/machine.h - the platform operations that are the machine's own
 * instructions, inline, for a backend that runs the runtime on real
 * hardware (platform.h includes this file when the runtime is compiled
 * with PLAT_MACHINE_INLINE; see docs/architecture.md, "The seam").
 *
 * Atomics are the compiler's C11-model builtins with the orderings of
 * Go's runtime/internal/atomic: the plain operations sequentially
 * consistent (Go's Load, Store, Cas, Xadd, Xchg, Or, And are), the acq/rel
 * variants acquire and release (LoadAcq, StoreRel, CasRel).  Inline, each
 * is the one instruction (a plain MOV for a load, XCHG for a seq-cst
 * store, LOCK-prefixed otherwise on x86-64; LDAR/STLR/CAS on aarch64)
 * instead of a call into the backend.
 *
 * (platform.h likewise makes plat_work an empty inline function: on real
 * hardware the scheduler code it stands for has cost what it cost; the
 * simulator charges sim/cost.h's price.)
 *
 * A backend that needs these to be more than instructions (the
 * simulator, where every atomic is a yield point) compiles the runtime
 * without PLAT_MACHINE_INLINE and defines the out-of-line functions
 * platform.h declares.
 */
#ifndef GSCHED_RUNTIME_ARCH_MACHINE_H
#define GSCHED_RUNTIME_ARCH_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#define PLAT_SC_  __ATOMIC_SEQ_CST
#define PLAT_ACQ_ __ATOMIC_ACQUIRE
#define PLAT_REL_ __ATOMIC_RELEASE

/* One macro per operation; each line below it is one width or ordering
 * of platform.h's list. */
#define PLAT_LOAD_(name, T, order)                                                                 \
	static inline T name(T const *p)                                                           \
	{                                                                                          \
		return __atomic_load_n(p, order);                                                  \
	}
#define PLAT_STORE_(name, T, order)                                                                \
	static inline void name(T *p, T v)                                                         \
	{                                                                                          \
		__atomic_store_n(p, v, order);                                                     \
	}
/* failorder orders a compare that fails (CasRel's is relaxed: Go's
 * CasRel orders nothing when it does not store). */
#define PLAT_CAS_(name, T, order, failorder)                                                       \
	static inline bool name(T *p, T old, T new_)                                               \
	{                                                                                          \
		return __atomic_compare_exchange_n(p, &old, new_, false, order, failorder);        \
	}
#define PLAT_XADD_(name, T, D)                                                                     \
	static inline T name(T *p, D delta)                                                        \
	{                                                                                          \
		return __atomic_add_fetch(p, (T)delta, PLAT_SC_);                                  \
	}
#define PLAT_XCHG_(name, T)                                                                        \
	static inline T name(T *p, T v)                                                            \
	{                                                                                          \
		return __atomic_exchange_n(p, v, PLAT_SC_);                                        \
	}
#define PLAT_BITS_(name, T, builtin)                                                               \
	static inline void name(T *p, T v)                                                         \
	{                                                                                          \
		builtin(p, v, PLAT_SC_);                                                           \
	}

PLAT_LOAD_(plat_load32, uint32_t, PLAT_SC_)
PLAT_LOAD_(plat_loadacq32, uint32_t, PLAT_ACQ_)
PLAT_LOAD_(plat_load64, uint64_t, PLAT_SC_)
PLAT_LOAD_(plat_loadp, void *, PLAT_SC_)

PLAT_STORE_(plat_store32, uint32_t, PLAT_SC_)
PLAT_STORE_(plat_storerel32, uint32_t, PLAT_REL_)
PLAT_STORE_(plat_store64, uint64_t, PLAT_SC_)
PLAT_STORE_(plat_storep, void *, PLAT_SC_)

PLAT_CAS_(plat_cas32, uint32_t, PLAT_SC_, PLAT_SC_)
PLAT_CAS_(plat_casrel32, uint32_t, PLAT_REL_, __ATOMIC_RELAXED)
PLAT_CAS_(plat_cas64, uint64_t, PLAT_SC_, PLAT_SC_)
PLAT_CAS_(plat_casp, void *, PLAT_SC_, PLAT_SC_)

PLAT_XADD_(plat_xadd32, uint32_t, int32_t)
PLAT_XADD_(plat_xadd64, uint64_t, int64_t)
PLAT_XADD_(plat_shared_add32, uint32_t, int32_t)
PLAT_XADD_(plat_shared_add64, uint64_t, int64_t)

PLAT_XCHG_(plat_xchg32, uint32_t)
PLAT_XCHG_(plat_xchg64, uint64_t)

PLAT_BITS_(plat_or32, uint32_t, __atomic_or_fetch)
PLAT_BITS_(plat_and32, uint32_t, __atomic_and_fetch)

#undef PLAT_LOAD_
#undef PLAT_STORE_
#undef PLAT_CAS_
#undef PLAT_XADD_
#undef PLAT_XCHG_
#undef PLAT_BITS_
#undef PLAT_SC_
#undef PLAT_ACQ_
#undef PLAT_REL_

#endif
