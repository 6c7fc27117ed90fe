/*
 * Locale-free ASCII helpers for the parsers.  <ctype.h> depends on the
 * current locale (a Turkish or GBK locale changes what tolower() and
 * isalpha() answer), and outside text must parse the same everywhere.
 */
#ifndef PD_ASCII_H
#define PD_ASCII_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static inline int pd__ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Value of a hexadecimal digit, or -1. */
static inline int pd__hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = pd__ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Whether the n bytes at s equal the NUL-terminated lowercase word w,
 * ignoring ASCII case. */
static inline bool pd__ascii_ieq(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return false;
	for (i = 0; i < n; i++)
		if (pd__ascii_lower((unsigned char)s[i]) != w[i])
			return false;
	return true;
}

#endif
