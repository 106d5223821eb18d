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

static inline uint32_t plat_load32(const uint32_t *p)
{
	return __atomic_load_n(p, PLAT_SC_);
}

static inline uint32_t plat_loadacq32(const uint32_t *p)
{
	return __atomic_load_n(p, PLAT_ACQ_);
}

static inline void plat_store32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, PLAT_SC_);
}

static inline void plat_storerel32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, PLAT_REL_);
}

static inline bool plat_cas32(uint32_t *p, uint32_t old, uint32_t new_)
{
	return __atomic_compare_exchange_n(p, &old, new_, false, PLAT_SC_, PLAT_SC_);
}

static inline bool plat_casrel32(uint32_t *p, uint32_t old, uint32_t new_)
{
	return __atomic_compare_exchange_n(p, &old, new_, false, PLAT_REL_, __ATOMIC_RELAXED);
}

static inline uint32_t plat_xadd32(uint32_t *p, int32_t delta)
{
	return __atomic_add_fetch(p, (uint32_t)delta, PLAT_SC_);
}

static inline uint32_t plat_xchg32(uint32_t *p, uint32_t v)
{
	return __atomic_exchange_n(p, v, PLAT_SC_);
}

static inline void plat_or32(uint32_t *p, uint32_t v)
{
	__atomic_or_fetch(p, v, PLAT_SC_);
}

static inline void plat_and32(uint32_t *p, uint32_t v)
{
	__atomic_and_fetch(p, v, PLAT_SC_);
}

static inline uint64_t plat_load64(const uint64_t *p)
{
	return __atomic_load_n(p, PLAT_SC_);
}

static inline void plat_store64(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, PLAT_SC_);
}

static inline bool plat_cas64(uint64_t *p, uint64_t old, uint64_t new_)
{
	return __atomic_compare_exchange_n(p, &old, new_, false, PLAT_SC_, PLAT_SC_);
}

static inline uint64_t plat_xadd64(uint64_t *p, int64_t delta)
{
	return __atomic_add_fetch(p, (uint64_t)delta, PLAT_SC_);
}

static inline uint64_t plat_xchg64(uint64_t *p, uint64_t v)
{
	return __atomic_exchange_n(p, v, PLAT_SC_);
}

static inline void *plat_loadp(void *const *p)
{
	return __atomic_load_n(p, PLAT_SC_);
}

static inline void plat_storep(void **p, void *v)
{
	__atomic_store_n(p, v, PLAT_SC_);
}

static inline bool plat_casp(void **p, void *old, void *new_)
{
	return __atomic_compare_exchange_n(p, &old, new_, false, PLAT_SC_, PLAT_SC_);
}

#undef PLAT_SC_
#undef PLAT_ACQ_
#undef PLAT_REL_

#endif
