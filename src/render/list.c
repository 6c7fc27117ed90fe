/*
 * Text output of `list`, `ranges` and the doctor report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "docker/docker.h"
#include "core/i18n.h"
#include "core/width.h"
#include "portdoctor/portdoctor.h"
#include "render.h"

bool pd__list_wants(const pd_socket *sk, const pd_render_opts *o)
{
	bool tcp = o->tcp || !o->udp, udp = o->udp || !o->tcp;

	if (sk->proto == PD_PROTO_TCP)
		return tcp && sk->state == PD_STATE_LISTEN;
	if (sk->proto == PD_PROTO_UDP)
		return udp && (sk->state == PD_STATE_UNCONN ||
		               sk->state == PD_STATE_CLOSE);
	return false;
}

static int cmp_sockets(const pd_snapshot *s, size_t a, size_t b)
{
	const pd_socket *x = &s->sockets[a], *y = &s->sockets[b];

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->local_port != y->local_port)
		return x->local_port < y->local_port ? -1 : 1;
	if (x->local.family != y->local.family)
		return x->local.family < y->local.family ? -1 : 1;
	return memcmp(x->local.bytes, y->local.bytes, 16);
}

/* A stable merge sort of socket indexes.  qsort() takes no context
 * argument (qsort_r differs between glibc, BSD and Windows), and the core
 * keeps no globals to smuggle one in. */
static void sort_idx(const pd_snapshot *s, size_t *idx, size_t *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	sort_idx(s, idx, tmp, mid);
	sort_idx(s, idx + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = cmp_sockets(s, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
	while (i < mid)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

/* Indexes of the sockets `list` shows, sorted; NULL with n 0 when none. */
int pd__list_sockets(const pd_snapshot *s, const pd_render_opts *o,
                     size_t **ret, size_t *ret_n)
{
	size_t *idx = NULL, n = 0, i;

	if (s->n_sockets && !(idx = malloc(s->n_sockets * sizeof(*idx))))
		return PD_ENOMEM;
	for (i = 0; i < s->n_sockets; i++)
		if (pd__list_wants(&s->sockets[i], o))
			idx[n++] = i;
	if (n == 0) {
		free(idx);
		idx = NULL;
	}
	/* The order is deterministic so that recorded output compares. */
	if (n > 1) {
		size_t *tmp = malloc(n * sizeof(*tmp));

		if (!tmp) {
			free(idx);
			return PD_ENOMEM;
		}
		sort_idx(s, idx, tmp, n);
		free(tmp);
	}
	*ret = idx;
	*ret_n = n;
	return 0;
}

/* A table cell: text padded to cols display columns (a CJK character
 * takes two, so printf's byte-counting %-*s would misalign Chinese
 * heads and names), then the space between columns. */
static void put_cell(pd_buf *b, const char *text, size_t cols)
{
	pd_buf_put_padded(b, text, cols);
	pd_buf_putc(b, ' ');
}

int pd_render_list_text(const pd_snapshot *s, const pd_render_opts *o,
                        char **ret)
{
	pd_buf b;
	size_t *idx, n, i;
	int r = pd__list_sockets(s, o, &idx, &n);

	if (r < 0)
		return r;
	pd_buf_init(&b, 0);
	/* TRANSLATORS: the column heads of `list`; each must fit its column
	 * (5, 30, 8, 16 and 10 columns; a CJK character takes 2). */
	put_cell(&b, _("PROTO"), 5);
	put_cell(&b, _("LOCAL ADDRESS"), 30);
	put_cell(&b, _("PID"), 8);
	put_cell(&b, _("PROGRAM"), 16);
	put_cell(&b, _("USER"), 10);
	pd_buf_printf(&b, "%s\n", _("COMMAND"));
	for (i = 0; i < n; i++) {
		const pd_socket *sk = &s->sockets[idx[i]];
		const pd_process *p = sk->n_pids ?
		                      pd_snapshot_find_process(s, sk->pids[0]) : NULL;
		pd_buf ep, name;

		pd_buf_init(&ep, 256);
		pd__put_endpoint(&ep, &sk->local, sk->local_port);
		if (sk->local.family == PD_FAMILY_V6 && pd_addr_is_any(&sk->local) &&
		    sk->v6only == 0)
			pd_buf_puts(&ep, "+v4");
		put_cell(&b, pd_proto_name(sk->proto), 5);
		put_cell(&b, ep.data ? ep.data : "", 30);
		pd_buf_done(&ep);
		if (!p) {
			pd_buf_printf(&b, "%-8s %s\n", "-",
			              sk->owner_status != PD_OWNER_DENIED ?
			              _("(owner unknown)") : s->privileged ?
			              _("(a process that denies inspection)") :
			              _("(permission denied: run as root)"));
			continue;
		}
		pd_buf_printf(&b, "%-8d ", p->pid);
		pd_buf_init(&name, 1024);
		pd__put_safe(&name, p->name, 32);
		put_cell(&b, name.data ? name.data : "?", 16);
		pd_buf_done(&name);
		pd_buf_init(&name, 1024);
		pd__put_safe(&name, p->user, 32);
		put_cell(&b, name.data ? name.data : "?", 10);
		pd_buf_done(&name);
		if (pd__socket_container(s, sk)) {
			pd_buf_puts(&b, _("container "));
			pd__put_container(&b, pd__socket_container(s, sk));
			pd_buf_puts(&b, ": ");
		}
		pd__put_safe(&b, p->cmdline ? p->cmdline : p->exe,
		             o->verbose ? 0 : 120);
		if (sk->n_pids > 1)
			pd_buf_printf(&b, ngettext(" (+%zu more process)",
			                           " (+%zu more processes)",
			                           sk->n_pids - 1), sk->n_pids - 1);
		pd_buf_putc(&b, '\n');
	}
	if (!n)
		pd_buf_puts(&b, _("(no listening sockets)\n"));
	free(idx);
	pd__put_notes(&b, s, o);
	return pd__buf_finish(&b, ret);
}

/* What on a Windows machine makes ports disappear, when the probe could
 * tell: one line, or nothing (a snapshot built from a netsh paste knows
 * none of it). */
static void put_windows_context(pd_buf *b, const pd_snapshot *s)
{
	static const char *const st[3][3] = {
		{N_("unknown"), N_("stopped"), N_("running")},
		{N_("unknown"), N_("absent"), N_("present")},
		{N_("unknown"), N_("not installed"), N_("installed")},
	};
	int v[4] = {s->winnat_running, s->hyperv_present, s->wsl_present,
	            s->docker_desktop_present};
	int i, known = 0;

	if (!s->os || strcmp(s->os, "windows") != 0)
		return;
	for (i = 0; i < 4; i++) {
		v[i] = v[i] < 0 ? 0 : v[i] ? 2 : 1;
		known += v[i] != 0;
	}
	if (!known)
		return;
	/* TRANSLATORS: each %s is one of running/stopped/unknown,
	 * present/absent, installed/not installed (the one after WSL may be
	 * followed by its networking mode); the last one says whether
	 * portdoctor runs elevated. */
	pd_buf_printf(b, _("Windows: WinNAT %s, Hyper-V %s, WSL %s%s, Docker "
	                   "Desktop %s; %s\n"), _(st[0][v[0]]), _(st[1][v[1]]),
	              _(st[1][v[2]]),
	              s->wsl_mirrored == 1 ? _(" (mirrored networking)") : "",
	              _(st[2][v[3]]),
	              s->privileged ? _("elevated") :
	              _("not elevated (fixes need an administrator)"));
}

static void put_verdicts(pd_buf *b, const pd_verdict *v, size_t n,
                         const pd_render_opts *o)
{
	size_t i;

	for (i = 0; i < n; i++) {
		pd_buf_puts(b, "  ");
		pd__put_sev(b, o, v[i].severity);
		pd_buf_printf(b, " %-24s ", v[i].subject);
		pd__put_safe(b, v[i].message, 0);
		pd_buf_putc(b, '\n');
	}
}

int pd_render_ranges_text(const pd_snapshot *s, const pd_verdict *v, size_t n,
                          const pd_render_opts *o, char **ret)
{
	pd_buf b;

	pd_buf_init(&b, 0);
	pd_buf_puts(&b, _("Port ranges"));
	if (s->os)
		pd_buf_printf(&b, " (%s)", s->os);
	pd_buf_puts(&b, ":\n");
	put_windows_context(&b, s);
	put_verdicts(&b, v, n, o);
	pd__put_notes(&b, s, o);
	return pd__buf_finish(&b, ret);
}

static const pd_finding *first_of(const pd_result *r, pd_severity min)
{
	size_t i;

	for (i = 0; i < r->n_findings; i++)
		if (r->findings[i].severity >= min)
			return &r->findings[i];
	return NULL;
}

/* One line for a port that is taken; a free port only joins the "free:"
 * list (with its warning, if any) so the report stays one screen. */
static void put_common_port(pd_buf *b, pd_buf *free_list, const pd_snapshot *s,
                            const pd_result *r, const pd_render_opts *o)
{
	const pd_finding *f = first_of(r, PD_SEV_ERROR);

	if (!f) {
		f = first_of(r, PD_SEV_WARNING);
		pd_buf_printf(free_list, free_list->len ? ", %u" : "%u", r->port);
		if (f)
			pd_buf_printf(free_list, " (%s)", pd_finding_name(f->code));
		return;
	}
	pd_buf_printf(b, "  %-6u ", r->port);
	if (f->code == PD_F_IN_USE && f->n_sockets) {
		const pd_socket *sk = &s->sockets[f->sockets[0]];

		/* TRANSLATORS: a line of the doctor report, put together as
		 * "PORT in use by OWNER (pid N) on ADDRESS:PORT". */
		pd__put_colored(b, o, "\033[33m", _("in use"));
		pd_buf_puts(b, _(" by "));
		pd__put_owner_short(b, s, sk);
		pd_buf_puts(b, _(" on "));
		pd__put_endpoint(b, &sk->local, sk->local_port);
	} else {
		pd__put_colored(b, o, "\033[31m", pd_finding_name(f->code));
		pd_buf_puts(b, ": ");
		pd__put_safe(b, f->message, 0);
	}
	pd_buf_putc(b, '\n');
}

int pd_render_doctor_text(const pd_report *r, const pd_verdict *v, size_t n,
                          const pd_render_opts *o, char **ret)
{
	const pd_snapshot *s = r->snap;
	pd_buf b, free_list;
	size_t i;

	pd_buf_init(&b, 0);
	pd_buf_puts(&b, _("portdoctor: "));
	pd__put_safe(&b, s->hostname ? s->hostname : "?", 64);
	pd_buf_printf(&b, " (%s", s->os ? s->os : "?");
	if (s->os_detail) {
		pd_buf_putc(&b, ' ');
		pd__put_safe(&b, s->os_detail, 64);
	}
	if (s->os && strcmp(s->os, "windows") == 0)
		pd_buf_printf(&b, "%s)\n", s->privileged ? _(", elevated") :
		              _(", not elevated"));
	else
		pd_buf_printf(&b, "%s)\n", s->privileged ? _(", as root") :
		              _(", not root: some owners stay unknown"));
	put_windows_context(&b, s);
	pd_buf_putc(&b, '\n');
	pd_buf_puts(&b, _("Port ranges:\n"));
	put_verdicts(&b, v, n, o);
	pd_buf_puts(&b, _("\nCommon development ports (tcp, every address):\n"));
	pd_buf_init(&free_list, 4096);
	for (i = 0; i < r->n_results; i++)
		put_common_port(&b, &free_list, s, &r->results[i], o);
	if (free_list.len) {
		pd_buf_puts(&b, "  ");
		pd__put_colored(&b, o, "\033[32m", _("free:"));
		pd_buf_printf(&b, " %s\n", free_list.data);
	}
	if (pd_buf_error(&free_list))
		b.err = pd_buf_error(&free_list);
	pd_buf_done(&free_list);
	pd_buf_putc(&b, '\n');
	pd__put_notes(&b, s, o);
	pd_buf_puts(&b, _("`portdoctor check PORT` explains one port in full; "
	                  "`portdoctor list` shows every listener.\n"));
	return pd__buf_finish(&b, ret);
}
