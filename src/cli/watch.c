/*
 * free and watch: the read-only commands that look at ports over a range
 * or over time.
 *
 * free probes the range once (sockets of the protocol, the ranges, no
 * owners), walks the ports nearest to --near first, skips every port that
 * a socket, a dynamic, reserved or excluded range, or the privileged-port
 * limit stands against, and confirms each candidate with real binds on
 * every address.
 *
 * watch polls: each round collects only the sockets on the target ports
 * and the port ranges (no owner search, no bind tests), so a round costs
 * a few netlink messages and /proc reads; only when a port becomes taken
 * is the owner looked up, once.  SIGINT/SIGTERM end it cleanly (exit 0).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_fix.h"
#include "core/i18n.h"

#define MAX_SKIPS 200
#define MAX_COUNT 1000

/* ------------------------------------------------------------- free */

static int parse_num(const char *s, long lo, long hi, long *ret)
{
	long v = 0;
	const char *p = s;

	if (!s || !*s)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > 100000)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*ret = v;
	return 0;
}

int cmd_free(const cli_opts *o)
{
	pd_proto proto = o->udp ? PD_PROTO_UDP : PD_PROTO_TCP;
	long count = 1, near = 0, lo = 1024, hi = 65535;
	uint16_t *ports = NULL;
	pd_free_skip *skips = NULL;
	size_t n = 0, ns = 0;
	char err[512] = "", *text = NULL;
	int ex, r;

	if (o->n_args) {
		cli_error(_("free takes no operands (use --near PORT)"));
		return EXIT_USAGE;
	}
	if (o->snapshot_path) {
		cli_error(_("free verifies each port with a real bind: it cannot "
		            "work on --snapshot"));
		return EXIT_USAGE;
	}
	if (o->count_text && parse_num(o->count_text, 1, MAX_COUNT, &count) < 0) {
		cli_error(_("--count takes a number from 1 to %d"), MAX_COUNT);
		return EXIT_USAGE;
	}
	if (o->near_text && parse_num(o->near_text, 1, 65535, &near) < 0) {
		cli_error(_("--near takes a port number (1-65535)"));
		return EXIT_USAGE;
	}
	if (o->range_text) {
		const char *dash = strchr(o->range_text, '-');
		char a[8];

		if (!dash || dash - o->range_text >= (long)sizeof(a) ||
		    (memcpy(a, o->range_text, (size_t)(dash - o->range_text)),
		     a[dash - o->range_text] = '\0',
		     parse_num(a, 1, 65535, &lo) < 0) ||
		    parse_num(dash + 1, 1, 65535, &hi) < 0 || hi < lo) {
			cli_error(_("--range takes LO-HI, e.g. 8000-9000"));
			return EXIT_USAGE;
		}
	} else if (near && near < lo) {
		lo = 1;
	}
	ports = calloc((size_t)count, sizeof(*ports));
	skips = calloc(MAX_SKIPS, sizeof(*skips));
	if (!ports || !skips) {
		cli_error(_("out of memory"));
		ex = EXIT_PROBE;
		goto out;
	}
	r = cli_free_ports(proto, (int)near, (uint16_t)lo, (uint16_t)hi,
	                   (size_t)count, ports, &n, skips, MAX_SKIPS, &ns, err,
	                   sizeof(err));
	if (r < 0) {
		cli_error(_("cannot inspect this machine: %s (%s)"),
		          *err ? err : pd_strerror(r), pd_err_name(r));
		ex = EXIT_PROBE;
		goto out;
	}
	if (!o->verbose)
		ns = 0;
	r = o->json ? pd_render_free_json(proto, (int)near, (uint16_t)lo,
	                                  (uint16_t)hi, ports, n, skips, ns,
	                                  &text) :
	    pd_render_free_text(ports, n, skips, ns, &text);
	ex = emit(r, text);
	if (ex == EXIT_OK && n < (size_t)count) {
		cli_error(ngettext("found %zu free port of %ld in %ld-%ld",
		                   "found %zu free ports of %ld in %ld-%ld", n),
		          n, count, lo, hi);
		ex = EXIT_UNAVAILABLE;
	}
out:
	free(ports);
	free(skips);
	return ex;
}

/* ------------------------------------------------------------ watch */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* What watch compares between rounds, per target port. */
typedef struct wstate {
	bool taken;
	bool reserved; /* reserved, or in an excluded range (Windows) */
	char range[48]; /* the reserved/excluded range holding it */
} wstate;

static bool is_holder(pd_finding_code c)
{
	return c == PD_F_IN_USE || c == PD_F_HTTP_SYS || c == PD_F_PORTPROXY;
}

static void state_of(const pd_result *res, wstate *w)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < res->n_findings; i++) {
		const pd_finding *f = &res->findings[i];

		if (is_holder(f->code))
			w->taken = true;
		if ((f->code == PD_F_RESERVED_PORT || f->code == PD_F_EXCLUDED_RANGE ||
		     f->code == PD_F_ADMINISTERED_EXCLUSION) && f->range) {
			w->reserved = true;
			snprintf(w->range, sizeof(w->range), "%u-%u", f->range->start,
			         f->range->end);
		}
	}
}

static void dynamic_text(const pd_snapshot *s, char *buf, size_t size)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < s->n_dynamic && off + 24 < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s%u-%u",
		                        i ? "," : "",
		                        s->dynamic[i].proto ?
		                        pd_proto_name(s->dynamic[i].proto) : "",
		                        s->dynamic[i].start, s->dynamic[i].end);
}

static int say(const cli_opts *o, pd_watch_event *e)
{
	char *text = NULL;
	int r = o->json ? pd_render_watch_json(e, &text) :
	        pd_render_watch_text(e, &text);

	if (r < 0)
		return EXIT_PROBE;
	r = cli_write_stdout(text);
	free(text);
	/* Nobody reads any more (| head with SIGPIPE ignored): stop. */
	if (r > 0)
		stop_flag = 1;
	return r < 0 ? EXIT_PROBE : EXIT_OK;
}

/* Names what holds one target port (one owner search, on a change). */
static void holders_of(const pd_target *t, uint16_t port, char *buf,
                       size_t size, int *pids, size_t *n_pids)
{
	pd_probe_opts po;
	pd_range r;
	pd_snapshot *s = NULL;
	pd_report *rep = NULL;
	pd_target one = *t;
	char err[128];
	size_t i, k, m, off = 0;

	buf[0] = '\0';
	*n_pids = 0;
	memset(&po, 0, sizeof(po));
	memset(&r, 0, sizeof(r));
	r.proto = t->proto;
	r.start = r.end = port;
	po.ports = &r;
	po.n_ports = 1;
	po.owners = 1;
	one.port_lo = one.port_hi = port;
	if (pd_probe_collect(&po, err, sizeof(err), &s) < 0)
		return;
	if (pd_diagnose(s, &one, 1, &rep) == 0 && rep->n_results) {
		const pd_result *res = &rep->results[0];

		for (i = 0; i < res->n_findings; i++) {
			const pd_finding *f = &res->findings[i];

			if (!is_holder(f->code))
				continue;
			for (k = 0; k < f->n_sockets; k++) {
				const pd_socket *sk = &s->sockets[f->sockets[k]];

				for (m = 0; m < sk->n_pids && *n_pids < 8; m++) {
					const pd_process *p = pd_snapshot_find_process(
						s, sk->pids[m]);
					size_t j;
					bool seen = false;

					for (j = 0; j < *n_pids; j++)
						seen = seen || pids[j] == sk->pids[m];
					if (seen)
						continue;
					pids[(*n_pids)++] = sk->pids[m];
					if (off + 2 < size)
						off += (size_t)snprintf(
							buf + off, size - off, "%s%s (pid %d)",
							off ? ", " : _("by "),
							p && p->name ? p->name : "?", sk->pids[m]);
				}
			}
		}
	}
	if (!*n_pids)
		snprintf(buf, size, "%s", s->privileged ?
		         _("by an unknown process") :
		         _("by a process not visible to this user"));
	pd_report_free(rep);
	pd_snapshot_free(s);
}

int cmd_watch(const cli_opts *o)
{
	plan p;
	pd_probe_opts po;
	wstate *prev = NULL;
	char dyn_prev[256] = "", dyn_now[256], err[256];
	double interval = 1.0;
	bool first = true;
	size_t i;
	int ex;

	if (!o->n_args) {
		cli_error(_("watch needs at least one TARGET"));
		return EXIT_USAGE;
	}
	if (o->until_free && o->until_taken) {
		cli_error(_("--until-free and --until-taken exclude each other"));
		return EXIT_USAGE;
	}
	if (o->snapshot_path) {
		cli_error(_("watch looks at this machine: --snapshot makes no sense "
		            "here"));
		return EXIT_USAGE;
	}
	if (o->interval_text) {
		char *end;

		interval = strtod(o->interval_text, &end);
		if (*end || !(interval >= 0.1 && interval <= 3600)) {
			cli_error(_("--interval takes seconds from 0.1 to 3600"));
			return EXIT_USAGE;
		}
	}
	ex = cli_targets(o, &p);
	if (ex)
		return ex;
	prev = calloc(p.n_binds + 1, sizeof(*prev));
	if (!prev) {
		plan_done(&p);
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	memset(&po, 0, sizeof(po));
	po.ports = p.ports;
	po.n_ports = p.n_ports;
	while (!stop_flag) {
		pd_snapshot *s = NULL;
		pd_report *rep = NULL;
		size_t n_taken = 0, n_results = 0;
		int r = pd_probe_collect(&po, err, sizeof(err), &s);

		if (r < 0 || pd_diagnose(s, p.targets, p.n_targets, &rep) < 0) {
			pd_snapshot_free(s);
			cli_error(_("cannot inspect this machine: %s"),
			          r < 0 ? err : _("out of memory"));
			ex = EXIT_PROBE;
			break;
		}
		n_results = rep->n_results;
		dynamic_text(s, dyn_now, sizeof(dyn_now));
		if (!first && strcmp(dyn_now, dyn_prev) != 0) {
			pd_watch_event e = {pd_probe_now(), NULL, 0, "dynamic_range",
			                    dyn_now, NULL, 0};
			char d[600];

			snprintf(d, sizeof(d), "%s -> %s", dyn_prev, dyn_now);
			e.detail = d;
			ex = say(o, &e);
		}
		snprintf(dyn_prev, sizeof(dyn_prev), "%s", dyn_now);
		for (i = 0; i < rep->n_results && ex == EXIT_OK; i++) {
			const pd_result *res = &rep->results[i];
			char tgt[160], who[512];
			int pids[8];
			size_t np = 0;
			wstate w;
			pd_watch_event e;

			state_of(res, &w);
			n_taken += w.taken;
			pd_target_format(&res->target, res->port, tgt, sizeof(tgt));
			memset(&e, 0, sizeof(e));
			e.time = pd_probe_now();
			e.target = tgt;
			e.port = res->port;
			if (first || w.taken != prev[i].taken) {
				e.event = w.taken ? "taken" : first ? "free" : "released";
				if (w.taken) {
					holders_of(&res->target, res->port, who, sizeof(who),
					           pids, &np);
					e.detail = who;
					e.pids = pids;
					e.n_pids = np;
				}
				ex = say(o, &e);
			}
			if (ex == EXIT_OK &&
			    (w.reserved != prev[i].reserved ||
			     strcmp(w.range, prev[i].range) != 0) &&
			    (!first || w.reserved)) {
				e.event = w.reserved ? "reserved" : "unreserved";
				e.detail = w.reserved ? w.range : prev[i].range;
				e.pids = NULL;
				e.n_pids = 0;
				ex = say(o, &e);
			}
			prev[i] = w;
		}
		pd_report_free(rep);
		pd_snapshot_free(s);
		first = false;
		if (ex != EXIT_OK)
			break;
		if ((o->until_free && n_taken == 0) ||
		    (o->until_taken && n_taken == n_results && n_taken > 0))
			break;
		/* Short sleeps, so a signal on Windows (handled on another
		 * thread) ends the wait soon. */
		{
			uint64_t until = pd_probe_mono_ms() + (uint64_t)(interval * 1000);

			while (!stop_flag && pd_probe_mono_ms() < until) {
				uint64_t left = until - pd_probe_mono_ms();

				pd_probe_sleep_ms(left > 250 ? 250 : (unsigned)left);
			}
		}
	}
	free(prev);
	plan_done(&p);
	return ex;
}
