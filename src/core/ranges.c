/*
 * Verdicts on the machine's port ranges: the ephemeral/dynamic range, the
 * Linux reserved ports and unprivileged-port start, the Windows excluded
 * ranges.  Pure: reads a snapshot, writes verdicts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "portdoctor/portdoctor.h"

const uint16_t pd_common_ports[] = {
	80, 443, 1433, 3000, 3001, 3306, 4200, 5000, 5173, 5432, 5672,
	6379, 8000, 8080, 8081, 8443, 8888, 9000, 9090, 9200, 11211, 15672,
	27017,
};
const size_t pd_n_common_ports =
	sizeof(pd_common_ports) / sizeof(pd_common_ports[0]);

#define WIN_DYNAMIC_DEFAULT_START 49152
#define SMALL_RANGE 1024

typedef struct vlist {
	pd_verdict *v;
	size_t n;
	int err;
} vlist;

PD_PRINTF(5, 6)
static void add(vlist *l, const char *subject, pd_severity sev,
                const pd_range *range, const char *fmt, ...)
{
	pd_verdict *arr;
	pd_buf b;
	va_list ap;

	if (l->err)
		return;
	arr = pd__reallocarray(l->v, l->n + 1, sizeof(*arr));
	if (!arr) {
		l->err = PD_ENOMEM;
		return;
	}
	l->v = arr;
	pd_buf_init(&b, 8192);
	va_start(ap, fmt);
	pd_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	arr[l->n].subject = subject;
	arr[l->n].severity = sev;
	arr[l->n].range = range;
	arr[l->n].message = pd_buf_steal(&b);
	pd_buf_done(&b);
	if (!arr[l->n].message) {
		l->err = PD_ENOMEM;
		return;
	}
	l->n++;
}

/* Writes the common ports inside [lo, hi] as "3000, 5000" into b. */
static size_t common_inside(pd_buf *b, unsigned lo, unsigned hi)
{
	size_t i, n = 0;

	for (i = 0; i < pd_n_common_ports; i++)
		if (pd_common_ports[i] >= lo && pd_common_ports[i] <= hi)
			pd_buf_printf(b, n++ ? ", %u" : "%u", pd_common_ports[i]);
	return n;
}

static const char *range_label(const pd_range *r, char *buf, size_t size)
{
	const char *p = pd_proto_name(r->proto);
	const char *f = r->family == PD_FAMILY_V4 ? "ipv4" :
	                r->family == PD_FAMILY_V6 ? "ipv6" : NULL;

	snprintf(buf, size, "%s%s%s", f ? f : "", f && p ? " " : "", p ? p : "");
	return buf;
}

static void check_dynamic(vlist *l, const pd_snapshot *s, bool windows)
{
	size_t i;

	for (i = 0; i < s->n_dynamic; i++) {
		const pd_range *r = &s->dynamic[i];
		unsigned size = (unsigned)r->end - r->start + 1;
		char label[32];
		pd_buf b;
		size_t n;

		range_label(r, label, sizeof(label));
		pd_buf_init(&b, 4096);
		n = common_inside(&b, r->start, r->end);
		if (windows && r->start < WIN_DYNAMIC_DEFAULT_START) {
			add(l, "dynamic", PD_SEV_WARNING, r,
			    _("%s%sdynamic range %u-%u starts below 49152: WinNAT and "
			      "Hyper-V reserve blocks inside it and can take common "
			      "ports%s%s%s; reset it to start=49152 num=16384"),
			    label, *label ? " " : "", r->start, r->end,
			    n ? " (" : "", n ? b.data : "", n ? ")" : "");
		} else if (n) {
			add(l, "dynamic", PD_SEV_WARNING, r,
			    _("%s%sephemeral range %u-%u covers common ports (%s): "
			      "outgoing connections can take them"),
			    label, *label ? " " : "", r->start, r->end, b.data);
		} else if (size < SMALL_RANGE) {
			add(l, "dynamic", PD_SEV_WARNING, r,
			    _("%s%sephemeral range %u-%u has only %u ports: busy "
			      "clients can run out (EADDRNOTAVAIL on connect)"),
			    label, *label ? " " : "", r->start, r->end, size);
		} else {
			add(l, "dynamic", PD_SEV_INFO, r,
			    _("%s%sephemeral range %u-%u (%u ports) is clear of the "
			      "common development ports"),
			    label, *label ? " " : "", r->start, r->end, size);
		}
		pd_buf_done(&b);
	}
	if (!s->n_dynamic && windows)
		add(l, "dynamic", PD_SEV_INFO, NULL,
		    _("the dynamic port range is not known: `netsh int ipv4 show "
		      "dynamicport tcp` (and ipv6, udp) shows it; a range that "
		      "starts below 49152 is the usual reason WinNAT takes common "
		      "ports"));
	else if (!s->n_dynamic)
		add(l, "dynamic", PD_SEV_INFO, NULL,
		    _("the ephemeral port range is not known"));
}

static void check_reserved(vlist *l, const pd_snapshot *s)
{
	size_t i;

	if (s->reserved_unknown) {
		add(l, "reserved", PD_SEV_INFO, NULL,
		    _("which ports are reserved is unknown: "
		      "net.ipv4.ip_local_reserved_ports could not be read"));
		return;
	}
	if (!s->n_reserved) {
		add(l, "reserved", PD_SEV_INFO, NULL,
		    _("no ports are reserved (net.ipv4.ip_local_reserved_ports is "
		      "empty); `portdoctor reserve PORT` keeps a port you publish "
		      "out of the ephemeral range"));
		return;
	}
	for (i = 0; i < s->n_reserved; i++)
		add(l, "reserved", PD_SEV_INFO, &s->reserved[i],
		    _("ports %u-%u are reserved: never handed out automatically"),
		    s->reserved[i].start, s->reserved[i].end);
}

static void check_unprivileged(vlist *l, const pd_snapshot *s)
{
	int start = s->unprivileged_port_start;

	if (start < 0)
		return;
	if (start == 0)
		add(l, "unprivileged_port_start", PD_SEV_INFO, NULL,
		    _("net.ipv4.ip_unprivileged_port_start is 0: any user may bind "
		      "any port"));
	else
		add(l, "unprivileged_port_start", PD_SEV_INFO, NULL,
		    _("net.ipv4.ip_unprivileged_port_start is %d: ports below it "
		      "need root or CAP_NET_BIND_SERVICE, so rootless Docker and "
		      "Podman cannot publish them"), start);
}

static bool has_note(const pd_snapshot *s, const char *code)
{
	size_t i;

	for (i = 0; i < s->n_notes; i++)
		if (s->notes[i].code && strcmp(s->notes[i].code, code) == 0)
			return true;
	return false;
}

static void check_excluded(vlist *l, const pd_snapshot *s)
{
	size_t i;

	/* An empty list is news only when netsh was heard: the probe notes a
	 * netsh that failed or printed nothing, --from-netsh a paste without
	 * that output. */
	if (!s->n_excluded && (has_note(s, "excluded_unknown") ||
	                       has_note(s, "netsh_failed") ||
	                       has_note(s, "netsh_empty"))) {
		add(l, "excluded", PD_SEV_INFO, NULL,
		    _("the excluded port ranges are not known: `netsh int ipv4 "
		      "show excludedportrange protocol=tcp` (and ipv6, udp) shows "
		      "them"));
		return;
	}
	if (!s->n_excluded) {
		add(l, "excluded", PD_SEV_INFO, NULL,
		    _("no excluded port ranges"));
		return;
	}
	for (i = 0; i < s->n_excluded; i++) {
		const pd_range *r = &s->excluded[i];
		char label[32];
		pd_buf b;
		size_t n;

		range_label(r, label, sizeof(label));
		pd_buf_init(&b, 4096);
		n = common_inside(&b, r->start, r->end);
		if (r->administered)
			add(l, "excluded", PD_SEV_INFO, r,
			    _("%s%s%u-%u is an administered exclusion: kept from "
			      "WinNAT and ephemeral use, explicit binds work"),
			    label, *label ? " " : "", r->start, r->end);
		else if (n && r->start == r->end)
			add(l, "excluded", PD_SEV_WARNING, r,
			    _("%s%s%u is excluded on its own (usually an http.sys "
			      "listener's or an installer's reservation), a common "
			      "port"), label, *label ? " " : "", r->start);
		else if (n)
			add(l, "excluded", PD_SEV_WARNING, r,
			    _("%s%s%u-%u is excluded (reserved by WinNAT/HNS) and takes "
			      "common ports: %s"), label, *label ? " " : "", r->start,
			    r->end, b.data);
		else if (r->start == r->end)
			add(l, "excluded", PD_SEV_INFO, r,
			    _("%s%s%u is excluded on its own (usually an http.sys "
			      "listener's or an installer's reservation)"), label,
			    *label ? " " : "", r->start);
		else
			add(l, "excluded", PD_SEV_INFO, r,
			    _("%s%s%u-%u is excluded (reserved by WinNAT/HNS)"), label,
			    *label ? " " : "", r->start, r->end);
		pd_buf_done(&b);
	}
}

int pd_ranges_check(const pd_snapshot *s, pd_verdict **ret, size_t *ret_n)
{
	vlist l = {NULL, 0, 0};
	bool windows = s->os && strcmp(s->os, "windows") == 0;

	check_dynamic(&l, s, windows);
	if (windows) {
		check_excluded(&l, s);
	} else {
		check_reserved(&l, s);
		check_unprivileged(&l, s);
	}
	if (l.err) {
		pd_verdicts_free(l.v, l.n);
		return l.err;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

void pd_verdicts_free(pd_verdict *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i].message);
	free(v);
}
