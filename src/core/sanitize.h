/*
 * Making outside text safe to show.  Process names, command lines,
 * container names and pasted errors come from other people: they can carry
 * terminal escape sequences, newlines, invalid UTF-8 or a megabyte of text.
 */
#ifndef PD_SANITIZE_H
#define PD_SANITIZE_H

#include <stddef.h>

#include "buf.h"

/* Appends s (len bytes) as valid UTF-8: each invalid byte becomes U+FFFD. */
int pd__utf8_fix(pd_buf *out, const char *s, size_t len);

/* Appends s for a terminal: control characters (C0, DEL, C1), bidi
 * overrides and invalid bytes are written as visible escapes (\n, \x1b,
 * \u202e); a backslash stays as it is, so that Windows paths read
 * naturally.  At most max_bytes of input are shown, then "..."; max_bytes
 * 0 means no limit. */
int pd__term_escape(pd_buf *out, const char *s, size_t len, size_t max_bytes);

/* Decodes one UTF-8 sequence at s (n bytes available).  Returns its length
 * and stores the code point, or 0 when the bytes are not valid UTF-8. */
size_t pd__utf8_decode(const unsigned char *s, size_t n, unsigned *ret_cp);

/* Outside text, escaped for a terminal (pd__term_escape); "?" for NULL;
 * max bytes shown (0 = all). */
void pd__put_safe(pd_buf *b, const char *s, size_t max);

/* Outside text to show inside a sentence: escaped as pd__term_escape does,
 * at most max input bytes shown (then "..."), into buf (size bytes, cut at
 * a character boundary when full).  Never fails; "?" for NULL.  Returns
 * buf.  For the names that plans and progress lines carry: a process name
 * of 5,000 bytes or one full of escape codes is shown short and inert. */
#define PD_SHOWN_SIZE 512
const char *pd__shown(const char *s, size_t max, char *buf, size_t size);

#endif
