/*
 * Port-binding failures in pasted error text.
 *
 * Design.  The parser never trusts line structure or a tool's exact
 * wording; it works in four steps:
 *
 *   1. normalize: per line JSON unescaping (only when every backslash in
 *      the line is a valid JSON escape, so Windows paths stay), ANSI
 *      escapes out, CR/CRLF -> LF, curly quotes and fullwidth punctuation
 *      -> ASCII, and terminal wraps joined (a line whose display width
 *      equals the detected terminal width is glued to the next one);
 *   2. anchors: OS error wordings in every known language (oserror.c),
 *      errno / Winsock names, class phrases ("port is already allocated",
 *      "privileged port") and failure verbs ("ports are not available",
 *      "failed to bind", Go's ": bind: ");
 *   3. per line (split when it holds several distinct bind endpoints):
 *      the best endpoint by a small grammar - lead-in verb + endpoint
 *      ("listen tcp4 A:P", "bind() to [v6]:P", "Bind for A:P", "exposing
 *      port TCP A:P"), URLs, Python tuples, Node's "listen EACCES: ... X",
 *      bare IP:port, "port N" phrases - with the OS code, protocol and
 *      the Docker endpoint / compose service names;
 *   4. fold: equal endpoints become one failure, and a failure without an
 *      endpoint (a stack trace's "Caused by", a "[Errno 98]" line) joins
 *      the nearest failure with one.  The program is the strongest hint in
 *      the failure's own lines, else in the lines around it.
 *
 * Files.  Step 1 is normalize.c, step 2 anchors.c, the endpoint grammar
 * of step 3 endpoint.c (addresses in hostaddr.c); tools.c finds the
 * program hints and names.  This file builds each line's failures, folds
 * them, gives a failure without port the one the lines around it name,
 * and returns the result; errmsg_internal.h holds the shared types.
 *
 * Only what the text says is reported.  Everything is bounded: input
 * length, anchors, candidates and results; no recursion.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg_internal.h"

#define MAX_FAILS 256
#define FOLD_LINES 12 /* how far a failure without endpoint may join one */
#define CTX_LINES 8   /* how far a failure without port looks for one */

static char *xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* ------------------------------------------------------------- lines */

uint32_t pd__line_of(const ctx *c, size_t off)
{
	uint32_t lo = 0, hi = c->nlines;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (c->line_start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

size_t pd__line_end(const ctx *c, uint32_t l)
{
	return l + 1 < c->nlines ? c->line_start[l + 1] - 1 : c->n;
}

static int split_lines(ctx *c)
{
	size_t count = 1, k = 1;
	for (size_t i = 0; i < c->n; i++)
		count += c->s[i] == '\n';
	if (count > UINT32_MAX - 1)
		return PD_ETOOBIG;
	c->line_start = malloc(count * sizeof(size_t));
	if (!c->line_start)
		return PD_ENOMEM;
	c->line_start[0] = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->s[i] == '\n')
			c->line_start[k++] = i + 1;
	c->nlines = (uint32_t)count;
	return 0;
}

/* ------------------------------------------------- one failure's fields */

/* "[Errno 98]", "[WinError 10013]", "(OS 10048)", "Error 10013", "errno:
 * -98", "os error 98", "code: 98", nginx "(98: ...", Apache "(98)Addr...",
 * .NET "SocketException (98)".  A number is taken only when it names an
 * error of the table and agrees with the wording found (osid). */
static void scan_codes(const ctx *c, size_t a, size_t b, fail *f)
{
	static const char *const pre[] = {"[errno", "[winerror", "(os", "errno:",
	                                  "errno =", "errno=", "errno", "os error",
	                                  "code:", "error"};
	const char *s = c->s;
	for (size_t i = a; i < b; i++) {
		size_t j = i, st = i;
		long v = 0;
		bool neg = false, ok = false, strongform = false;
		const pd_oserror *e = NULL;
		pd_osfam fam = PD_OSFAM_LINUX;

		if (!is_digit((unsigned char)s[i]) || (i > a && is_alnum((unsigned char)s[i - 1])))
			continue;
		while (j < b && is_digit((unsigned char)s[j]) && j - i < 6)
			v = v * 10 + (s[j++] - '0');
		if (j < b && is_alnum((unsigned char)s[j]))
			continue;
		if (st > a && s[st - 1] == '-') {
			neg = true;
			st--;
		}
		/* "(98: ...", "(98)Address", "(98): ..."; a number in parentheses
		 * followed by anything else is a pid or a count ("[ALERT] (1) :"),
		 * unless it is in the Winsock range. */
		if (st > a && s[st - 1] == '(' && j < b &&
		    (s[j] == ':' ||
		     (s[j] == ')' && ((j + 1 < b && (is_alpha((unsigned char)s[j + 1]) ||
		                                      s[j + 1] == ':')) ||
		                      (v >= 10000 && v < 12000)))))
			ok = strongform = true;
		for (size_t k = 0; !ok && k < sizeof(pre) / sizeof(pre[0]); k++)
			if (pd__ends_with(s, a, st, pre[k], NULL))
				ok = true, strongform = k < 9;
		i = j;
		if (!ok)
			continue;
		if (v >= 10000 && v < 12000 && !neg) {
			e = pd_oserror_by_code(PD_OSFAM_WINSOCK, (int)v);
			fam = PD_OSFAM_WINSOCK;
		} else if (neg && (e = pd_oserror_by_code(PD_OSFAM_LIBUV_WIN, (int)-v))) {
			fam = PD_OSFAM_LIBUV_WIN;
		} else {
			const pd_oserror *lx = pd_oserror_by_code(PD_OSFAM_LINUX, (int)v);
			const pd_oserror *bsd = pd_oserror_by_code(PD_OSFAM_BSD, (int)v);
			if (f->osid >= 0) {
				if (lx && lx->id == (pd_oserr_id)f->osid && !(c->macos && bsd && bsd->id == lx->id))
					e = lx;
				else if (bsd && bsd->id == (pd_oserr_id)f->osid)
					e = bsd, fam = PD_OSFAM_BSD;
				else if (lx && lx->id == (pd_oserr_id)f->osid)
					e = lx;
			} else if (strongform) {
				e = c->macos ? bsd : lx;
				fam = c->macos ? PD_OSFAM_BSD : PD_OSFAM_LINUX;
			}
		}
		if (!e || (f->osid >= 0 && e->id != (pd_oserr_id)f->osid))
			continue;
		if (f->osid < 0 && !strongform && fam != PD_OSFAM_WINSOCK)
			continue;
		f->osid = (int)e->id;
		if (fam == PD_OSFAM_WINSOCK)
			f->winsock = true;
		f->os_code = fam == PD_OSFAM_LIBUV_WIN ? -1 : (int)v;
		if (f->cls == PD_ERRCLASS_UNKNOWN)
			f->cls = e->error_class;
		return;
	}
}

/* Explicit protocol words in the segment: "tcp", "udp6", "TCP/IP". */
static void scan_proto(const ctx *c, size_t a, size_t b, fail *f)
{
	const char *s = c->s;
	for (size_t i = a; i + 3 <= b; i++) {
		pd_proto p = PD_PROTO_NONE;
		size_t e = i + 3;
		if (i > a && is_alnum((unsigned char)s[i - 1]))
			continue;
		if (pd__pmatch(s + i, 3, "tcp"))
			p = PD_PROTO_TCP;
		else if (pd__pmatch(s + i, 3, "udp"))
			p = PD_PROTO_UDP;
		if (!p)
			continue;
		if (e < b && (s[e] == '4' || s[e] == '6'))
			e++;
		if (e < b && is_alnum((unsigned char)s[e]))
			continue;
		f->proto = p;
		f->proto_implied = false;
		if (e == i + 4 && f->family == PD_FAMILY_ANY)
			f->family = s[i + 3] == '4' ? PD_FAMILY_V4 : PD_FAMILY_V6;
		return;
	}
}

static bool has_ctx_word(const char *s, size_t a, size_t b)
{
	static const char *const w[] = {"bind", "listen", "socket", "port", "endpoint",
	                                "address"};
	for (size_t k = 0; k < sizeof(w) / sizeof(w[0]); k++)
		if (pd__pfind(s, a, b, w[k], NULL))
			return true;
	return false;
}

/* Builds the failure of segment [a, b) of line l, if it is one. */
static bool make_fail(ctx *c, uint32_t l, size_t a, size_t b, const cand *cs, size_t nc,
                      fail *f)
{
	const cand *best = NULL, *pp = NULL;
	bool ctxw = has_ctx_word(c->s, a, b), strong_cand = false, any = false;
	bool priv = false;
	int cls_os = -1, cls_phrase = -1, code_osid = -1;
	bool code_ws = false;

	for (size_t k = 0; k < nc; k++) {
		if (cs[k].off < a || cs[k].off >= b || cs[k].score == 0)
			continue;
		if (!best || cs[k].score > best->score)
			best = &cs[k];
		if (!pp && cs[k].score == SC_PORTPHRASE)
			pp = &cs[k];
		strong_cand |= cs[k].score >= SC_STRONG_NOPORT;
		ctxw |= cs[k].score >= SC_PORTPHRASE;
	}
	memset(f, 0, sizeof(*f));
	f->osid = -1;
	f->os_code = -1;
	f->port = -1;
	f->tool = f->name_tool = -1;
	for (size_t k = 0; k < c->nan; k++) {
		const anchor *an = &c->an[k];
		if (an->line != l || an->off < a || an->off >= b)
			continue;
		if ((an->strength == ST_CTX && !ctxw) ||
		    ((an->strength == ST_VERB || an->strength == ST_FAILVERB) && !strong_cand))
			continue;
		any = true;
		/* A failure verb with an endpoint after a bind verb on the same line
		 * ("Failed to initialize connector [Connector[HTTP/1.1-8080]]") is a
		 * failure even when the text gives no reason. */
		if (an->strength == ST_STRONG || an->cls ||
		    (an->strength == ST_FAILVERB && best && best->score == SC_STRONG))
			f->keep = true;
		if (an->kind == AK_CODE) {
			if (code_osid < 0) {
				code_osid = an->osid;
				code_ws = an->winsock;
			}
		} else if (an->kind == AK_OS || an->kind == AK_NAME) {
			if (f->osid < 0) {
				f->osid = an->osid;
				f->winsock = an->winsock;
			}
			if (an->kind == AK_OS && !f->ostext_len) {
				f->ostext_off = an->off;
				f->ostext_len = an->end - an->off;
			}
			if (cls_os < 0 && an->cls)
				cls_os = an->cls;
		} else if (an->kind == AK_CLASS) {
			if (an->cls == PD_ERRCLASS_PRIVILEGED)
				priv = true;
			else if (cls_phrase < 0)
				cls_phrase = an->cls;
		}
	}
	if (!any)
		return false;
	if (f->osid < 0 && code_osid >= 0) { /* the number only when no wording */
		f->osid = code_osid;
		f->winsock = code_ws;
		cls_os = pd_oserror_get((pd_oserr_id)code_osid)->error_class;
	}
	f->cls = priv ? PD_ERRCLASS_PRIVILEGED
	              : cls_os >= 0 ? (pd_errclass)cls_os
	                            : cls_phrase >= 0 ? (pd_errclass)cls_phrase : PD_ERRCLASS_UNKNOWN;
	f->line_first = f->line_last = l;
	if (best) {
		f->host = best->host;
		memcpy(f->addr, best->addr, sizeof(f->addr));
		f->port = best->port;
		f->port_form = best->port_form;
		f->proto = best->proto;
		f->proto_implied = best->proto_implied;
		f->family = best->family;
		if (f->port < 0 && pp) {
			f->port = pp->port;
			f->port_form = true;
		}
	}
	if (!f->proto || f->proto_implied) {
		pd_proto keep = f->proto;
		scan_proto(c, a, b, f);
		if (!f->proto)
			f->proto = keep;
	}
	if (f->osid >= 0 && f->winsock) {
		f->os_code = pd_oserror_get((pd_oserr_id)f->osid)->code[PD_OSFAM_WINSOCK];
	}
	{
		int code_before = f->os_code;
		f->os_code = -1;
		scan_codes(c, a, b, f);
		if (f->os_code < 0)
			f->os_code = code_before;
	}
	pd__scan_names(c, c->line_start[l], pd__line_end(c, l), f);
	if (f->cls == PD_ERRCLASS_UNKNOWN && f->osid >= 0)
		f->cls = pd_oserror_get((pd_oserr_id)f->osid)->error_class;
	if (f->cls != PD_ERRCLASS_UNKNOWN)
		f->keep = true;
	f->text_off = c->line_start[l];
	f->text_len = pd__line_end(c, l) - f->text_off;
	return true;
}

static void push_fail(ctx *c, const fail *f)
{
	if (c->nf < MAX_FAILS)
		c->fs[c->nf++] = *f;
}

static bool same_host(const cand *x, const cand *y)
{
	return x->port == y->port && x->host == y->host && strcmp(x->addr, y->addr) == 0;
}

/* The failures of one line: one per distinct bind endpoint. */
static void line_fails(ctx *c, uint32_t l)
{
	size_t a = c->line_start[l], b = pd__line_end(c, l), nc, nsplit = 0;
	cand cs[MAX_CANDS];
	size_t split[MAX_CANDS];
	fail f;

	nc = pd__scan_cands(c->s, a, b, cs);
	for (size_t k = 0; k < nc; k++) {
		bool dup = false;
		if (cs[k].score != SC_STRONG)
			continue;
		for (size_t q = 0; q < k; q++)
			dup |= cs[q].score == SC_STRONG && same_host(&cs[q], &cs[k]);
		if (!dup)
			split[nsplit++] = k;
	}
	if (nsplit < 2) {
		if (make_fail(c, l, a, b, cs, nc, &f))
			push_fail(c, &f);
		return;
	}
	for (size_t k = 0; k < nsplit; k++) {
		size_t sa = k == 0 ? a : cs[split[k]].lead;
		size_t sb = k + 1 < nsplit ? cs[split[k + 1]].lead : b;
		if (sb > sa && make_fail(c, l, sa, sb, cs, nc, &f))
			push_fail(c, &f);
	}
}

/* ------------------------------------------------------------ folding */

static bool has_endpoint(const fail *f)
{
	return f->port > 0 || f->host != H_NONE;
}

static bool class_compat(pd_errclass x, pd_errclass y)
{
	if (x == y || x == PD_ERRCLASS_UNKNOWN || y == PD_ERRCLASS_UNKNOWN)
		return true;
	return (x == PD_ERRCLASS_ACCESS_DENIED && y == PD_ERRCLASS_PRIVILEGED) ||
	       (y == PD_ERRCLASS_ACCESS_DENIED && x == PD_ERRCLASS_PRIVILEGED);
}

static bool same_endpoint(const fail *x, const fail *y)
{
	if (x->port != y->port)
		return false;
	if (x->host != H_NONE && y->host != H_NONE &&
	    (x->host != y->host || strcmp(x->addr, y->addr) != 0))
		return false;
	if (x->proto && y->proto && x->proto != y->proto)
		return false;
	return class_compat(x->cls, y->cls);
}

/* Fills what dst lacks from src. */
static void merge_into(fail *dst, const fail *src)
{
	if (dst->host == H_NONE && src->host != H_NONE) {
		dst->host = src->host;
		memcpy(dst->addr, src->addr, sizeof(dst->addr));
	}
	if (dst->port < 0 && src->port > 0) {
		dst->port = src->port;
		dst->port_form = src->port_form;
	}
	if (!dst->proto || (dst->proto_implied && src->proto && !src->proto_implied)) {
		if (src->proto) {
			dst->proto = src->proto;
			dst->proto_implied = src->proto_implied;
		}
	}
	if (!dst->family)
		dst->family = src->family;
	if (dst->cls == PD_ERRCLASS_UNKNOWN ||
	    (dst->cls == PD_ERRCLASS_ACCESS_DENIED && src->cls == PD_ERRCLASS_PRIVILEGED))
		dst->cls = src->cls;
	if (dst->osid < 0) {
		dst->osid = src->osid;
		dst->winsock = src->winsock;
	}
	if (dst->os_code < 0 && (src->osid == dst->osid))
		dst->os_code = src->os_code;
	if (!dst->ostext_len && src->osid == dst->osid) {
		dst->ostext_off = src->ostext_off;
		dst->ostext_len = src->ostext_len;
	}
	if (!dst->container[0])
		memcpy(dst->container, src->container, sizeof(dst->container));
	if (!dst->service[0])
		memcpy(dst->service, src->service, sizeof(dst->service));
	if (dst->name_tool < 0)
		dst->name_tool = src->name_tool;
	dst->keep |= src->keep;
	if (src->line_first < dst->line_first)
		dst->line_first = src->line_first;
	if (src->line_last > dst->line_last)
		dst->line_last = src->line_last;
}

static uint32_t line_dist(const fail *x, const fail *y)
{
	if (x->line_first > y->line_last)
		return x->line_first - y->line_last;
	if (y->line_first > x->line_last)
		return y->line_first - x->line_last;
	return 0;
}

/* Equal endpoints fold; a failure without endpoint joins the nearest one
 * with an endpoint and a compatible class, else an earlier endpointless
 * failure of the same class. */
static void fold(ctx *c)
{
	for (size_t i = 0; i < c->nf; i++) {
		fail *f = &c->fs[i];
		if (!has_endpoint(f))
			continue;
		for (size_t k = 0; k < i; k++)
			if (!c->fs[k].merged && has_endpoint(&c->fs[k]) && same_endpoint(&c->fs[k], f)) {
				merge_into(&c->fs[k], f);
				f->merged = true;
				break;
			}
	}
	for (size_t i = 0; i < c->nf; i++) {
		fail *f = &c->fs[i], *to = NULL;
		uint32_t bestd = FOLD_LINES + 1;
		if (f->merged || has_endpoint(f))
			continue;
		for (size_t k = 0; k < c->nf; k++) {
			fail *g = &c->fs[k];
			uint32_t d = line_dist(f, g);
			if (k == i || g->merged || !has_endpoint(g) || !class_compat(f->cls, g->cls))
				continue;
			if (d < bestd || (d == bestd && to && k < (size_t)(to - c->fs))) {
				bestd = d;
				to = g;
			}
		}
		for (size_t k = 0; !to && k < i; k++) {
			fail *g = &c->fs[k];
			if (!g->merged && !has_endpoint(g) && class_compat(f->cls, g->cls) &&
			    line_dist(f, g) <= FOLD_LINES)
				to = g;
		}
		if (to) {
			merge_into(to, f);
			f->merged = true;
		}
	}
}

/* The best candidate of line l naming a port (score >= min_score), or
 * false.  Ties go to the first in the line. */
static bool line_port(const ctx *c, uint32_t l, cand *ret)
{
	cand cs[MAX_CANDS];
	size_t nc = pd__scan_cands(c->s, c->line_start[l], pd__line_end(c, l), cs), best = nc;
	for (size_t k = 0; k < nc; k++)
		if (cs[k].port > 0 && cs[k].score >= SC_PORTPHRASE &&
		    (best == nc || cs[k].score > cs[best].score))
			best = k;
	if (best == nc)
		return false;
	*ret = cs[best];
	return true;
}

/* A host given as a property or after a bind verb on line l ("address:
 * '::',", "bindIp: \"127.0.0.1\"", "created on IP: '::'"). */
static bool line_host(const ctx *c, uint32_t l, cand *ret)
{
	cand cs[MAX_CANDS];
	size_t nc = pd__scan_cands(c->s, c->line_start[l], pd__line_end(c, l), cs);
	for (size_t k = 0; k < nc; k++)
		if (cs[k].host == H_ADDR && cs[k].prop) {
			*ret = cs[k];
			return true;
		}
	return false;
}

/* A failure whose own lines name no port takes it from the lines around,
 * nearest first and earlier before later: PostgreSQL's "HINT: ... on port
 * 5432?", Django's "Starting development server at http://...:8000/",
 * MongoDB's "options: { net: { port: 27217 } }", Node's error object with
 * "address: '::'," and "port: 5000" on lines of their own. */
static void context_endpoint(const ctx *c, fail *f)
{
	cand pc, hc;
	bool have_host = false;
	/* A failure that names its host takes from the lines before it only a
	 * port given with that host ("to port 8022 on ::" before a wrapped
	 * ":: failed"); a bare port there belongs to an earlier step.  The
	 * lines after it (a hint) may give any. */
	for (uint32_t d = 1; d <= CTX_LINES && f->port <= 0; d++)
		for (int side = 0; side < 2 && f->port <= 0; side++) {
			uint32_t l = side == 0 ? f->line_first - d : f->line_last + d;
			if ((side == 0 && f->line_first < d) || (side == 1 && l >= c->nlines))
				continue;
			if (!have_host && f->host == H_NONE)
				have_host = line_host(c, l, &hc);
			if (!line_port(c, l, &pc))
				continue;
			if (side == 0 && f->host != H_NONE &&
			    (pc.host != f->host || strcmp(pc.addr, f->addr) != 0))
				continue;
			f->port = pc.port;
			f->port_form = true;
			if (f->host == H_NONE && pc.host != H_NONE) {
				f->host = pc.host;
				memcpy(f->addr, pc.addr, sizeof(f->addr));
			}
			if (!f->proto && pc.proto) {
				f->proto = pc.proto;
				f->proto_implied = pc.proto_implied;
			}
		}
	for (uint32_t d = 1; d <= CTX_LINES && f->port > 0 && f->host == H_NONE && !have_host; d++)
		for (int side = 0; side < 2 && !have_host; side++) {
			uint32_t l = side == 0 ? f->line_first - d : f->line_last + d;
			if ((side == 0 && f->line_first < d) || (side == 1 && l >= c->nlines))
				continue;
			have_host = line_host(c, l, &hc);
		}
	if (f->port > 0 && f->host == H_NONE && have_host) {
		f->host = hc.host;
		memcpy(f->addr, hc.addr, sizeof(f->addr));
	}
}

/* Windows has no privileged ports; elsewhere EACCES on a port below 1024
 * is the privileged-port rule (Linux ip_unprivileged_port_start, macOS on
 * a specific address). */
static void refine_class(const ctx *c, fail *f)
{
	if (f->cls == PD_ERRCLASS_ACCESS_DENIED && !f->winsock && !c->windows &&
	    f->port > 0 && f->port < 1024 && f->port_form)
		f->cls = PD_ERRCLASS_PRIVILEGED;
}

/* ------------------------------------------------------------- output */

static int dup_field(char **dst, const char *s, size_t n)
{
	*dst = xstrndup(s, n);
	return *dst ? 0 : PD_ENOMEM;
}

static int emit(const ctx *c, const fail *f, pd_errmsg *m)
{
	size_t a = f->text_off, b = f->text_off + f->text_len;
	int r = 0;

	while (a < b && is_blank((unsigned char)c->s[a]))
		a++;
	while (b > a && is_blank((unsigned char)c->s[b - 1]))
		b--;
	if (b - a > PD_ERRMSG_MAX_TEXT) {
		b = a + PD_ERRMSG_MAX_TEXT;
		while (b > a && ((unsigned char)c->s[b] & 0xc0) == 0x80)
			b--; /* whole UTF-8 characters only */
	}
	memset(m, 0, sizeof(*m));
	m->port = f->port > 0 ? f->port : -1;
	m->all_addresses = f->host == H_ALL;
	m->proto = f->proto;
	m->proto_implied = f->proto && f->proto_implied;
	m->family = f->family;
	m->error_class = f->cls;
	m->os_code = f->os_code;
	r |= dup_field(&m->text, c->s + a, b - a);
	if (f->tool >= 0)
		r |= dup_field(&m->tool, pd__tool_name(f->tool), strlen(pd__tool_name(f->tool)));
	if (f->service[0])
		r |= dup_field(&m->service, f->service, strlen(f->service));
	if (f->container[0])
		r |= dup_field(&m->container, f->container, strlen(f->container));
	if (f->host == H_ADDR)
		r |= dup_field(&m->address, f->addr, strlen(f->addr));
	if (f->osid >= 0) {
		const pd_oserror *e = pd_oserror_get((pd_oserr_id)f->osid);
		const char *nm = pd_oserror_name_in(e, f->winsock ? PD_OSFAM_WINSOCK : PD_OSFAM_LINUX);
		r |= dup_field(&m->os_name, nm, strlen(nm));
	}
	if (f->ostext_len) {
		size_t oa = f->ostext_off, ob = f->ostext_off + f->ostext_len, p = oa;
		/* A wording matched mid-sentence ("... только одно использование")
		 * is shown from the start of its sentence. */
		if (p > 0 && c->s[p - 1] == ' ')
			p--;
		if (p > 0 && (is_alnum((unsigned char)c->s[p - 1]) ||
		              (unsigned char)c->s[p - 1] >= 0x80 || c->s[p - 1] == ',')) {
			size_t lim = oa > 150 ? oa - 150 : 0;
			while (p > lim && c->s[p - 1] != ':' && c->s[p - 1] != ']' &&
			       c->s[p - 1] != ')' && c->s[p - 1] != '\n')
				p--;
			if (p > lim || p == 0) {
				while (p < oa && is_blank((unsigned char)c->s[p]))
					p++;
				oa = p;
			}
		}
		while (ob > oa && (is_blank((unsigned char)c->s[ob - 1]) || c->s[ob - 1] == ':'))
			ob--;
		r |= dup_field(&m->os_text, c->s + oa, ob - oa);
	}
	return r ? PD_ENOMEM : 0;
}

void pd_errmsg_free(pd_errmsg *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		free(list[i].text);
		free(list[i].tool);
		free(list[i].service);
		free(list[i].container);
		free(list[i].address);
		free(list[i].os_name);
		free(list[i].os_text);
	}
	free(list);
}

static int collect(ctx *c, pd_errmsg **ret_list, size_t *ret_n, size_t *ret_total)
{
	pd_errmsg *out = NULL;
	size_t n = 0;

	for (uint32_t l = 0, k = 0; l < c->nlines; l++) {
		bool has = false;
		while (k < c->nan && c->an[k].line < l)
			k++;
		has = k < c->nan && c->an[k].line == l;
		if (has)
			line_fails(c, l);
	}
	fold(c);
	for (size_t i = 0; i < c->nf; i++) {
		fail *f = &c->fs[i];
		if (f->merged || (!f->keep && f->cls == PD_ERRCLASS_UNKNOWN))
			continue;
		if (f->port <= 0)
			context_endpoint(c, f);
		pd__assign_tool(c, f);
		refine_class(c, f);
		n++;
	}
	*ret_total = n;
	if (n > PD_ERRMSG_MAX_RESULTS)
		n = PD_ERRMSG_MAX_RESULTS;
	if (n) {
		size_t k = 0;
		out = calloc(n, sizeof(*out));
		if (!out)
			return PD_ENOMEM;
		for (size_t i = 0; i < c->nf && k < n; i++) {
			fail *f = &c->fs[i];
			if (f->merged || (!f->keep && f->cls == PD_ERRCLASS_UNKNOWN))
				continue;
			if (emit(c, f, &out[k++]) < 0) {
				pd_errmsg_free(out, k);
				return PD_ENOMEM;
			}
		}
	}
	*ret_list = out;
	*ret_n = n;
	return 0;
}

int pd_errmsg_parse(const char *text, size_t len, pd_errmsg **ret_list, size_t *ret_n)
{
	return pd_errmsg_parse_total(text, len, ret_list, ret_n, NULL);
}

int pd_errmsg_parse_total(const char *text, size_t len, pd_errmsg **ret_list, size_t *ret_n,
                          size_t *ret_total)
{
	ctx c;
	char *buf = NULL;
	size_t total = 0, n = 0;
	pd_errmsg *list = NULL;
	int r;

	if ((!text && len) || !ret_list || !ret_n)
		return PD_EINVAL;
	if (len > PD_ERRMSG_MAX_INPUT)
		return PD_ETOOBIG;
	memset(&c, 0, sizeof(c));
	buf = malloc(len + 1);
	c.an = malloc(MAX_ANCHORS * sizeof(anchor));
	c.hi = malloc(MAX_HINTS * sizeof(hint));
	c.fs = malloc(MAX_FAILS * sizeof(fail));
	if (!buf || !c.an || !c.hi || !c.fs) {
		r = PD_ENOMEM;
		goto out;
	}
	if (len)
		memcpy(buf, text, len);
	c.n = pd__errmsg_normalize(buf, len);
	buf[c.n] = '\0';
	c.s = buf;
	r = split_lines(&c);
	if (r < 0)
		goto out;
	pd__scan_anchors(&c);
	pd__scan_hints(&c);
	r = collect(&c, &list, &n, &total);
	if (r == 0) {
		*ret_list = list;
		*ret_n = n;
		if (ret_total)
			*ret_total = total;
	}
out:
	free(c.line_start);
	free(c.fs);
	free(c.hi);
	free(c.an);
	free(buf);
	return r;
}
