/*
 * Internals shared by the netsh parser's files; not part of any API.
 *
 * parse.c owns the parser: line cutting, command-line and section
 * detection, the excludedportrange/dynamicport rows and the entry point.
 * It hands each line of a portproxy section to portproxy.c and each
 * line of an http servicestate section to http.c.  Those two
 * add their rows through the section and array helpers declared here, so
 * that a section's row count and the bad-row count stay kept in one place.
 */
#ifndef PD_NETSH_INTERNAL_H
#define PD_NETSH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netsh.h"

/* ------------------------------------------------------ ASCII helpers */

/* Locale-free on purpose: <ctype.h> answers differently per locale, and
 * OEM code page bytes >= 0x80 must never count as letters or spaces. */
static inline bool pd__netsh_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}
static inline bool pd__netsh_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool pd__netsh_is_alnum(unsigned char c)
{
	return pd__netsh_is_digit(c) || pd__netsh_is_alpha(c);
}
/* A NUL counts as a blank: a paste that came through a tool which turned
 * the column gaps into NULs still reads as columns, never as nothing. */
static inline bool pd__netsh_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}
static inline unsigned char pd__netsh_to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

typedef struct pd__netsh_span {
	const unsigned char *p;
	size_t n;
} pd__netsh_span;

static inline bool pd__netsh_span_ieq(pd__netsh_span s, const char *word)
{
	size_t wn = strlen(word);

	if (s.n != wn)
		return false;
	for (size_t i = 0; i < wn; i++)
		if (pd__netsh_to_lower(s.p[i]) != (unsigned char)word[i])
			return false;
	return true;
}

static inline bool pd__netsh_all_digits(pd__netsh_span s)
{
	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (!pd__netsh_is_digit(s.p[i]))
			return false;
	return true;
}

/* Decimal value of a digit run, saturated at UINT32_MAX so that a run of
 * any length is range-checked without overflow. */
static inline uint32_t pd__netsh_digits_value(pd__netsh_span s)
{
	uint32_t v = 0;

	for (size_t i = 0; i < s.n; i++) {
		uint32_t d = (uint32_t)(s.p[i] - '0');
		if (v > (UINT32_MAX - d) / 10)
			return UINT32_MAX;
		v = v * 10 + d;
	}
	return v;
}

static inline pd__netsh_span pd__netsh_advance(pd__netsh_span s, size_t k)
{
	s.p += k;
	s.n -= k;
	return s;
}

static inline size_t pd__netsh_indent_of(pd__netsh_span s)
{
	size_t i = 0;

	while (i < s.n && pd__netsh_is_blank(s.p[i]))
		i++;
	return i;
}

/* Next word: a run of bytes that are not blanks and not in seps.  Returns
 * false, with *rest and *ret_word untouched, when none is left. */
bool pd__netsh_next_word(pd__netsh_span *rest, const char *seps,
                         pd__netsh_span *ret_word);

/* "ipv4" or "ip" -> V4, "ipv6" -> V6, anything else PD_FAMILY_ANY. */
pd_family pd__netsh_family_word(pd__netsh_span w);

/* Grows *arr (realloc) to hold element n of size sz; *arr stays the
 * caller's either way.  0 or PD_ENOMEM, with *arr and *cap untouched. */
int pd__netsh_grow(void **arr, size_t *cap, size_t n, size_t sz);

/* ------------------------------------------------------ parser state */

typedef struct pd__netsh_section_state {
	pd_netsh_kind kind;
	pd_proto proto;
	pd_family family;
	bool said;       /* from a command line or the hint's kind */
	bool has_header; /* a header line was seen */
	bool recorded;   /* pushed to result.sections */
	size_t index;    /* into result.sections when recorded */
	size_t line;
	size_t n_rows;
	/* dynamic: 0 = expecting the start, 1 = expecting the count */
	int dyn_state;
	uint32_t dyn_start;
	size_t dyn_line;
	/* portproxy: families from the "Listen on ipv4:" header or command */
	pd_family pp_listen, pp_connect;
	/* http: the pid run in force, and the indent of its label line */
	int pids[PD_NETSH_MAX_PIDS];
	size_t n_pids;
	bool in_pid_run;
	bool pid_scope;
	size_t scope_indent;
	size_t last_indent;
	size_t pid_indent;  /* indent of the run's pid lines */
	bool want_services; /* the line after an "ID: N, image: X" line */
} pd__netsh_section_state;

typedef struct pd__netsh_parser {
	pd_netsh_result res;
	size_t cap_excluded, cap_dynamic, cap_sections, cap_proxies, cap_urls,
	       cap_procs;
	pd_netsh_hint hint;
	pd__netsh_section_state cur;
	size_t line_no;
} pd__netsh_parser;

/* Counts a row of the right shape whose numbers failed the checks, at the
 * current line. */
void pd__netsh_bad_row(pd__netsh_parser *ps);

/* Copies the current section's kind, protocol, family and row count into
 * its entry in result.sections, if it has one. */
void pd__netsh_section_sync(pd__netsh_parser *ps);

/* Gives the current section its entry in result.sections (once).  0 or
 * PD_ENOMEM; the entries stay owned by ps->res. */
int pd__netsh_section_record(pd__netsh_parser *ps);

/* One trimmed line s of a portproxy section (portproxy.c): a rule,
 * or the "Listen on ipv4:" header.  0 or PD_ENOMEM. */
int pd__netsh_proxy_line(pd__netsh_parser *ps, pd__netsh_span s);

/* One line of an http servicestate section (http.c): raw as
 * cut, for its indent, and s trimmed.  0 or PD_ENOMEM. */
int pd__netsh_http_line(pd__netsh_parser *ps, pd__netsh_span raw,
                        pd__netsh_span s);

#endif
