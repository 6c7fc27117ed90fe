/*
 * UTF-8 <-> UTF-16, written by hand.
 *
 * Windows hands the command line over as UTF-16 (GetCommandLineW) and its
 * console takes UTF-16 (WriteConsoleW); everything inside portdoctor is
 * UTF-8.  MultiByteToWideChar would do the conversion on Windows, but a
 * pure version is the same on every system, so the suite tests it on Linux
 * with the cases that matter there (CJK text, surrogate pairs, bad bytes).
 *
 * Bad input never fails a conversion: an invalid or truncated UTF-8
 * sequence, an overlong form, a surrogate encoded in UTF-8, and a lone
 * UTF-16 surrogate each become U+FFFD, the way Windows shows them.
 */
#ifndef PD_CORE_UTF16_H
#define PD_CORE_UTF16_H

#include <stddef.h>
#include <stdint.h>

/* s[0..len) to a malloc'ed, NUL-terminated UTF-16 string; *ret_n (may be
 * NULL) gets its length in code units without the NUL.  NULL when out of
 * memory or len is absurd. */
uint16_t *pd__utf8_to_utf16(const char *s, size_t len, size_t *ret_n);

/* w[0..n) to a malloc'ed, NUL-terminated UTF-8 string; *ret_len (may be
 * NULL) gets its length in bytes.  NULL when out of memory. */
char *pd__utf16_to_utf8(const uint16_t *w, size_t n, size_t *ret_len);

/* The length of a NUL-terminated UTF-16 string, in code units. */
size_t pd__utf16_len(const uint16_t *w);

#endif
