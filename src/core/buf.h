/*
 * A growable text buffer with a ceiling.
 *
 * Errors are sticky: once an append fails (out of memory, or the ceiling
 * reached), later appends do nothing and pd_buf_error() reports the first
 * failure, so a caller formats a whole document and checks once at the end.
 */
#ifndef PD_BUF_H
#define PD_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* printf format checking.  mingw's "printf" archetype means the Microsoft
 * runtime's rules (no %zu); we build with __USE_MINGW_ANSI_STDIO, whose
 * rules are GNU's. */
#if defined(__MINGW32__)
#define PD_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#elif defined(__GNUC__)
#define PD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PD_PRINTF(f, a)
#endif

typedef struct pd_buf {
	char *data; /* NUL-terminated when not NULL */
	size_t len;
	size_t cap;
	size_t max; /* ceiling on len; 0 = PD_BUF_DEFAULT_MAX */
	int err;    /* 0 or the first PD_E* met */
} pd_buf;

#define PD_BUF_DEFAULT_MAX (256u * 1024u * 1024u)

void pd_buf_init(pd_buf *b, size_t max);
int pd_buf_append(pd_buf *b, const char *s, size_t n);
int pd_buf_puts(pd_buf *b, const char *s);
int pd_buf_putc(pd_buf *b, char c);
PD_PRINTF(2, 3)
int pd_buf_printf(pd_buf *b, const char *fmt, ...);
int pd_buf_vprintf(pd_buf *b, const char *fmt, va_list ap);
/* Hand the text to the caller (free() it); the buffer is left empty.
 * Returns NULL when the buffer holds an error; never NULL otherwise. */
char *pd_buf_steal(pd_buf *b);
void pd_buf_done(pd_buf *b);
static inline int pd_buf_error(const pd_buf *b) { return b->err; }

/* Small helpers shared by the core. */
char *pd__strdup(const char *s);              /* NULL in, NULL out */
char *pd__strndup(const char *s, size_t n);
/* Overflow-checked reallocation of an array of n elements of size sz. */
void *pd__reallocarray(void *p, size_t n, size_t sz);
/* Drops repeated values from v in place, keeping each first occurrence in
 * its order, in O(n log n) (a socket may list 100,000 pids).  Returns the
 * new count, or PD_ENOMEM. */
long pd__uniq_ints(int *v, size_t n);

/* Steals b's text into *ret and releases b, or returns b's error (and
 * releases b all the same). */
int pd__buf_finish(pd_buf *b, char **ret);

#endif
