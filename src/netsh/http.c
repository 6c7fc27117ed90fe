/*
 * netsh http.sys rows: the lines of `netsh http show servicestate` (either
 * view), handed over by parse.c.
 *
 * Design: a URL is any word that starts with "http://" or "https://", so
 * the translated labels around it never matter; its port is the explicit
 * one or the scheme's.  A URL listed twice (server session view, then
 * request queue view) is kept once.  The processes of a request queue are
 * the lines of digits only under its "Process IDs:" label; which URLs they
 * go with is told by indentation alone (see pd__netsh_http_line).
 */
#include <limits.h>
#include <string.h>

#include "netsh_internal.h"

/* ------------------------------------------------------ http servicestate */

/* Finds "http://" or "https://" in s; fills the URL word, its port and
 * scheme.  Returns 1 for a good URL, 0 for none, -1 for a bad port. */
static int find_url(pd__netsh_span s, pd__netsh_span *url, uint16_t *port,
                    bool *https)
{
	for (size_t i = 0; i + 3 <= s.n; i++) {
		size_t b = i, e, h, hn;
		pd__netsh_span scheme, host;
		uint32_t v;

		if (s.p[i] != ':' || s.p[i + 1] != '/' || s.p[i + 2] != '/')
			continue;
		while (b > 0 && pd__netsh_is_alpha(s.p[b - 1]))
			b--;
		scheme.p = s.p + b;
		scheme.n = i - b;
		if (pd__netsh_span_ieq(scheme, "http"))
			*https = false;
		else if (pd__netsh_span_ieq(scheme, "https"))
			*https = true;
		else
			continue;
		for (e = i + 3; e < s.n && !pd__netsh_is_blank(s.p[e]); e++)
			;
		url->p = s.p + b;
		url->n = e - b;
		h = i + 3;
		for (hn = 0; h + hn < e && s.p[h + hn] != '/'; hn++)
			;
		host.p = s.p + h;
		host.n = hn;
		if (host.n > 0 && host.p[0] == '[') {
			size_t k = 0;
			while (k < host.n && host.p[k] != ']')
				k++;
			host = pd__netsh_advance(host, k < host.n ? k + 1 : host.n);
			if (host.n > 0 && host.p[0] != ':')
				return -1;
		} else {
			size_t k = host.n;
			while (k > 0 && host.p[k - 1] != ':')
				k--;
			host = k > 0 ? pd__netsh_advance(host, k - 1)
			             : pd__netsh_advance(host, host.n);
		}
		if (host.n == 0) {
			*port = *https ? 443 : 80;
			return 1;
		}
		host = pd__netsh_advance(host, 1);
		if (!pd__netsh_all_digits(host))
			return -1;
		v = pd__netsh_digits_value(host);
		if (v == 0 || v > 65535)
			return -1;
		*port = (uint16_t)v;
		return 1;
	}
	return 0;
}

static bool url_ieq(const char *a, pd__netsh_span b)
{
	size_t n = strlen(a);

	if (n != (b.n < PD_NETSH_URL_MAX ? b.n : PD_NETSH_URL_MAX - 1))
		return false;
	for (size_t i = 0; i < n; i++)
		if (pd__netsh_to_lower((unsigned char)a[i]) !=
		    pd__netsh_to_lower(b.p[i]))
			return false;
	return true;
}

static int add_url(pd__netsh_parser *ps, pd__netsh_span url, uint16_t port,
                   bool https)
{
	pd_netsh_url *u;
	size_t n;
	int r;

	for (size_t i = 0; i < ps->res.n_urls; i++) {
		u = &ps->res.urls[i];
		if (!url_ieq(u->url, url))
			continue;
		if (u->n_pids == 0 && ps->cur.pid_scope && ps->cur.n_pids > 0) {
			memcpy(u->pids, ps->cur.pids, sizeof(u->pids));
			u->n_pids = ps->cur.n_pids;
		}
		return 0;
	}
	r = pd__netsh_grow((void **)&ps->res.urls, &ps->cap_urls,
	                   ps->res.n_urls, sizeof(pd_netsh_url));
	if (r < 0)
		return r;
	u = &ps->res.urls[ps->res.n_urls++];
	memset(u, 0, sizeof(*u));
	n = url.n < PD_NETSH_URL_MAX ? url.n : PD_NETSH_URL_MAX - 1;
	memcpy(u->url, url.p, n);
	u->port = port;
	u->https = https;
	if (ps->cur.pid_scope) {
		memcpy(u->pids, ps->cur.pids, sizeof(u->pids));
		u->n_pids = ps->cur.n_pids;
	}
	return 0;
}

/*
 * Process ids are lines of digits only, under a "Process IDs:" label in
 * any language.  They belong to the request queue being listed, whose URL
 * groups come after them and are indented at least as deep as that label;
 * the next queue's name line is shallower, which ends their scope.
 */
int pd__netsh_http_line(pd__netsh_parser *ps, pd__netsh_span raw,
                        pd__netsh_span s)
{
	size_t ind = pd__netsh_indent_of(raw);
	uint16_t port = 0;
	bool https = false;
	pd__netsh_span url;
	int found, r;

	if (pd__netsh_all_digits(s)) {
		uint32_t pid = pd__netsh_digits_value(s);
		if (!ps->cur.in_pid_run) {
			ps->cur.in_pid_run = true;
			ps->cur.pid_scope = true;
			ps->cur.scope_indent = ps->cur.last_indent;
			ps->cur.n_pids = 0;
		}
		if (pid > INT_MAX) {
			pd__netsh_bad_row(ps);
			return 0;
		}
		if (ps->cur.n_pids < PD_NETSH_MAX_PIDS)
			ps->cur.pids[ps->cur.n_pids++] = (int)pid;
		return 0;
	}
	ps->cur.in_pid_run = false;
	ps->cur.last_indent = ind;
	if (ps->cur.pid_scope && ind < ps->cur.scope_indent) {
		ps->cur.pid_scope = false;
		ps->cur.n_pids = 0;
	}
	found = find_url(s, &url, &port, &https);
	if (found == 0)
		return 0;
	r = pd__netsh_section_record(ps);
	if (r < 0)
		return r;
	ps->cur.n_rows++;
	pd__netsh_section_sync(ps);
	if (found < 0) {
		pd__netsh_bad_row(ps);
		return 0;
	}
	return add_url(ps, url, port, https);
}
