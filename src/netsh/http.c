/*
 * netsh http.sys rows: the lines of `netsh http show servicestate` (either
 * view), handed over by parse.c.
 *
 * Design: a URL is any word that starts with "http://" or "https://", so
 * the translated labels around it never matter; its port is the explicit
 * one or the scheme's.  A URL listed twice (server session view, then
 * request queue view) is kept once.  The processes of a request queue are
 * listed under a label, in one of two layouts:
 *
 *   Process IDs:                     (Windows 7 to early Windows 10)
 *       3580
 *   Processes:                       (current Windows 10 and 11)
 *       ID: 2688, image: C:\Windows\System32\svchost.exe
 *       Services: NcHostAgent
 *       Tagged Service: NcHostAgent
 *
 * The second is told by its shape, "LABEL: DIGITS, LABEL: IMAGE", never by
 * the words, which netsh translates; the first label line under it gives
 * the services ("<?>" for an image means netsh could not name it).  Which
 * URLs the processes go with is told by indentation alone (see
 * pd__netsh_http_line).  tests/data/netsh/README.md names the real pastes
 * of both layouts that the unit tests read.
 */
#include <limits.h>
#include <string.h>

#include "core/sanitize.h"
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

/* "LABEL: DIGITS, LABEL: IMAGE" in any language; fills the pid and the
 * image (the rest of the line). */
static bool proc_shape(pd__netsh_span s, pd__netsh_span *pid,
                       pd__netsh_span *image)
{
	size_t i = 0, d;

	while (i < s.n && s.p[i] != ':')
		i++;
	if (i == 0 || i + 1 >= s.n || s.p[i + 1] == '/')
		return false;
	for (i++; i < s.n && pd__netsh_is_blank(s.p[i]); i++)
		;
	for (d = i; i < s.n && pd__netsh_is_digit(s.p[i]); i++)
		;
	if (i == d || i >= s.n || s.p[i] != ',')
		return false;
	pid->p = s.p + d;
	pid->n = i - d;
	while (i < s.n && s.p[i] != ':')
		i++;
	if (i >= s.n)
		return false;
	for (i++; i < s.n && pd__netsh_is_blank(s.p[i]); i++)
		;
	*image = pd__netsh_advance(s, i);
	return true;
}

/* Copies text into dst (size n): bytes that are not UTF-8 (an OEM code
 * page path) become '?', so the snapshot stays valid UTF-8. */
static void copy_text(char *dst, size_t n, pd__netsh_span t)
{
	size_t i = 0, o = 0;

	while (i < t.n && o + 1 < n) {
		unsigned cp;
		size_t k = pd__utf8_decode(t.p + i, t.n - i, &cp);

		if (k == 0 || o + k >= n) {
			dst[o++] = '?';
			i += k ? k : 1;
			continue;
		}
		memcpy(dst + o, t.p + i, k);
		o += k;
		i += k;
	}
	dst[o] = '\0';
}

static int add_proc(pd__netsh_parser *ps, int pid, pd__netsh_span image)
{
	pd_netsh_proc *p;
	int r;

	for (size_t i = 0; i < ps->res.n_procs; i++)
		if (ps->res.procs[i].pid == pid)
			return 0;
	r = pd__netsh_grow((void **)&ps->res.procs, &ps->cap_procs,
	                   ps->res.n_procs, sizeof(pd_netsh_proc));
	if (r < 0)
		return r;
	p = &ps->res.procs[ps->res.n_procs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	if (!(image.n == 3 && memcmp(image.p, "<?>", 3) == 0))
		copy_text(p->image, sizeof(p->image), image);
	ps->cur.want_services = true;
	return 0;
}

/* "Services: WinRM" (any label) under the process just listed: the value
 * after the colon, once. */
static void set_services(pd__netsh_parser *ps, pd__netsh_span s)
{
	pd_netsh_proc *p = &ps->res.procs[ps->res.n_procs - 1];
	size_t i = 0;

	ps->cur.want_services = false;
	while (i < s.n && s.p[i] != ':')
		i++;
	if (i >= s.n)
		return;
	for (i++; i < s.n && pd__netsh_is_blank(s.p[i]); i++)
		;
	copy_text(p->services, sizeof(p->services), pd__netsh_advance(s, i));
}

/* A process line of either layout: starts or continues the pid run. */
static int on_pid(pd__netsh_parser *ps, size_t ind, pd__netsh_span num,
                  const pd__netsh_span *image)
{
	uint32_t pid = pd__netsh_digits_value(num);

	if (!ps->cur.in_pid_run) {
		ps->cur.in_pid_run = true;
		ps->cur.pid_scope = true;
		ps->cur.scope_indent = ps->cur.last_indent;
		ps->cur.pid_indent = ind;
		ps->cur.n_pids = 0;
	}
	ps->cur.want_services = false;
	if (pid > INT_MAX) {
		pd__netsh_bad_row(ps);
		return 0;
	}
	if (ps->cur.n_pids < PD_NETSH_MAX_PIDS)
		ps->cur.pids[ps->cur.n_pids++] = (int)pid;
	return image ? add_proc(ps, (int)pid, *image) : 0;
}

/*
 * Process lines (either layout) sit under a "Process IDs:" or
 * "Processes:" label in any language.  They belong to the request queue
 * being listed, whose URLs come after them and are indented at least as
 * deep as that label; the next queue's name line is shallower, which ends
 * their scope.  Lines indented as deep as the process lines, between
 * them, describe the last process ("Services:", "Tagged Service:").
 */
int pd__netsh_http_line(pd__netsh_parser *ps, pd__netsh_span raw,
                        pd__netsh_span s)
{
	size_t ind = pd__netsh_indent_of(raw);
	uint16_t port = 0;
	bool https = false;
	pd__netsh_span url, num, image;
	int found, r;

	if (pd__netsh_all_digits(s))
		return on_pid(ps, ind, s, NULL);
	if (proc_shape(s, &num, &image))
		return on_pid(ps, ind, num, &image);
	found = find_url(s, &url, &port, &https);
	if (ps->cur.in_pid_run && found == 0 && ind >= ps->cur.pid_indent) {
		if (ps->cur.want_services)
			set_services(ps, s);
		return 0;
	}
	ps->cur.in_pid_run = false;
	ps->cur.want_services = false;
	ps->cur.last_indent = ind;
	if (ps->cur.pid_scope && ind < ps->cur.scope_indent) {
		ps->cur.pid_scope = false;
		ps->cur.n_pids = 0;
	}
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
