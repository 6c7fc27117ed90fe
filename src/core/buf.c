/*
 * Growable buffer with a ceiling (see buf.h).  Every document the core
 * writes - rendered text, JSON - goes through it, so the ceiling bounds
 * what any hostile input can make us allocate.
 */
#include "buf.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portdoctor/portdoctor.h"

void pd_buf_init(pd_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max ? max : PD_BUF_DEFAULT_MAX;
}

static int grow(pd_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->err)
		return b->err;
	if (extra > b->max || b->len > b->max - extra) {
		b->err = PD_ETOOBIG;
		return b->err;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->err = PD_ENOMEM;
		return b->err;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int pd_buf_append(pd_buf *b, const char *s, size_t n)
{
	int r = grow(b, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int pd_buf_puts(pd_buf *b, const char *s)
{
	return pd_buf_append(b, s, strlen(s));
}

int pd_buf_putc(pd_buf *b, char c)
{
	return pd_buf_append(b, &c, 1);
}

int pd_buf_vprintf(pd_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (b->err)
		return b->err;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->err = PD_EINVAL;
		return b->err;
	}
	if (grow(b, (size_t)n) < 0)
		return b->err;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int pd_buf_printf(pd_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pd_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

char *pd_buf_steal(pd_buf *b)
{
	char *p;

	if (b->err)
		return NULL;
	if (!b->data) {
		/* Nothing was ever appended: hand out "", not raw memory. */
		if (grow(b, 0) < 0)
			return NULL;
		b->data[0] = '\0';
	}
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void pd_buf_done(pd_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *pd__strndup(const char *s, size_t n)
{
	char *p;

	if (!s)
		return NULL;
	if (n == SIZE_MAX)
		return NULL;
	p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *pd__strdup(const char *s)
{
	return s ? pd__strndup(s, strlen(s)) : NULL;
}

void *pd__reallocarray(void *p, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		return NULL;
	return realloc(p, (n && sz) ? n * sz : 1);
}

int pd__buf_finish(pd_buf *b, char **ret)
{
	char *text = pd_buf_steal(b);
	int err = b->err;

	pd_buf_done(b);
	if (!text)
		return err ? err : PD_ENOMEM;
	*ret = text;
	return 0;
}

static int cmp_val_pos(const void *a, const void *b)
{
	const long *x = a, *y = b; /* {value, position} */

	if (x[0] != y[0])
		return (x[0] > y[0]) - (x[0] < y[0]);
	return (x[1] > y[1]) - (x[1] < y[1]);
}

long pd__uniq_ints(int *v, size_t n)
{
	long *keys;
	bool *keep;
	size_t i, k = 0;

	if (n > (size_t)LONG_MAX / 2)
		return PD_ENOMEM;
	if (n < 2)
		return (long)n;
	keys = pd__reallocarray(NULL, n, 2 * sizeof(*keys));
	keep = calloc(n, sizeof(*keep));
	if (!keys || !keep) {
		free(keys);
		free(keep);
		return PD_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		keys[2 * i] = v[i];
		keys[2 * i + 1] = (long)i;
	}
	qsort(keys, n, 2 * sizeof(*keys), cmp_val_pos);
	for (i = 0; i < n; i++)
		if (i == 0 || keys[2 * i] != keys[2 * i - 2])
			keep[keys[2 * i + 1]] = true;
	for (i = 0; i < n; i++)
		if (keep[i])
			v[k++] = v[i];
	free(keys);
	free(keep);
	return (long)k;
}
