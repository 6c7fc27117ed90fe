/*
 * Internal declarations shared by the error-message parser's files; nothing
 * outside parse.c and its errmsg_*.c helpers includes this.
 *
 * The parser is split by job: normalize.c cleans the pasted text,
 * endpoint.c reads endpoints out of a line, tools.c knows
 * the programs that print these errors, and parse.c finds the
 * failures and folds them.  They share the types below, which describe
 * one parse (ctx) and what it collects.  The tiny character classes are
 * static inline so each file keeps its own copy, as before the split.
 */
#ifndef PD_ERRMSG_INTERNAL_H
#define PD_ERRMSG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errmsg.h"

#define MAX_CANDS 32
#define MAX_ANCHORS 4096
#define MAX_HINTS 4096
#define NAME_MAX_ 128

/* ----------------------------------------------------------- ASCII */

/* Locale-free on purpose: pasted text must parse the same everywhere. */
static inline int lc(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline bool is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool is_alpha(int c) { return lc(c) >= 'a' && lc(c) <= 'z'; }
static inline bool is_alnum(int c) { return is_digit(c) || is_alpha(c); }
static inline bool is_hex(int c) { return is_digit(c) || (lc(c) >= 'a' && lc(c) <= 'f'); }
static inline bool is_blank(int c) { return c == ' ' || c == '\t' || c == '\n'; }
static inline bool is_word(int c) { return is_alnum(c) || c == '_'; }

/* Value of a hex digit the caller has checked with is_hex(). */
static inline int hexval(int c)
{
	return is_digit(c) ? c - '0' : lc(c) - 'a' + 10;
}

/* Pattern matching (endpoint.c): ASCII case-insensitive, ' ' in a
 * pattern matches one or more blanks. */
size_t pd__pmatch(const char *s, size_t n, const char *pat);
bool pd__pfind(const char *s, size_t a, size_t b, const char *pat, size_t *ret_off);
bool pd__ends_with(const char *s, size_t lo, size_t end, const char *pat,
                   size_t *ret_start);

/* ------------------------------------------------- endpoint candidates */

/* H_HIDDEN: a host is written but redacted ("xxx.247.131.221", "**.**.***.**"). */
enum { H_NONE, H_ADDR, H_ALL, H_HIDDEN };

enum { SC_ADDR_ONLY = 10, SC_PORTPHRASE = 20, SC_MEDIUM = 30, SC_STRONG_NOPORT = 40,
       SC_STRONG = 50 };

typedef struct cand {
	size_t off, end, lead; /* lead: start of the lead-in verb, or off */
	int score;
	int host; /* H_NONE, H_ADDR, H_ALL, H_HIDDEN */
	char addr[PD_ADDR_STRLEN];
	int port;
	bool port_form; /* port comes from an endpoint, not a bare string */
	pd_proto proto;
	bool proto_implied;
	pd_family family;
	bool prop; /* host given as a property: "address: '::'", "bindIp: ..." */
} cand;

/* ----------------------------------------------------------- anchors */

enum { AK_OS, AK_NAME, AK_CLASS, AK_FAIL, AK_CODE /* "[Errno 98]": a number only */ };
/* Strength of an anchor: STRONG makes a failure alone; CTX needs a socket
 * word or an endpoint in the same line ("Permission denied" alone is any
 * file); VERB needs an endpoint after a bind verb ("bind((" in a Python
 * traceback line, "Failed to create ... socket on address"). */
enum { ST_VERB = 0, ST_CTX = 1, ST_STRONG = 2,
       ST_FAILVERB = 3 /* as ST_VERB; with "listen tcp A:P"-sure endpoint
                          it is a failure even without a reason */ };

typedef struct anchor {
	size_t off, end;
	uint32_t line;
	uint8_t kind, cls, strength;
	int8_t osid;    /* pd_oserr_id or -1 */
	bool winsock;   /* Winsock wording or WSAE* name */
} anchor;

/* ------------------------------------------------------- tool hints */

typedef struct hint {
	uint32_t line;
	uint16_t pat; /* index into hintpats */
} hint;

/* --------------------------------------------------------- failures */

typedef struct fail {
	uint32_t line_first, line_last;
	size_t text_off, text_len;
	int host;
	char addr[PD_ADDR_STRLEN];
	int port;
	bool port_form;
	pd_proto proto;
	bool proto_implied;
	pd_family family;
	pd_errclass cls;
	bool keep; /* has a class or a strong failure phrase */
	int osid;
	bool winsock;
	int os_code;
	size_t ostext_off, ostext_len;
	char container[NAME_MAX_], service[NAME_MAX_];
	int tool;      /* index, -1 none */
	int name_tool; /* from the endpoint name, -1 none */
	bool merged;
} fail;

typedef struct ctx {
	const char *s;
	size_t n;
	size_t *line_start;
	uint32_t nlines;
	anchor *an;
	size_t nan;
	hint *hi;
	size_t nhi;
	fail *fs;
	size_t nf;
	bool windows, macos;
} ctx;

/* Normalizes s[0..n) in place (JSON unescaping, ANSI escapes, CR/CRLF,
 * curly quotes, terminal wraps); returns the new length, never more. */
size_t pd__errmsg_normalize(char *s, size_t n);

/* Addresses (hostaddr.c).  parse_*: exactly s[0..n); fmt_*: canonical text
 * into out (PD_ADDR_STRLEN).  canon_host: host text -> canonical form in
 * out; names: accept any host name, else only "localhost"; returns H_ADDR,
 * H_ALL ("", "*", "+", "<null>", "null") or H_NONE.  host_is_name: a
 * canonical host that is a name other than "localhost". */
bool pd__parse_v4(const char *s, size_t n, uint8_t b[4]);
bool pd__parse_v6(const char *s, size_t n, uint8_t b[16]);
void pd__fmt_v4(const uint8_t b[4], char *out);
void pd__fmt_v6(const uint8_t b[16], char *out);
int pd__canon_host(const char *s, size_t n, bool names, char *out);
bool pd__host_is_name(const char *a);
bool pd__redacted(const char *s, size_t n);

/* The endpoint candidates of s[a..b), at most MAX_CANDS, in text order. */
size_t pd__scan_cands(const char *s, size_t a, size_t b, cand *cs);

/* Line number of byte offset off, and the end of line l (parse.c). */
uint32_t pd__line_of(const ctx *c, size_t off);
size_t pd__line_end(const ctx *c, uint32_t l);

/* Every anchor of the text into c->an, in text order (anchors.c). */
void pd__scan_anchors(ctx *c);

/* Program hints of the whole text into c->hi, and the OS the text comes
 * from (c->windows, c->macos). */
void pd__scan_hints(ctx *c);
/* Docker endpoint and compose service names in s[a..b) into f. */
void pd__scan_names(const ctx *c, size_t a, size_t b, fail *f);
/* f->tool, and f->proto when a hint implies it. */
void pd__assign_tool(ctx *c, fail *f);
/* Name of tool index t (a fail's tool, >= 0). */
const char *pd__tool_name(int t);

#endif
