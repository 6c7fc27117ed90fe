/*
 * Step 2 of the error-message parser (design in parse.c): the anchors, the
 * places in the text that say a bind failed or why.  OS error wordings in
 * every known language (oserror.c), errno and Winsock names in either case,
 * a code alone ("[Errno 98]"), class phrases ("port is already allocated"),
 * failure verbs ("failed to bind", Go's ": bind: ") and a wording cut off
 * at the end of a line.  Bounded by MAX_ANCHORS; no recursion.
 */
#include <stdint.h>
#include <string.h>

#include "errmsg_internal.h"

/* ----------------------------------------------------------- anchors */


typedef struct phrase {
	const char *pat;
	uint8_t kind, cls, strength;
} phrase;

static const phrase phrases[] = {
	{"port is already allocated", AK_CLASS, PD_ERRCLASS_ALREADY_ALLOCATED, ST_STRONG},
	{"privileged port", AK_CLASS, PD_ERRCLASS_PRIVILEGED, ST_STRONG},
	{"can't bind on the specified endpoint", AK_CLASS,
	 PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, ST_STRONG},
	{"cannot bind on the specified endpoint", AK_CLASS,
	 PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, ST_STRONG},
	{"in use", AK_CLASS, PD_ERRCLASS_IN_USE, ST_CTX}, /* "already in use",
	                                                   "Connection in use" */
	{"AddressInUse", AK_CLASS, PD_ERRCLASS_IN_USE, ST_STRONG},
	{"AddrInUse", AK_CLASS, PD_ERRCLASS_IN_USE, ST_STRONG},
	{"AddrNotAvailable", AK_CLASS, PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, ST_STRONG},
	{"ports are not available", AK_FAIL, 0, ST_STRONG},
	{"error starting userland proxy", AK_FAIL, 0, ST_STRONG},
	{"driver failed programming external connectivity", AK_FAIL, 0, ST_STRONG},
	{"failed to bind", AK_FAIL, 0, ST_STRONG},
	{"could not bind", AK_FAIL, 0, ST_STRONG},
	{"cannot bind", AK_FAIL, 0, ST_STRONG},
	{"can't bind", AK_FAIL, 0, ST_STRONG},
	{"unable to bind", AK_FAIL, 0, ST_STRONG},
	{"bind failed", AK_FAIL, 0, ST_STRONG},
	{"binding socket failed", AK_FAIL, 0, ST_STRONG},
	{"failed to listen", AK_FAIL, 0, ST_STRONG},
	{"cannot listen", AK_FAIL, 0, ST_STRONG},
	{"could not listen", AK_FAIL, 0, ST_STRONG},
	{"unable to listen", AK_FAIL, 0, ST_STRONG},
	{"error while attempting to bind", AK_FAIL, 0, ST_STRONG},
	{": bind: ", AK_FAIL, 0, ST_STRONG}, /* Go: "listen tcp A:P: bind: ..." */
	{"error: listen ", AK_FAIL, 0, ST_STRONG}, /* Node: "Error: listen UNKNOWN" */
	{"listen error", AK_FAIL, 0, ST_STRONG},   /* Erlang "register/listen error" */
	{"failed to create", AK_FAIL, 0, ST_FAILVERB},
	{"failed to start", AK_FAIL, 0, ST_FAILVERB},
	{"failed to initialize", AK_FAIL, 0, ST_FAILVERB},
	{"bind(", AK_FAIL, 0, ST_VERB},
	{"listen(", AK_FAIL, 0, ST_VERB},
};

static void push_anchor(ctx *c, const anchor *a)
{
	anchor *last = c->nan ? &c->an[c->nan - 1] : NULL;
	/* Overlapping wordings of one OS error are one anchor. */
	if (last && a->kind == AK_OS && last->kind == AK_OS && last->osid == a->osid &&
	    a->off < last->end) {
		if (a->end > last->end)
			last->end = a->end;
		return;
	}
	if (c->nan < MAX_ANCHORS)
		c->an[c->nan++] = *a;
}

/* A wording that is only the start of a sentence extends to its end. */
static size_t sentence_end(const char *s, size_t i, size_t n)
{
	size_t lim = i + 300 < n ? i + 300 : n;
	int depth = 0;
	while (i < lim && s[i] != '\n' && s[i] != '.' && s[i] != ']' &&
	       !(s[i] == ')' && depth == 0) &&
	       !((unsigned char)s[i] == 0xe3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
	         (unsigned char)s[i + 2] == 0x82)) {
		depth += s[i] == '(' ? 1 : (s[i] == ')' ? -1 : 0);
		i++;
	}
	return i;
}

/* An errno or Winsock name at s[i]: "EADDRINUSE", "WSAEACCES", Erlang's
 * lower-case atoms ("eaddrinuse", "{error,eacces}") and old Node's
 * misspelt "EACCESS".  The whole word must be the name, in one case. */
static const pd_oserror *name_at(const char *s, size_t i, size_t n, size_t *ret_end,
                                 bool *ret_ws)
{
	char up[24];
	size_t j = i;
	bool lower = s[i] >= 'a' && s[i] <= 'z';
	const pd_oserror *e;

	while (j < n && j - i < 20 &&
	       (lower ? (s[j] >= 'a' && s[j] <= 'z') : (s[j] >= 'A' && s[j] <= 'Z'))) {
		up[j - i] = (char)(lower ? s[j] - 32 : s[j]);
		j++;
	}
	if (j < n && is_word((unsigned char)s[j]))
		return NULL;
	up[j - i] = '\0';
	e = pd_oserror_by_name(up, j - i, ret_ws);
	if (!e && strcmp(up, "EACCESS") == 0)
		e = pd_oserror_by_name("EACCES", 6, ret_ws);
	if (e && lower && *ret_ws)
		return NULL;
	*ret_end = j;
	return e;
}

/* Python's "[WinError 10048]" / "[Errno 98]" and Rust's "(os error 98)":
 * the code alone, when the wording after it is garbled or unknown
 * ("Solo se permite un uso de cada direcci\xe2\x96\x92n"). */
static const pd_oserror *bracket_code_at(const ctx *c, size_t i, size_t *ret_end, bool *ret_ws)
{
	static const char *const pre[] = {"[winerror ", "[errno ", "(os error "};
	const char *s = c->s;
	size_t m = 0, j;
	long v = 0;
	const pd_oserror *e;

	for (size_t k = 0; k < sizeof(pre) / sizeof(pre[0]) && !m; k++)
		m = pd__pmatch(s + i, c->n - i, pre[k]);
	if (!m)
		return NULL;
	for (j = i + m; j < c->n && is_digit((unsigned char)s[j]) && j - i - m < 6; j++)
		v = v * 10 + (s[j] - '0');
	if (j == i + m || j >= c->n || (s[j] != ']' && s[j] != ')'))
		return NULL;
	*ret_ws = v >= 10000 && v < 12000;
	e = *ret_ws ? pd_oserror_by_code(PD_OSFAM_WINSOCK, (int)v)
	            : pd_oserror_by_code(PD_OSFAM_LINUX, (int)v);
	if (!e && !*ret_ws)
		e = pd_oserror_by_code(PD_OSFAM_BSD, (int)v);
	*ret_end = j + 1;
	return e;
}

/* A line that stops inside a known wording ("bind: address al", a title
 * cut at 200 characters): the class is taken when every wording the tail
 * can start has the same class.  At least 8 bytes, from a word start. */
static void cut_wording(ctx *c, uint32_t l)
{
	size_t ntx, b = pd__line_end(c, l), a = c->line_start[l];
	const pd_oserror_text *tx = pd_oserror_texts(&ntx);
	const char *s = c->s;

	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	for (size_t i = b > a + 80 ? b - 80 : a; i + 8 <= b; i++) {
		const pd_oserror_text *hit = NULL;
		bool same = true;
		anchor an;
		if (i > a && (is_alnum((unsigned char)s[i - 1]) || !is_alpha((unsigned char)s[i])))
			continue;
		for (size_t k = 0; k < ntx; k++) {
			if (!pd_oserror_text_is_prefix(&tx[k], s + i, b - i))
				continue;
			if (hit && pd_oserror_get(hit->id)->error_class !=
			               pd_oserror_get(tx[k].id)->error_class)
				same = false;
			hit = hit ? hit : &tx[k];
		}
		if (!hit)
			continue;
		if (!same)
			return;
		memset(&an, 0, sizeof(an));
		an.kind = AK_OS;
		an.off = i;
		an.end = b;
		an.line = l;
		an.osid = (int8_t)hit->id;
		an.cls = (uint8_t)pd_oserror_get(hit->id)->error_class;
		an.winsock = hit->winsock;
		an.strength = hit->winsock || hit->id == PD_OSERR_ADDRINUSE ? ST_STRONG : ST_CTX;
		push_anchor(c, &an);
		return;
	}
}

void pd__scan_anchors(ctx *c)
{
	size_t ntx;
	const pd_oserror_text *tx = pd_oserror_texts(&ntx);
	const char *s = c->s;

	for (size_t i = 0; i < c->n && c->nan < MAX_ANCHORS; i++) {
		int ch = lc((unsigned char)s[i]);
		anchor a;
		size_t best = 0, m;
		const pd_oserror_text *bt = NULL;

		if (s[i] == '\n')
			cut_wording(c, pd__line_of(c, i));
		memset(&a, 0, sizeof(a));
		a.off = i;
		a.osid = -1;
		for (size_t k = 0; k < ntx; k++)
			if (lc((unsigned char)tx[k].text[0]) == ch &&
			    (m = pd_oserror_text_match(&tx[k], s + i, c->n - i)) > best) {
				best = m;
				bt = &tx[k];
			}
		if (bt && (i == 0 || !is_alpha((unsigned char)s[i - 1]) || !is_alpha(ch))) {
			a.kind = AK_OS;
			a.end = bt->prefix ? sentence_end(s, i + best, c->n) : i + best;
			a.osid = (int8_t)bt->id;
			a.cls = (uint8_t)pd_oserror_get(bt->id)->error_class;
			a.winsock = bt->winsock;
			a.strength = (bt->winsock || bt->id == PD_OSERR_ADDRINUSE ||
			              bt->id == PD_OSERR_ADDRNOTAVAIL) ? ST_STRONG : ST_CTX;
			a.line = pd__line_of(c, i);
			push_anchor(c, &a);
		}
		for (size_t k = 0; k < sizeof(phrases) / sizeof(phrases[0]); k++)
			if (lc((unsigned char)phrases[k].pat[0]) == ch &&
			    (!is_alpha(ch) || i == 0 || !is_alpha((unsigned char)s[i - 1])) &&
			    (m = pd__pmatch(s + i, c->n - i, phrases[k].pat)) &&
			    !(is_alpha((unsigned char)s[i + m - 1]) && i + m < c->n &&
			      is_alpha((unsigned char)s[i + m]))) {
				a.kind = phrases[k].kind;
				a.cls = phrases[k].cls;
				a.strength = phrases[k].strength;
				a.end = i + m;
				a.osid = -1;
				a.winsock = false;
				a.line = pd__line_of(c, i);
				push_anchor(c, &a);
			}
		if ((s[i] == 'E' || s[i] == 'W' || s[i] == 'e' || s[i] == '[' || s[i] == '(') &&
		    (i == 0 || !is_word((unsigned char)s[i - 1]))) {
			size_t j;
			bool ws;
			const pd_oserror *e = s[i] == '[' || s[i] == '('
			                              ? bracket_code_at(c, i, &j, &ws)
			                              : name_at(s, i, c->n, &j, &ws);
			if (!e)
				continue;
			a.kind = s[i] == '[' || s[i] == '(' ? AK_CODE : AK_NAME;
			a.end = j;
			a.osid = (int8_t)e->id;
			a.cls = (uint8_t)e->error_class;
			a.winsock = ws;
			a.strength = (ws || e->id == PD_OSERR_ADDRINUSE ||
			              e->id == PD_OSERR_ADDRNOTAVAIL) ? ST_STRONG : ST_CTX;
			a.line = pd__line_of(c, i);
			push_anchor(c, &a);
		}
	}
	if (c->nlines && c->nan < MAX_ANCHORS)
		cut_wording(c, c->nlines - 1);
}
