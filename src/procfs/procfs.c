/*
 * Parsers for Linux /proc and sysctl text (see procfs.h).
 *
 * Everything works on (text, len) with a cursor that is checked against
 * the end before every byte, so truncated input ends in PD_EPARSE instead
 * of a read past the buffer.  Numbers go through one digit loop with an
 * explicit maximum (no strtol: it is locale-aware and silently clamps).
 * Results are built in locals and copied to ret_* only at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "procfs.h"

/* A read cursor over [p, end). */
typedef struct cur {
	const char *p;
	const char *end;
} cur;

/* Reads one or more digits of base 10 or 16, at most max.  Leaves the
 * cursor after the digits. */
static int cur_number(cur *c, unsigned base, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	size_t n = 0;
	int d;

	while (c->p < c->end) {
		d = pd__hexval(*c->p);
		if (d < 0 || (unsigned)d >= base)
			break;
		if (v > (max - (uint64_t)d) / base)
			return PD_ERANGE;
		v = v * base + (uint64_t)d;
		c->p++;
		n++;
	}
	if (n == 0)
		return PD_EPARSE;
	*ret = v;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void cur_skip_blanks(cur *c)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
}

/* Skips blanks, then requires at least one was there or we're at a field
 * start; used between columns of /proc tables. */
static int cur_blanks(cur *c)
{
	if (c->p >= c->end || !is_blank(*c->p))
		return PD_EPARSE;
	cur_skip_blanks(c);
	return 0;
}

static int cur_char(cur *c, char ch)
{
	if (c->p >= c->end || *c->p != ch)
		return PD_EPARSE;
	c->p++;
	return 0;
}

/* Only trailing blanks and line ends may follow a value. */
static bool cur_rest_blank(const cur *c)
{
	const char *q;

	for (q = c->p; q < c->end; q++)
		if (!is_blank(*q) && *q != '\n' && *q != '\r')
			return false;
	return true;
}

/* Finds the line starting at text that begins with key (e.g. "Uid:") and
 * sets c to the rest of that line. */
static bool find_line(const char *text, size_t len, const char *key, cur *c)
{
	size_t klen = strlen(key);
	const char *p = text;
	const char *end = text + len;
	const char *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if ((size_t)(nl - p) >= klen && memcmp(p, key, klen) == 0) {
			c->p = p + klen;
			c->end = nl;
			return true;
		}
		p = nl + 1;
	}
	return false;
}

pd_sock_state pd_linux_sock_state(int kstate, pd_proto proto)
{
	switch (kstate) {
	case PD_LINUX_TCP_ESTABLISHED:
		return PD_STATE_ESTABLISHED;
	case PD_LINUX_TCP_SYN_SENT:
		return PD_STATE_SYN_SENT;
	case PD_LINUX_TCP_SYN_RECV:
	case PD_LINUX_TCP_NEW_SYN_RECV:
		return PD_STATE_SYN_RECV;
	case PD_LINUX_TCP_FIN_WAIT1:
		return PD_STATE_FIN_WAIT1;
	case PD_LINUX_TCP_FIN_WAIT2:
		return PD_STATE_FIN_WAIT2;
	case PD_LINUX_TCP_TIME_WAIT:
		return PD_STATE_TIME_WAIT;
	case PD_LINUX_TCP_CLOSE:
		/* A TCP socket in CLOSE is only in a dump when it is bound and
		 * neither listening nor connected: kernel 6.18 reports the
		 * bound-inactive sockets it dumps with their real state, CLOSE,
		 * not TCP_BOUND_INACTIVE. */
		return proto == PD_PROTO_UDP ? PD_STATE_UNCONN : PD_STATE_BOUND;
	case PD_LINUX_TCP_CLOSE_WAIT:
		return PD_STATE_CLOSE_WAIT;
	case PD_LINUX_TCP_LAST_ACK:
		return PD_STATE_LAST_ACK;
	case PD_LINUX_TCP_LISTEN:
		return PD_STATE_LISTEN;
	case PD_LINUX_TCP_CLOSING:
		return PD_STATE_CLOSING;
	case PD_LINUX_TCP_BOUND_INACTIVE:
		return PD_STATE_BOUND;
	default:
		return PD_STATE_UNKNOWN;
	}
}

/* "0100007F:1F90" or the 32-hex-digit v6 form.  Each group of 8 digits is
 * a 32-bit word the kernel printed with %08X in host byte order, so the
 * word goes back to memory as it was (memcpy of the host-order value). */
static int parse_endpoint(cur *c, pd_family family, pd_addr *ret_addr,
                          uint16_t *ret_port)
{
	pd_addr a;
	size_t words = family == PD_FAMILY_V6 ? 4 : 1;
	size_t i, j;
	uint32_t w;
	uint64_t port;
	int d;

	memset(&a, 0, sizeof(a));
	a.family = family;
	for (i = 0; i < words; i++) {
		w = 0;
		for (j = 0; j < 8; j++) {
			if (c->p >= c->end)
				return PD_EPARSE;
			d = pd__hexval(*c->p++);
			if (d < 0)
				return PD_EPARSE;
			w = (w << 4) | (uint32_t)d;
		}
		memcpy(&a.bytes[i * 4], &w, 4);
	}
	if (cur_char(c, ':') < 0)
		return PD_EPARSE;
	if (c->end - c->p < 4 || pd__hexval(c->p[3]) < 0)
		return PD_EPARSE;
	if (cur_number(c, 16, 0xffff, &port) < 0)
		return PD_EPARSE;
	*ret_addr = a;
	*ret_port = (uint16_t)port;
	return 0;
}

int pd_proc_net_parse_line(const char *text, size_t len, pd_family family,
                           pd_proc_net_entry *ret)
{
	pd_proc_net_entry e;
	cur c = {text, text + len};
	uint64_t v;
	int i, r;

	if (!text || !ret || (family != PD_FAMILY_V4 && family != PD_FAMILY_V6))
		return PD_EINVAL;
	memset(&e, 0, sizeof(e));
	cur_skip_blanks(&c);
	/* "sl:" slot number */
	r = cur_number(&c, 10, UINT32_MAX, &v);
	if (r < 0 || cur_char(&c, ':') < 0 || cur_blanks(&c) < 0)
		return PD_EPARSE;
	if (parse_endpoint(&c, family, &e.local, &e.local_port) < 0 ||
	    cur_blanks(&c) < 0 ||
	    parse_endpoint(&c, family, &e.remote, &e.remote_port) < 0 ||
	    cur_blanks(&c) < 0)
		return PD_EPARSE;
	if (cur_number(&c, 16, 0xff, &v) < 0 || cur_blanks(&c) < 0)
		return PD_EPARSE;
	e.kstate = (int)v;
	/* tx_queue:rx_queue, tr:tm->when, retrnsmt: skipped but checked to
	 * be there, so a shifted column cannot pass for a uid. */
	for (i = 0; i < 3; i++) {
		if (c.p >= c.end || is_blank(*c.p))
			return PD_EPARSE;
		while (c.p < c.end && !is_blank(*c.p))
			c.p++;
		if (cur_blanks(&c) < 0)
			return PD_EPARSE;
	}
	if (cur_number(&c, 10, UINT32_MAX, &v) < 0 || cur_blanks(&c) < 0)
		return PD_EPARSE;
	e.uid = (int64_t)v;
	/* timeout */
	if (cur_number(&c, 10, UINT32_MAX, &v) < 0 || cur_blanks(&c) < 0)
		return PD_EPARSE;
	if (cur_number(&c, 10, UINT64_MAX, &v) < 0)
		return PD_EPARSE;
	if (c.p < c.end && !is_blank(*c.p) && *c.p != '\n')
		return PD_EPARSE;
	e.inode = v;
	*ret = e;
	return 0;
}

int pd_proc_stat_parse(const char *text, size_t len, pd_proc_stat *ret)
{
	pd_proc_stat st;
	cur c = {text, text + len};
	const char *open, *close, *q;
	uint64_t v;
	size_t n;
	int field;

	if (!text || !ret)
		return PD_EINVAL;
	memset(&st, 0, sizeof(st));
	if (cur_number(&c, 10, INT32_MAX, &v) < 0 || cur_char(&c, ' ') < 0)
		return PD_EPARSE;
	st.pid = (int)v;
	open = c.p;
	if (open >= c.end || *open != '(')
		return PD_EPARSE;
	close = NULL;
	for (q = c.end; q > open + 0; q--)
		if (q[-1] == ')') {
			close = q - 1;
			break;
		}
	if (!close || close == open)
		return PD_EPARSE;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(st.comm))
		n = sizeof(st.comm) - 1;
	memcpy(st.comm, open + 1, n);
	/* comm cannot hold NUL in the kernel, but the text is input: keep the
	 * C string whole. */
	for (q = st.comm; q < st.comm + n; q++)
		if (*q == '\0')
			st.comm[q - st.comm] = ' ';
	st.comm[n] = '\0';
	c.p = close + 1;
	/* Field 3 is the state letter, 4 ppid, 9 flags, 22 starttime
	 * (proc(5)). */
	for (field = 3; field <= 22; field++) {
		if (cur_char(&c, ' ') < 0)
			return PD_EPARSE;
		if (field == 3) {
			if (c.p >= c.end || *c.p == ' ')
				return PD_EPARSE;
			c.p++;
		} else if (field == 9) {
			if (cur_number(&c, 10, UINT32_MAX, &v) < 0)
				return PD_EPARSE;
			st.flags = (unsigned)v;
		} else if (field == 4 || field == 22) {
			if (cur_number(&c, 10, field == 4 ? INT32_MAX : UINT64_MAX,
			               &v) < 0)
				return PD_EPARSE;
			if (field == 4)
				st.ppid = (int)v;
			else
				st.starttime = v;
		} else {
			/* Some fields are signed (priority, nice). */
			if (c.p < c.end && *c.p == '-')
				c.p++;
			if (cur_number(&c, 10, UINT64_MAX, &v) < 0)
				return PD_EPARSE;
		}
	}
	*ret = st;
	return 0;
}

int pd_proc_status_uid(const char *text, size_t len, int64_t *ret_uid)
{
	cur c;
	uint64_t real, eff;

	if (!text || !ret_uid)
		return PD_EINVAL;
	if (!find_line(text, len, "Uid:", &c))
		return PD_ENOENT;
	cur_skip_blanks(&c);
	if (cur_number(&c, 10, UINT32_MAX, &real) < 0 || cur_blanks(&c) < 0 ||
	    cur_number(&c, 10, UINT32_MAX, &eff) < 0)
		return PD_EPARSE;
	*ret_uid = (int64_t)eff;
	return 0;
}

int pd_proc_status_capeff(const char *text, size_t len, uint64_t *ret_caps)
{
	cur c;
	uint64_t v;

	if (!text || !ret_caps)
		return PD_EINVAL;
	if (!find_line(text, len, "CapEff:", &c))
		return PD_ENOENT;
	cur_skip_blanks(&c);
	if (cur_number(&c, 16, UINT64_MAX, &v) < 0 || !cur_rest_blank(&c))
		return PD_EPARSE;
	*ret_caps = v;
	return 0;
}

int pd_proc_cmdline_join(const char *raw, size_t len, size_t max,
                         char **ret_text)
{
	char *s;
	size_t i;

	if ((!raw && len) || !ret_text)
		return PD_EINVAL;
	if (len > max)
		len = max;
	while (len > 0 && raw[len - 1] == '\0')
		len--;
	s = malloc(len + 1);
	if (!s)
		return PD_ENOMEM;
	for (i = 0; i < len; i++)
		s[i] = raw[i] == '\0' ? ' ' : raw[i];
	s[len] = '\0';
	*ret_text = s;
	return 0;
}

int pd_proc_text_dup(const char *raw, size_t len, char **ret_text)
{
	char *s;
	size_t i;

	if ((!raw && len) || !ret_text)
		return PD_EINVAL;
	if (len == SIZE_MAX)
		return PD_ERANGE;
	s = malloc(len + 1);
	if (!s)
		return PD_ENOMEM;
	for (i = 0; i < len; i++)
		s[i] = raw[i] == '\0' ? ' ' : raw[i];
	s[len] = '\0';
	*ret_text = s;
	return 0;
}

int pd_proc_cgroup_path(const char *text, size_t len, char **ret_path)
{
	const char *p = text, *end = text + len, *nl, *colon, *path = NULL;
	size_t plen = 0;
	bool v2 = false;

	if (!text || !ret_path)
		return PD_EINVAL;
	/* Lines are "ID:CONTROLLERS:PATH"; PATH may itself contain ':'. */
	while (p < end && !v2) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		colon = memchr(p, ':', (size_t)(nl - p));
		if (colon) {
			const char *c2 = memchr(colon + 1, ':', (size_t)(nl - colon - 1));
			if (c2 && c2 + 1 < nl && c2[1] == '/') {
				if (colon - p == 1 && p[0] == '0' && c2 == colon + 1) {
					path = c2 + 1;
					plen = (size_t)(nl - path);
					v2 = true;
				} else if (!path && (size_t)(c2 - colon - 1) == 12 &&
				           memcmp(colon + 1, "name=systemd", 12) == 0) {
					path = c2 + 1;
					plen = (size_t)(nl - path);
				}
			}
		}
		p = nl + 1;
	}
	if (!path)
		return PD_ENOENT;
	return pd_proc_text_dup(path, plen, ret_path);
}

int pd_cgroup_service(const char *path, size_t len, char **ret_unit)
{
	static const char suffix[] = ".service";
	const size_t slen = sizeof(suffix) - 1;
	const char *end = path + len, *seg_end, *seg;
	char *u;

	if (!path || !ret_unit)
		return PD_EINVAL;
	/* Walk the components from the innermost outwards. */
	seg_end = end;
	while (seg_end > path) {
		seg = seg_end;
		while (seg > path && seg[-1] != '/')
			seg--;
		if ((size_t)(seg_end - seg) > slen &&
		    memcmp(seg_end - slen, suffix, slen) == 0) {
			u = malloc((size_t)(seg_end - seg) + 1);
			if (!u)
				return PD_ENOMEM;
			memcpy(u, seg, (size_t)(seg_end - seg));
			u[seg_end - seg] = '\0';
			*ret_unit = u;
			return 0;
		}
		seg_end = seg > path ? seg - 1 : path;
	}
	return PD_ENOENT;
}

/* A mountinfo path field with the kernel's octal escapes (it writes
 * space, tab, newline and backslash as \ooo) decoded; malloc'ed. */
static int mountinfo_unescape(const char *f, size_t len, char **ret)
{
	char *s, *o;
	size_t i;

	s = malloc(len + 1);
	if (!s)
		return PD_ENOMEM;
	for (o = s, i = 0; i < len; i++) {
		if (f[i] == '\\' && len - i > 3 && f[i + 1] >= '0' && f[i + 1] <= '3' &&
		    f[i + 2] >= '0' && f[i + 2] <= '7' && f[i + 3] >= '0' &&
		    f[i + 3] <= '7') {
			*o++ = (char)((f[i + 1] - '0') << 6 | (f[i + 2] - '0') << 3 |
			              (f[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = f[i];
		}
	}
	*o = '\0';
	*ret = s;
	return 0;
}

int pd_mountinfo_cgroup2(const char *text, size_t len, char **ret_path)
{
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE ..." */
	const char *p = text, *end = text + len, *nl, *f, *fe;
	const char *root = NULL, *mnt = NULL, *best = NULL;
	size_t root_len = 0, mnt_len = 0, best_len = 0, idx, sep;

	if (!text || !ret_path)
		return PD_EINVAL;
	for (; p < end; p = nl < end ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		root_len = mnt_len = 0;
		sep = 0; /* index of the "-" field; 0: not met yet */
		for (idx = 0, f = p; f < nl; idx++, f = fe < nl ? fe + 1 : nl) {
			fe = memchr(f, ' ', (size_t)(nl - f));
			if (!fe)
				fe = nl;
			if (idx == 3) {
				root = f;
				root_len = (size_t)(fe - f);
			} else if (idx == 4) {
				mnt = f;
				mnt_len = (size_t)(fe - f);
			} else if (idx >= 6 && sep == 0 && fe - f == 1 && *f == '-') {
				sep = idx;
			} else if (sep > 0 && idx == sep + 1) {
				/* The fs type. */
				if (fe - f == 7 && memcmp(f, "cgroup2", 7) == 0 &&
				    mnt_len > 0) {
					if (root_len == 1 && root[0] == '/')
						return mountinfo_unescape(mnt, mnt_len,
						                          ret_path);
					if (!best) {
						best = mnt;
						best_len = mnt_len;
					}
				}
				break;
			}
		}
	}
	if (!best)
		return PD_ENOENT;
	return mountinfo_unescape(best, best_len, ret_path);
}

int pd_proc_stat_btime(const char *text, size_t len, int64_t *ret_btime)
{
	cur c;
	uint64_t v;

	if (!text || !ret_btime)
		return PD_EINVAL;
	if (!find_line(text, len, "btime ", &c))
		return PD_ENOENT;
	cur_skip_blanks(&c);
	if (cur_number(&c, 10, INT64_MAX, &v) < 0 || !cur_rest_blank(&c))
		return PD_EPARSE;
	*ret_btime = (int64_t)v;
	return 0;
}

int pd_sysctl_port_range(const char *text, size_t len, pd_range *ret)
{
	cur c = {text, text + len};
	uint64_t lo, hi;
	pd_range r;

	if (!text || !ret)
		return PD_EINVAL;
	cur_skip_blanks(&c);
	if (cur_number(&c, 10, 65535, &lo) < 0 || cur_blanks(&c) < 0 ||
	    cur_number(&c, 10, 65535, &hi) < 0 || !cur_rest_blank(&c))
		return PD_EPARSE;
	if (lo > hi)
		return PD_ERANGE;
	memset(&r, 0, sizeof(r));
	r.proto = PD_PROTO_NONE;
	r.family = PD_FAMILY_ANY;
	r.start = (uint16_t)lo;
	r.end = (uint16_t)hi;
	*ret = r;
	return 0;
}

/* At most one range per port: a longer list is not the kernel's output. */
#define MAX_PORT_LIST 65536u

int pd_sysctl_port_list(const char *text, size_t len, pd_range **ret_ranges,
                        size_t *ret_n)
{
	cur c = {text, text + len};
	pd_range *arr = NULL, *tmp;
	size_t n = 0, cap = 0;
	uint64_t lo, hi;
	int r = 0;

	if (!text || !ret_ranges || !ret_n)
		return PD_EINVAL;
	if (cur_rest_blank(&c))
		goto done;
	for (;;) {
		r = cur_number(&c, 10, 65535, &lo);
		if (r < 0)
			goto fail;
		hi = lo;
		if (c.p < c.end && *c.p == '-') {
			c.p++;
			r = cur_number(&c, 10, 65535, &hi);
			if (r < 0)
				goto fail;
			if (lo > hi) {
				r = PD_ERANGE;
				goto fail;
			}
		}
		if (n == cap) {
			if (cap >= MAX_PORT_LIST) {
				r = PD_ETOOBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 8;
			tmp = realloc(arr, cap * sizeof(*arr));
			if (!tmp) {
				r = PD_ENOMEM;
				goto fail;
			}
			arr = tmp;
		}
		memset(&arr[n], 0, sizeof(arr[n]));
		arr[n].proto = PD_PROTO_NONE;
		arr[n].family = PD_FAMILY_ANY;
		arr[n].start = (uint16_t)lo;
		arr[n].end = (uint16_t)hi;
		n++;
		if (c.p < c.end && *c.p == ',') {
			c.p++;
			continue;
		}
		if (!cur_rest_blank(&c)) {
			r = PD_EPARSE;
			goto fail;
		}
		break;
	}
done:
	*ret_ranges = arr;
	*ret_n = n;
	return 0;
fail:
	free(arr);
	return r;
}

int pd_sysctl_int(const char *text, size_t len, int min, int max,
                  int *ret_value)
{
	cur c = {text, text + len};
	uint64_t v;
	int64_t val;
	bool neg = false;
	int r;

	if (!text || !ret_value || min > max)
		return PD_EINVAL;
	cur_skip_blanks(&c);
	if (c.p < c.end && *c.p == '-') {
		neg = true;
		c.p++;
	}
	r = cur_number(&c, 10, (uint64_t)INT32_MAX + 1, &v);
	if (r < 0)
		return r;
	if (!cur_rest_blank(&c))
		return PD_EPARSE;
	val = neg ? -(int64_t)v : (int64_t)v;
	if (val < min || val > max)
		return PD_ERANGE;
	*ret_value = (int)val;
	return 0;
}

int pd_passwd_lookup(const char *text, size_t len, int64_t uid,
                     char **ret_name)
{
	const char *p = text, *end = text + len, *nl, *c1, *c2;
	cur c;
	uint64_t v;

	if (!text || !ret_name || uid < 0)
		return PD_EINVAL;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (p[0] == '+' || p[0] == '-' || p[0] == '#' || p == nl)
			continue;
		c1 = memchr(p, ':', (size_t)(nl - p));
		if (!c1 || c1 == p)
			continue;
		c2 = memchr(c1 + 1, ':', (size_t)(nl - c1 - 1));
		if (!c2)
			continue;
		c.p = c2 + 1;
		c.end = nl;
		if (cur_number(&c, 10, UINT32_MAX, &v) < 0 || c.p >= c.end ||
		    *c.p != ':')
			continue;
		if ((int64_t)v == uid)
			return pd_proc_text_dup(p, (size_t)(c1 - p), ret_name);
	}
	return PD_ENOENT;
}
