/*
 * netsh output parser.
 *
 * Design: the text is cut into lines at any CR or LF (netsh writes CRLF,
 * captured text often has CR CR LF or bare LF).  Each line is one of:
 *
 *   - a command line: it holds the word "netsh"; its words say the kind of
 *     output, the protocol and the family, and start a new section;
 *   - a prompt line for another command ("C:\> ver"): starts a section of
 *     kind OTHER whose lines are skipped;
 *   - a row, told by its shape only:
 *       excluded   "START END" or "START END *"
 *       dynamic    "<any label> : NUMBER" (first = start, second = count)
 *       portproxy  "ADDR PORT ADDR PORT"
 *       http       a line holding "http(s)://", a line of digits only
 *                  (a process id, listed under "Process IDs:"), or
 *                  "LABEL: DIGITS, LABEL: IMAGE" (a process, listed under
 *                  "Processes:" by Windows 10/11)
 *   - a header: a line with the word tcp or udp (any case) and no digit
 *     (error lines that name tcp also name a port).  netsh keeps the
 *     protocol word untranslated in every language, so it is the one
 *     header word we rely on.  A header right
 *     after a command line belongs to that command's section; otherwise it
 *     starts a new one.
 *   - anything else (column titles, dashes, the "* - Administered port
 *     exclusions." footer and its translations, chat text) is skipped.
 *
 * An excluded or dynamic section with no command line gets its kind from
 * the first row's shape, or from the dashes line under its header (two
 * dash groups over the two excluded columns, one under the dynamic title).
 *
 * Everything is built in a local result and handed over only on success.
 *
 * This file cuts the lines, tells command lines, prompts and headers apart,
 * parses the excluded and dynamic rows and holds the entry point.  The rows
 * of a portproxy section go to portproxy.c and those of an http
 * servicestate section to http.c; what they share with this
 * file (the ASCII helpers, the parser state and the section bookkeeping)
 * is declared in netsh_internal.h.
 */
#include <stdlib.h>
#include <string.h>

#include "netsh_internal.h"

/* ------------------------------------------------------ ASCII helpers */

/* s is a prefix of word, at least minlen long (netsh accepts abbreviated
 * commands: "int", "show dynamic", "sh excl"). */
static bool span_iprefix(pd__netsh_span s, const char *word, size_t minlen)
{
	size_t wn = strlen(word);

	if (s.n < minlen || s.n > wn)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (pd__netsh_to_lower(s.p[i]) != (unsigned char)word[i])
			return false;
	return true;
}

/* Leading digits of s (possibly none). */
static pd__netsh_span take_digits(pd__netsh_span s)
{
	pd__netsh_span d = { s.p, 0 };

	while (d.n < s.n && pd__netsh_is_digit(s.p[d.n]))
		d.n++;
	return d;
}

static pd__netsh_span skip_blanks(pd__netsh_span s)
{
	while (s.n > 0 && pd__netsh_is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	return s;
}

/* Trim blanks, and the markdown and quoting that pastes carry: backticks
 * at either end, "> " quote marks at the start. */
static pd__netsh_span trim_line(pd__netsh_span s)
{
	while (s.n > 0 && (pd__netsh_is_blank(s.p[0]) || s.p[0] == '`' ||
	                   s.p[0] == '>'))
		s = pd__netsh_advance(s, 1);
	while (s.n > 0 &&
	       (pd__netsh_is_blank(s.p[s.n - 1]) || s.p[s.n - 1] == '`'))
		s.n--;
	return s;
}

/* Next word: a run of bytes that are not blanks and not in seps. */
bool pd__netsh_next_word(pd__netsh_span *rest, const char *seps,
                         pd__netsh_span *ret_word)
{
	pd__netsh_span s = *rest;
	size_t i = 0;

	while (s.n > 0 &&
	       (pd__netsh_is_blank(s.p[0]) || strchr(seps, s.p[0]) != NULL))
		s = pd__netsh_advance(s, 1);
	if (s.n == 0 || s.p[0] == '\0')
		return false;
	while (i < s.n && !pd__netsh_is_blank(s.p[i]) && s.p[i] != '\0' &&
	       strchr(seps, s.p[i]) == NULL)
		i++;
	ret_word->p = s.p;
	ret_word->n = i;
	*rest = pd__netsh_advance(s, i);
	return true;
}

/* Position of an ASCII word in s (case-insensitive), bounded by bytes that
 * are not ASCII letters or digits; s.n when absent. */
static size_t find_word(pd__netsh_span s, const char *word)
{
	size_t wn = strlen(word);

	for (size_t i = 0; i + wn <= s.n; i++) {
		pd__netsh_span c = { s.p + i, wn };
		if (!pd__netsh_span_ieq(c, word))
			continue;
		if (i > 0 && pd__netsh_is_alnum(s.p[i - 1]))
			continue;
		if (i + wn < s.n && pd__netsh_is_alnum(s.p[i + wn]))
			continue;
		return i;
	}
	return s.n;
}

static bool has_word(pd__netsh_span s, const char *word)
{
	return find_word(s, word) < s.n;
}

/* ------------------------------------------------------ growable arrays */

/* Grows *arr to hold one more element of size sz.  The ceiling is implied
 * by the input ceiling (every element needs at least one input line), but
 * the size multiplication is still checked. */
int pd__netsh_grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap < *cap || ncap > SIZE_MAX / sz)
		return PD_ENOMEM;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return PD_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* ------------------------------------------------------ parser state */

void pd__netsh_bad_row(pd__netsh_parser *ps)
{
	ps->res.n_bad_rows++;
	if (ps->res.first_bad_line == 0)
		ps->res.first_bad_line = ps->line_no;
}

void pd__netsh_section_sync(pd__netsh_parser *ps)
{
	pd_netsh_section *sec;

	if (!ps->cur.recorded)
		return;
	sec = &ps->res.sections[ps->cur.index];
	sec->kind = ps->cur.kind;
	sec->proto = ps->cur.proto;
	sec->family = ps->cur.family;
	sec->n_rows = ps->cur.n_rows;
}

int pd__netsh_section_record(pd__netsh_parser *ps)
{
	pd_netsh_section *sec;
	int r;

	if (ps->cur.recorded)
		return 0;
	r = pd__netsh_grow((void **)&ps->res.sections, &ps->cap_sections,
	         ps->res.n_sections, sizeof(pd_netsh_section));
	if (r < 0)
		return r;
	sec = &ps->res.sections[ps->res.n_sections];
	memset(sec, 0, sizeof(*sec));
	sec->line = ps->cur.line;
	ps->cur.index = ps->res.n_sections++;
	ps->cur.recorded = true;
	pd__netsh_section_sync(ps);
	return 0;
}

/* A dynamic start left without its count is a bad row. */
static void section_end(pd__netsh_parser *ps)
{
	if (ps->cur.kind == PD_NETSH_DYNAMIC && ps->cur.dyn_state == 1) {
		size_t keep = ps->line_no;
		ps->line_no = ps->cur.dyn_line;
		pd__netsh_bad_row(ps);
		ps->line_no = keep;
		ps->cur.dyn_state = 0;
	}
}

static int section_begin(pd__netsh_parser *ps, pd_netsh_kind kind,
                         pd_proto proto, pd_family family, bool said,
                         bool record)
{
	section_end(ps);
	memset(&ps->cur, 0, sizeof(ps->cur));
	ps->cur.kind = kind;
	ps->cur.proto = proto;
	ps->cur.family = family;
	ps->cur.said = said;
	ps->cur.line = ps->line_no;
	return record ? pd__netsh_section_record(ps) : 0;
}

static int add_range(pd__netsh_parser *ps, bool dynamic, uint32_t start,
                     uint32_t end, bool administered)
{
	pd_range **arr = dynamic ? &ps->res.dynamic : &ps->res.excluded;
	size_t *n = dynamic ? &ps->res.n_dynamic : &ps->res.n_excluded;
	size_t *cap = dynamic ? &ps->cap_dynamic : &ps->cap_excluded;
	pd_range *rg;
	int r;

	r = pd__netsh_grow((void **)arr, cap, *n, sizeof(pd_range));
	if (r < 0)
		return r;
	rg = &(*arr)[(*n)++];
	memset(rg, 0, sizeof(*rg));
	rg->proto = ps->cur.proto;
	rg->family = ps->cur.family;
	rg->start = (uint16_t)start;
	rg->end = (uint16_t)end;
	rg->administered = administered;
	return 0;
}

/* ------------------------------------------------------ command lines */

typedef struct command {
	pd_netsh_kind kind;
	pd_proto proto;
	pd_family family;
	pd_family pp_listen, pp_connect;
} command;

/* Where the word "netsh" (or "netsh.exe") starts in s; s.n when absent. */
static size_t find_netsh(pd__netsh_span s)
{
	for (size_t i = 0; i + 5 <= s.n; i++) {
		pd__netsh_span c = { s.p + i, 5 };
		if (!pd__netsh_span_ieq(c, "netsh"))
			continue;
		if (i > 0 && pd__netsh_is_alnum(s.p[i - 1]))
			continue;
		if (i + 5 < s.n && pd__netsh_is_alnum(s.p[i + 5]))
			continue;
		return i;
	}
	return s.n;
}

pd_family pd__netsh_family_word(pd__netsh_span w)
{
	if (pd__netsh_span_ieq(w, "ipv4") || pd__netsh_span_ieq(w, "ip"))
		return PD_FAMILY_V4;
	if (pd__netsh_span_ieq(w, "ipv6"))
		return PD_FAMILY_V6;
	return PD_FAMILY_ANY;
}

/* "v4tov6" -> listen v4, connect v6. */
static bool proxy_word(pd__netsh_span w, pd_family *l, pd_family *c)
{
	if (w.n != 6 || pd__netsh_to_lower(w.p[0]) != 'v' ||
	    pd__netsh_to_lower(w.p[2]) != 't' ||
	    pd__netsh_to_lower(w.p[3]) != 'o' ||
	    pd__netsh_to_lower(w.p[4]) != 'v')
		return false;
	if ((w.p[1] != '4' && w.p[1] != '6') || (w.p[5] != '4' && w.p[5] != '6'))
		return false;
	*l = w.p[1] == '4' ? PD_FAMILY_V4 : PD_FAMILY_V6;
	*c = w.p[5] == '4' ? PD_FAMILY_V4 : PD_FAMILY_V6;
	return true;
}

/* Reads the words after "netsh".  Anything but a "show" of one of the four
 * known outputs is PD_NETSH_OTHER, so its output is skipped. */
static void parse_command(pd__netsh_span rest, command *cmd)
{
	bool show = false, http = false, servicestate = false, portproxy = false;
	pd_netsh_kind kind = PD_NETSH_OTHER;
	pd__netsh_span w;

	memset(cmd, 0, sizeof(*cmd));
	while (pd__netsh_next_word(&rest, "\"'>|;", &w)) {
		pd_family f = pd__netsh_family_word(w);
		if (f != PD_FAMILY_ANY)
			cmd->family = f;
		else if (pd__netsh_span_ieq(w, "tcp") ||
		         pd__netsh_span_ieq(w, "protocol=tcp"))
			cmd->proto = PD_PROTO_TCP;
		else if (pd__netsh_span_ieq(w, "udp") ||
		         pd__netsh_span_ieq(w, "protocol=udp"))
			cmd->proto = PD_PROTO_UDP;
		else if (span_iprefix(w, "show", 2))
			show = true;
		else if (pd__netsh_span_ieq(w, "http"))
			http = true;
		else if (span_iprefix(w, "servicestate", 7))
			servicestate = true;
		else if (span_iprefix(w, "portproxy", 5))
			portproxy = true;
		else if (proxy_word(w, &cmd->pp_listen, &cmd->pp_connect))
			portproxy = true;
		else if (span_iprefix(w, "excludedportrange", 4))
			kind = PD_NETSH_EXCLUDED;
		else if (span_iprefix(w, "dynamicportrange", 3))
			kind = PD_NETSH_DYNAMIC;
	}
	if (!show)
		kind = PD_NETSH_OTHER;
	else if (portproxy)
		kind = PD_NETSH_PORTPROXY;
	else if (http)
		kind = servicestate ? PD_NETSH_HTTP : PD_NETSH_OTHER;
	cmd->kind = kind;
}

/* "C:\Users\x> ver", "PS C:\> Get-Foo": a prompt with a command that is not
 * netsh.  A bare prompt returns false (nothing was run). */
static bool is_other_prompt(pd__netsh_span s)
{
	size_t i = 0;

	if (s.n >= 3 && s.p[0] == 'P' && s.p[1] == 'S' && s.p[2] == ' ')
		i = 3;
	if (i + 3 > s.n || !pd__netsh_is_alpha(s.p[i]) || s.p[i + 1] != ':' ||
	    s.p[i + 2] != '\\')
		return false;
	for (i += 3; i < s.n; i++) {
		if (s.p[i] == '>') {
			pd__netsh_span after =
				skip_blanks(pd__netsh_advance(s, i + 1));
			return after.n > 0;
		}
	}
	return false;
}

static int on_command(pd__netsh_parser *ps, pd__netsh_span line, size_t at)
{
	command cmd;
	int r;

	parse_command(pd__netsh_advance(line, at + 5), &cmd);
	r = section_begin(ps, cmd.kind, cmd.proto, cmd.family, true,
	                  cmd.kind != PD_NETSH_OTHER);
	if (r < 0)
		return r;
	ps->cur.pp_listen = cmd.pp_listen;
	ps->cur.pp_connect = cmd.pp_connect;
	return 0;
}

/* ------------------------------------------------- excluded and dynamic */

/* "START END" or "START END *", blanks anywhere between. */
static bool excluded_shape(pd__netsh_span s, pd__netsh_span *a,
                           pd__netsh_span *b, bool *admin)
{
	*a = take_digits(s);
	if (a->n == 0)
		return false;
	s = pd__netsh_advance(s, a->n);
	if (s.n == 0 || !pd__netsh_is_blank(s.p[0]))
		return false;
	s = skip_blanks(s);
	*b = take_digits(s);
	if (b->n == 0)
		return false;
	s = skip_blanks(pd__netsh_advance(s, b->n));
	*admin = false;
	if (s.n > 0 && s.p[0] == '*') {
		*admin = true;
		s = skip_blanks(pd__netsh_advance(s, 1));
	}
	return s.n == 0;
}

/* Length of a colon at s.p[i]: ASCII ':', or the full-width colon U+FF1A
 * that retyped CJK pastes carry (UTF-8 EF BC 9A, GBK A3 BA); 0 if none. */
static size_t colon_at(pd__netsh_span s, size_t i)
{
	if (s.p[i] == ':')
		return 1;
	if (i + 3 <= s.n && s.p[i] == 0xEF && s.p[i + 1] == 0xBC &&
	    s.p[i + 2] == 0x9A)
		return 3;
	if (i + 2 <= s.n && s.p[i] == 0xA3 && s.p[i + 1] == 0xBA)
		return 2;
	return 0;
}

/* "<label> : NUMBER": the label must hold something besides digits and
 * blanks, so "12:30" is not taken for a row. */
static bool dynamic_shape(pd__netsh_span s, pd__netsh_span *num)
{
	for (size_t i = s.n; i-- > 0;) {
		size_t cl = colon_at(s, i);
		pd__netsh_span label = { s.p, i }, value;
		bool text = false;

		if (cl == 0)
			continue;
		value = skip_blanks(pd__netsh_advance(s, i + cl));
		*num = take_digits(value);
		if (num->n == 0 || num->n != value.n)
			return false;
		for (size_t k = 0; k < label.n; k++)
			if (!pd__netsh_is_blank(label.p[k]) &&
			    !pd__netsh_is_digit(label.p[k]))
				text = true;
		return text;
	}
	return false;
}

/* A dashes line: returns the number of dash groups, 0 if not one. */
static int dash_groups(pd__netsh_span s)
{
	int groups = 0;
	bool in = false;

	if (s.n == 0)
		return 0;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '-') {
			if (!in)
				groups++;
			in = true;
		} else if (pd__netsh_is_blank(s.p[i])) {
			in = false;
		} else {
			return 0;
		}
	}
	return groups;
}

static pd_proto header_proto(pd__netsh_span s)
{
	bool tcp, udp;

	for (size_t i = 0; i < s.n; i++)
		if (pd__netsh_is_digit(s.p[i]))
			return PD_PROTO_NONE;
	tcp = has_word(s, "tcp");
	udp = has_word(s, "udp");
	if (tcp == udp)
		return PD_PROTO_NONE;
	return tcp ? PD_PROTO_TCP : PD_PROTO_UDP;
}

static int on_header(pd__netsh_parser *ps, pd_proto proto)
{
	pd_netsh_kind kind = PD_NETSH_UNKNOWN;
	int r;

	if (ps->cur.said && !ps->cur.has_header && ps->cur.n_rows == 0 &&
	    ps->cur.kind != PD_NETSH_OTHER) {
		/* The header printed by the command just seen. */
		ps->cur.proto = proto;
		ps->cur.has_header = true;
		r = pd__netsh_section_record(ps);
		pd__netsh_section_sync(ps);
		return r;
	}
	if (ps->hint.kind == PD_NETSH_EXCLUDED || ps->hint.kind == PD_NETSH_DYNAMIC)
		kind = ps->hint.kind;
	r = section_begin(ps, kind, proto, ps->hint.family, false, true);
	ps->cur.has_header = true;
	return r;
}

static int on_excluded_row(pd__netsh_parser *ps, pd__netsh_span a,
                           pd__netsh_span b, bool admin)
{
	uint32_t start = pd__netsh_digits_value(a);
	uint32_t end = pd__netsh_digits_value(b);
	int r;

	if (ps->cur.kind == PD_NETSH_UNKNOWN)
		ps->cur.kind = PD_NETSH_EXCLUDED;
	r = pd__netsh_section_record(ps);
	if (r < 0)
		return r;
	ps->cur.n_rows++;
	pd__netsh_section_sync(ps);
	/* Port 0 is never excluded ("0 0" is no row netsh prints). */
	if (start == 0 || start > 65535 || end > 65535 || start > end) {
		pd__netsh_bad_row(ps);
		return 0;
	}
	return add_range(ps, false, start, end, admin);
}

static int on_dynamic_row(pd__netsh_parser *ps, pd__netsh_span num)
{
	uint32_t v = pd__netsh_digits_value(num);
	int r;

	if (ps->cur.kind == PD_NETSH_UNKNOWN)
		ps->cur.kind = PD_NETSH_DYNAMIC;
	r = pd__netsh_section_record(ps);
	if (r < 0)
		return r;
	ps->cur.n_rows++;
	pd__netsh_section_sync(ps);
	if (ps->cur.dyn_state == 0) {
		ps->cur.dyn_start = v;
		ps->cur.dyn_line = ps->line_no;
		ps->cur.dyn_state = 1;
		return 0;
	}
	ps->cur.dyn_state = 0;
	if (ps->cur.dyn_start == 0 || ps->cur.dyn_start > 65535 || v == 0 ||
	    v > 65536 - ps->cur.dyn_start) {
		pd__netsh_bad_row(ps);
		return 0;
	}
	return add_range(ps, true, ps->cur.dyn_start, ps->cur.dyn_start + v - 1,
	                 false);
}

static int range_line(pd__netsh_parser *ps, pd__netsh_span s)
{
	pd__netsh_span a, b;
	bool admin;
	pd_proto proto;
	int groups;

	if (ps->cur.kind != PD_NETSH_DYNAMIC && excluded_shape(s, &a, &b, &admin))
		return on_excluded_row(ps, a, b, admin);
	/* A label line counts only where netsh output was announced: free
	 * text is full of "Port : 8080". */
	if (ps->cur.kind != PD_NETSH_EXCLUDED &&
	    (ps->cur.said || ps->cur.has_header) && dynamic_shape(s, &a))
		return on_dynamic_row(ps, a);
	groups = dash_groups(s);
	if (groups > 0) {
		if (ps->cur.kind == PD_NETSH_UNKNOWN && ps->cur.has_header &&
		    ps->cur.n_rows == 0) {
			if (groups == 2)
				ps->cur.kind = PD_NETSH_EXCLUDED;
			else if (groups == 1)
				ps->cur.kind = PD_NETSH_DYNAMIC;
			pd__netsh_section_sync(ps);
		}
		return 0;
	}
	proto = header_proto(s);
	if (proto != PD_PROTO_NONE)
		return on_header(ps, proto);
	return 0;
}

/* ------------------------------------------------------ driver */

static int one_line(pd__netsh_parser *ps, pd__netsh_span raw)
{
	pd__netsh_span s = trim_line(raw);
	size_t at;

	if (s.n == 0)
		return 0;
	at = find_netsh(s);
	if (at < s.n)
		return on_command(ps, s, at);
	if (is_other_prompt(s))
		return section_begin(ps, PD_NETSH_OTHER, PD_PROTO_NONE,
		                     PD_FAMILY_ANY, true, false);
	switch (ps->cur.kind) {
	case PD_NETSH_OTHER:
		return 0;
	case PD_NETSH_PORTPROXY:
		return pd__netsh_proxy_line(ps, s);
	case PD_NETSH_HTTP:
		return pd__netsh_http_line(ps, raw, s);
	default:
		return range_line(ps, s);
	}
}

/* PowerShell 5 redirection writes UTF-16LE.  Code units below 0x80 become
 * bytes, others UTF-8 (never matched by any shape, only kept as text). */
static bool looks_utf16le(const unsigned char *p, size_t len)
{
	if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE)
		return true;
	return len >= 4 && p[0] != 0 && p[1] == 0 && p[2] != 0 && p[3] == 0;
}

static int from_utf16le(const unsigned char *p, size_t len,
                        unsigned char **ret, size_t *ret_len)
{
	size_t units = len / 2, o = 0, i = 0;
	unsigned char *out;

	if (units > SIZE_MAX / 3)
		return PD_ENOMEM;
	out = malloc(units * 3 + 1);
	if (!out)
		return PD_ENOMEM;
	if (units > 0 && p[0] == 0xFF && p[1] == 0xFE)
		i = 1;
	for (; i < units; i++) {
		unsigned u = (unsigned)p[2 * i] | ((unsigned)p[2 * i + 1] << 8);
		if (u < 0x80) {
			out[o++] = (unsigned char)u;
		} else if (u < 0x800) {
			out[o++] = (unsigned char)(0xC0 | (u >> 6));
			out[o++] = (unsigned char)(0x80 | (u & 0x3F));
		} else {
			out[o++] = (unsigned char)(0xE0 | (u >> 12));
			out[o++] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
			out[o++] = (unsigned char)(0x80 | (u & 0x3F));
		}
	}
	*ret = out;
	*ret_len = o;
	return 0;
}

void pd_netsh_result_done(pd_netsh_result *r)
{
	if (!r)
		return;
	free(r->excluded);
	free(r->dynamic);
	free(r->sections);
	free(r->proxies);
	free(r->urls);
	free(r->procs);
	memset(r, 0, sizeof(*r));
}

int pd_netsh_parse(const char *text, size_t len, const pd_netsh_hint *hint,
                   pd_netsh_result *ret_result)
{
	const unsigned char *p = (const unsigned char *)text;
	unsigned char *conv = NULL;
	pd__netsh_parser ps;
	size_t i = 0;
	int r = 0;

	if (!ret_result || (!text && len > 0))
		return PD_EINVAL;
	if (len > PD_NETSH_MAX_INPUT)
		return PD_ETOOBIG;
	memset(&ps, 0, sizeof(ps));
	if (hint)
		ps.hint = *hint;
	if (looks_utf16le(p, len)) {
		r = from_utf16le(p, len, &conv, &len);
		if (r < 0)
			return r;
		p = conv;
	} else if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		p += 3;
		len -= 3;
	}
	/* The hint stands for a command line the text does not show. */
	ps.cur.kind = ps.hint.kind;
	ps.cur.proto = ps.hint.proto;
	ps.cur.family = ps.hint.family;
	ps.cur.said = ps.hint.kind != PD_NETSH_UNKNOWN;
	ps.cur.line = 1;
	/* An empty portproxy or http listing is a normal answer (no rules, no
	 * registrations); excluded and dynamic outputs always print a header,
	 * so theirs is recorded only when something of it is seen. */
	if (ps.hint.kind == PD_NETSH_PORTPROXY || ps.hint.kind == PD_NETSH_HTTP) {
		r = pd__netsh_section_record(&ps);
		if (r < 0)
			goto out;
	}

	while (i < len) {
		pd__netsh_span raw = { p + i, 0 };
		while (i + raw.n < len && p[i + raw.n] != '\n' && p[i + raw.n] != '\r')
			raw.n++;
		i += raw.n;
		/* CRLF, LF, and the CR CR LF of text mode written twice. */
		while (i < len && p[i] == '\r')
			i++;
		if (i < len && p[i] == '\n')
			i++;
		ps.line_no++;
		r = one_line(&ps, raw);
		if (r < 0)
			goto out;
	}
	section_end(&ps);
	if (ps.res.n_sections == 0) {
		r = PD_EPARSE;
		goto out;
	}
	*ret_result = ps.res;
	memset(&ps.res, 0, sizeof(ps.res));
out:
	pd_netsh_result_done(&ps.res);
	free(conv);
	return r;
}
