/*
 * fuzz.h - what the fuzz targets share (docs/reliability.md).
 *
 * Each target is one file defining LLVMFuzzerTestOneInput, built twice:
 * with libFuzzer (clang -fsanitize=fuzzer, the fuzz preset) to search
 * for inputs that crash, and with replay.c's main in every preset, to
 * run the regression corpus (tests/data/fuzz-regress/TARGET/) as a
 * normal CTest test.  A target must not print (libFuzzer runs it
 * millions of times) and must free everything it allocates (a leak is
 * a finding under LeakSanitizer).
 */
#ifndef GSCHED_FUZZ_FUZZ_H
#define GSCHED_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
