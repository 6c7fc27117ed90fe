/*
 * Inside WSL: the Windows host seen through interop, joined to this side.
 *
 * Docker Desktop publishes a port typed in a WSL terminal on the Windows
 * host, so there the Windows side decides (excluded ranges, a Windows
 * owner, http.sys, the dynamic range) and this side adds its own.  The
 * Windows side is asked, best first, through portdoctor.exe (its JSON
 * snapshot is read by the ordinary snapshot reader), else through the
 * system's netsh.exe (port ranges only, read by the netsh parser), else a
 * note says what is missing and how to get it.  Every call is bounded in
 * time: interop can hang while Windows is busy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/i18n.h"
#include "core/json_util.h"
#include "core/sanitize.h"
#include "netsh/netsh.h"

#define SNAPSHOT_MAX (64u * 1024u * 1024u)
#define DEFAULT_TIMEOUT_S 20

static unsigned timeout_ms(void)
{
	const char *v = getenv("PORTDOCTOR_INTEROP_TIMEOUT");
	char *end;
	long s = v && *v ? strtol(v, &end, 10) : 0;

	if (!v || !*v || *end || s < 1 || s > 600)
		s = DEFAULT_TIMEOUT_S;
	return (unsigned)s * 1000u;
}

static void note(cli_wsl *c, const char *fmt, const char *arg)
{
	size_t n = strlen(c->note);
	char a[512];

	/* Messages end in their own full stop. */
	snprintf(a, sizeof(a), "%s", arg ? arg : "");
	while (*a && a[strlen(a) - 1] == '.')
		a[strlen(a) - 1] = '\0';
	arg = a;

	if (n + 2 < sizeof(c->note)) {
		if (n)
			c->note[n++] = ' ';
		snprintf(c->note + n, sizeof(c->note) - n, fmt, arg);
	}
}

static bool via_exe(const cli_opts *o, cli_wsl *c, char **targets, size_t n)
{
	const char *override = o->windows_exe ? o->windows_exe :
	                       getenv("PORTDOCTOR_WINDOWS_EXE");
	char **argv = calloc(n + 3, sizeof(*argv)), err[512] = "", *out = NULL;
	size_t len = 0, i;
	int status = 0, r;

	if (!argv)
		return false;
	if (!pd_probe_find_windows_exe(&c->w, override, c->exe, sizeof(c->exe))) {
		if (override && *override)
			note(c, _("portdoctor.exe is not at %s."), override);
		free(argv);
		return false;
	}
	argv[0] = c->exe;
	argv[1] = (char *)"snapshot";
	for (i = 0; i < n; i++)
		argv[i + 2] = targets[i];
	r = pd_probe_run(argv, timeout_ms(), SNAPSHOT_MAX, &out, &len, &status,
	                 err, sizeof(err));
	free(argv);
	if (r == 0 && status == 0) {
		char jerr[256] = "";

		r = pd_snapshot_from_json(out, len, jerr, sizeof(jerr), &c->win);
		if (r == 0 && (!c->win->os || strcmp(c->win->os, "windows") != 0)) {
			pd_snapshot_free(c->win);
			c->win = NULL;
			snprintf(err, sizeof(err), "%s", _("it did not describe a "
			                                   "Windows machine"));
			r = PD_EPARSE;
		} else if (r < 0) {
			snprintf(err, sizeof(err), "%s", jerr);
		}
	} else if (r == 0) {
		r = PD_EIO;
	}
	free(out);
	if (r < 0) {
		note(c, _("portdoctor.exe did not answer: %s."), err);
		return false;
	}
	c->via = "portdoctor.exe";
	return true;
}

static int add_netsh(cli_wsl *c, const char *netsh, const char *fam,
                     const char *what, const char *proto, pd_snapshot *s)
{
	char *argv[] = {(char *)netsh, (char *)"int", (char *)fam, (char *)"show",
	                (char *)what, (char *)proto, NULL};
	char err[512] = "", *out = NULL;
	size_t len = 0;
	int status = 0, r;
	pd_netsh_result res;

	r = pd_probe_run(argv, timeout_ms(), PD_NETSH_MAX_INPUT, &out, &len,
	                 &status, err, sizeof(err));
	if (r == 0 && status != 0)
		r = PD_EIO;
	if (r < 0) {
		free(out);
		note(c, _("netsh.exe did not answer: %s."), err);
		return r;
	}
	memset(&res, 0, sizeof(res));
	r = pd_netsh_parse(out, len, NULL, &res);
	free(out);
	if (r == 0)
		r = pd_netsh_result_to_snapshot(&res, s);
	pd_netsh_result_done(&res);
	if (r < 0)
		note(c, _("netsh.exe printed nothing portdoctor can read (%s)."),
		     pd_strerror(r));
	return r;
}

static bool via_netsh(cli_wsl *c)
{
	char netsh[512];
	pd_snapshot *s;

	if (!pd_probe_windows_tool(&c->w, "netsh.exe", netsh, sizeof(netsh))) {
		note(c, "%s", _("netsh.exe was not found either (no Windows drive "
		                "is mounted here)."));
		return false;
	}
	s = pd_snapshot_new();
	if (!s)
		return false;
	free(s->os);
	s->os = pd__strdup("windows");
	if (!s->os ||
	    add_netsh(c, netsh, "ipv4", "dynamicport", "tcp", s) < 0 ||
	    add_netsh(c, netsh, "ipv4", "excludedportrange", "protocol=tcp", s) < 0 ||
	    /* IPv6's list only adds: what it lacks is a note, not a failure. */
	    (add_netsh(c, netsh, "ipv6", "excludedportrange", "protocol=tcp",
	               s), false) ||
	    pd_snapshot_add_note(s, "from_netsh_wsl",
	        _("the Windows side was read through netsh.exe: its port ranges "
	          "only; no Windows socket was listed and no bind test was made "
	          "there (portdoctor.exe would)")) < 0) {
		pd_snapshot_free(s);
		return false;
	}
	c->win = s;
	c->via = "netsh.exe";
	return true;
}

void cli_wsl_begin(const cli_opts *o, char **targets, size_t n, cli_wsl *c)
{
	memset(c, 0, sizeof(*c));
	if (o->snapshot_path || o->n_netsh_paths)
		return;
	pd_probe_wsl(&c->w);
	if (!c->w.version)
		return;
	c->active = true;
	if (!c->w.interop) {
		note(c, "%s", c->w.interop_conf_off ?
		     _("WSL interop is switched off ([interop] enabled=false in "
		       "/etc/wsl.conf), so the Windows host cannot be asked from "
		       "here: run `portdoctor.exe check PORT` in a Windows terminal, "
		       "or enable interop and restart WSL (`wsl --shutdown`).") :
		     _("WSL interop is not available (no enabled WSLInterop in "
		       "/proc/sys/fs/binfmt_misc), so the Windows host cannot be "
		       "asked from here: run `portdoctor.exe check PORT` in a "
		       "Windows terminal."));
		return;
	}
	if (via_exe(o, c, targets, n))
		return;
	if (!*c->exe && !c->w.append_path)
		note(c, "%s", _("portdoctor.exe is not on PATH "
		                "(appendWindowsPath=false in /etc/wsl.conf)."));
	if (via_netsh(c)) {
		if (!*c->exe)
			note(c, "%s", _("For the Windows sockets, owners and bind "
			                "tests put portdoctor.exe beside this program or "
			                "on the Windows PATH (the zip of the release, or "
			                "`winget install portdoctor`), or name it with "
			                "--windows-exe."));
		return;
	}
	note(c, "%s", _("The Windows side was not checked: get portdoctor.exe "
	                "(the zip of the release, or `winget install portdoctor`) "
	                "and put it on the Windows PATH, or name it with "
	                "--windows-exe."));
}

void cli_wsl_done(cli_wsl *c)
{
	pd_snapshot_free(c->win);
	c->win = NULL;
}

static const char *mode_text(const pd_wsl *w)
{
	switch (w->netmode) {
	case PD_WSL_NET_NAT:
		return _("NAT networking");
	case PD_WSL_NET_MIRRORED:
		return _("mirrored networking");
	case PD_WSL_NET_OTHER:
		return w->netmode_name;
	default:
		return _("networking mode unknown");
	}
}

/* The ports a process inside WSL holds, with mirrored networking. */
static void put_held(const cli_wsl *c, pd_buf *b)
{
	size_t i;

	for (i = 0; i < c->n_held; i++) {
		pd_buf name;

		pd_buf_init(&name, 0);
		pd__term_escape(&name, c->held[i].name, strlen(c->held[i].name),
		                64);
		pd_buf_printf(b, _("  Port %u/%s is held inside WSL by %s (PID %d): "
		                   "mirrored networking keeps it from the Windows "
		                   "host too. Free it inside WSL first: `portdoctor "
		                   "kill %u`.\n"), c->held[i].port,
		              pd_proto_name(c->held[i].proto),
		              name.data ? name.data : "?", c->held[i].pid,
		              c->held[i].port);
		pd_buf_done(&name);
	}
}

void cli_wsl_heading(const cli_wsl *c, bool windows, pd_buf *b)
{
	if (!windows) {
		pd_buf_printf(b, _("Inside WSL %d (%s, %s"), c->w.version,
		              *c->w.distro ? c->w.distro : "?", mode_text(&c->w));
		if (*c->w.netmode_source)
			pd_buf_printf(b, _(", from %s"), c->w.netmode_source);
		pd_buf_puts(b, "):\n");
		return;
	}
	pd_buf_puts(b, "\n");
	if (c->via)
		pd_buf_printf(b, _("On the Windows host (through %s):\n"), c->via);
	else
		pd_buf_puts(b, _("On the Windows host: not checked\n"));
	if (c->w.docker_desktop)
		pd_buf_printf(b, _("  Docker Desktop's engine is in use (%s): it "
		                   "publishes ports on the Windows host, so the "
		                   "Windows side decides for `docker run -p`.\n"),
		              c->w.docker_desktop_why);
	if (c->w.netmode == PD_WSL_NET_MIRRORED)
		pd_buf_puts(b, _("  Mirrored networking: WSL and Windows share "
		                 "their ports, so a port held on either side is "
		                 "taken on both.\n"));
	put_held(c, b);
	if (*c->note)
		pd_buf_printf(b, "  %s\n", c->note);
}

static json_t *held_json(const cli_wsl *c, int *err)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < c->n_held; i++) {
		json_t *o = json_object();

		if (!o || json_array_append_new(a, o) < 0) {
			*err = PD_ENOMEM;
			break;
		}
		pd__jset(o, "port", json_integer(c->held[i].port), err);
		pd__jset(o, "proto", pd__jstr(pd_proto_name(c->held[i].proto)), err);
		pd__jset(o, "pid", json_integer(c->held[i].pid), err);
		pd__jset(o, "name", pd__jstr(c->held[i].name), err);
	}
	return a;
}

json_t *cli_wsl_json(const cli_wsl *c, int *err)
{
	static const char *const modes[] = {NULL, "nat", "mirrored", NULL};
	const char *mode = c->w.netmode == PD_WSL_NET_OTHER ? c->w.netmode_name :
	                   modes[c->w.netmode];
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "version", json_integer(c->w.version), err);
	pd__jset(o, "distro", pd__jstr(*c->w.distro ? c->w.distro : NULL), err);
	pd__jset(o, "networking_mode", pd__jstr(mode), err);
	pd__jset(o, "networking_mode_source",
	         pd__jstr(*c->w.netmode_source ? c->w.netmode_source : NULL), err);
	pd__jset(o, "interop", json_boolean(c->w.interop), err);
	pd__jset(o, "docker_desktop", json_boolean(c->w.docker_desktop), err);
	pd__jset(o, "windows_side", pd__jstr(c->via), err);
	pd__jset(o, "note", pd__jstr(*c->note ? c->note : NULL), err);
	pd__jset(o, "held_inside_wsl", held_json(c, err), err);
	return o;
}

/* Notes that p holds port/proto inside WSL, once, while there is room. */
static void add_held(cli_wsl *c, uint16_t port, pd_proto proto,
                     const pd_process *p)
{
	size_t h;

	for (h = 0; h < c->n_held; h++)
		if (c->held[h].port == port && c->held[h].proto == proto &&
		    c->held[h].pid == p->pid)
			return;
	if (c->n_held == sizeof(c->held) / sizeof(c->held[0]))
		return;
	c->held[h].port = port;
	c->held[h].proto = proto;
	c->held[h].pid = p->pid;
	snprintf(c->held[h].name, sizeof(c->held[h].name), "%s",
	         p->name ? p->name : "?");
	c->n_held++;
}

bool cli_wsl_held_inside(cli_wsl *c, const pd_report *rep)
{
	const pd_snapshot *s = rep->snap;
	size_t i, k, j;

	if (!c->active || c->w.netmode != PD_WSL_NET_MIRRORED)
		return false;
	for (i = 0; i < rep->n_results; i++) {
		const pd_result *res = &rep->results[i];

		for (k = 0; !res->available && k < res->n_findings; k++) {
			const pd_finding *f = &res->findings[k];

			for (j = 0; f->code == PD_F_IN_USE && j < f->n_sockets; j++) {
				const pd_socket *sk = &s->sockets[f->sockets[j]];
				const pd_process *p = sk->n_pids ?
				    pd_snapshot_find_process(s, sk->pids[0]) : NULL;

				if (p)
					add_held(c, res->port, sk->proto, p);
			}
		}
	}
	return c->n_held > 0;
}

/* Adds the machine's document (JSON text) under key: null when there is
 * none, or when what the Windows side printed is not JSON. */
static void put_doc(json_t *machines, const char *key, const char *text,
                    int *err)
{
	json_t *d = text ? json_loads(text, 0, NULL) : NULL;

	pd__jset(machines, key, d ? d : json_null(), err);
}

/* {"wsl": {what WSL is, how Windows was reached[, how applying it
 * ended]}, "machines": {"wsl": HERE, "windows_host": WIN}}: the one shape
 * of every --json document inside WSL.  win_status < 0: nothing was
 * applied on Windows. */
static int joined_json(const cli_wsl *c, const char *here, const char *win,
                       int win_status, bool available_after, char **ret)
{
	json_t *root = json_object(), *m = json_object(), *wj;
	int err = root && m ? 0 : PD_ENOMEM;

	if (err) {
		json_decref(root);
		json_decref(m);
		return err;
	}
	wj = cli_wsl_json(c, &err);
	if (wj && win_status >= 0) {
		pd__jset(wj, "windows_exit_status", json_integer(win_status), &err);
		pd__jset(wj, "available_after", json_boolean(available_after),
		         &err);
	}
	pd__jset(root, "wsl", wj, &err);
	put_doc(m, "wsl", here, &err);
	put_doc(m, "windows_host", win, &err);
	pd__jset(root, "machines", m, &err);
	err = err ? err : pd__jdump(root, true, ret);
	json_decref(root);
	return err;
}

int cli_wsl_emit(const cli_opts *o, const cli_wsl *c, int r_here,
                 char *here, int r_win, char *win)
{
	char *text = NULL;
	int r = r_here < 0 ? r_here : r_win < 0 ? r_win : 0;

	if (r == 0 && o->json) {
		r = joined_json(c, here, win, -1, false, &text);
	} else if (r == 0) {
		pd_buf b;

		pd_buf_init(&b, 0);
		cli_wsl_heading(c, false, &b);
		pd_buf_puts(&b, here);
		cli_wsl_heading(c, true, &b);
		if (win)
			pd_buf_puts(&b, win);
		r = pd__buf_finish(&b, &text);
	}
	free(here);
	free(win);
	return emit(r, text);
}

/* ------------------------------------------------------------------ fix */

bool cli_wsl_fix_side(const cli_opts *o, const plan *p, cli_wsl *w,
                      pd_snapshot **s, pd_report **rep)
{
	pd_report *wrep = NULL;
	size_t i;
	bool bad = false;

	cli_wsl_begin(o, o->args, o->n_args, w);
	if (!w->active)
		return false;
	(*s)->machine = "wsl";
	/* Mirrored networking, and a process inside WSL holds the port: the
	 * cause is here, and freeing it here frees the Windows host too. */
	if (cli_wsl_held_inside(w, *rep))
		return false;
	if (!w->win ||
	    pd_diagnose(w->win, p->targets, p->n_targets, &wrep) < 0)
		return false;
	for (i = 0; i < wrep->n_results; i++)
		bad = bad || !wrep->results[i].available;
	if (!bad) {
		pd_report_free(wrep);
		return false;
	}
	/* The cause lives on Windows: the plan is the Windows host's, and
	 * nothing of WSL's own is changed for it. */
	w->win->machine = "windows_host";
	pd_report_free(*rep);
	pd_snapshot_free(*s);
	*s = w->win;
	*rep = wrep;
	w->win = NULL;
	return true;
}

void cli_wsl_fix_heading(const cli_wsl *w)
{
	char *text = NULL;
	pd_buf b;

	pd_buf_init(&b, 0);
	cli_wsl_heading(w, false, &b);
	if (w->n_held) {
		put_held(w, &b);
		pd_buf_puts(&b, _("  The cause is inside WSL: the plan below frees "
		                  "the port here, which frees it on the Windows "
		                  "host too.\n\n"));
	} else {
		pd_buf_puts(&b, _("  The cause is on the Windows host: the plan "
		                  "below runs there, and nothing inside WSL is "
		                  "changed for it.\n"));
		cli_wsl_heading(w, true, &b);
	}
	if (pd__buf_finish(&b, &text) == 0)
		cli_write_stdout(text);
	free(text);
}

int cli_wsl_apply(const cli_opts *o, cli_wsl *w, const plan *p)
{
	char **argv, err[512] = "", *out = NULL;
	size_t len = 0, i, k = 0;
	int status = 0, r;
	cli_wsl after;
	pd_report *rep = NULL;
	bool all = true;

	if (!*w->exe || strcmp(w->via ? w->via : "", "netsh.exe") == 0) {
		cli_error(_("applying on the Windows host needs portdoctor.exe "
		            "(the zip of the release, or `winget install portdoctor`); "
		            "or run the commands above in a Windows terminal opened "
		            "with \"Run as administrator\""));
		return EXIT_USAGE;
	}
	argv = calloc(o->n_args + 7, sizeof(*argv));
	if (!argv) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	argv[k++] = w->exe;
	argv[k++] = (char *)"fix";
	for (i = 0; i < o->n_args; i++)
		argv[k++] = o->args[i];
	argv[k++] = (char *)"--apply";
	argv[k++] = (char *)"--yes";
	if (o->json)
		argv[k++] = (char *)"--json";
	else
		cli_printf(_("Running portdoctor.exe fix --apply on the Windows "
		             "host; approve the administrator (UAC) prompt on the "
		             "Windows desktop.\n"));
	fflush(stdout);
	/* The person may take a while to answer the UAC prompt. */
	r = pd_probe_run(argv, 600000, 4u * 1024u * 1024u, &out, &len, &status,
	                 err, sizeof(err));
	free(argv);
	if (r < 0) {
		cli_error(_("portdoctor.exe could not apply the fix: %s"), err);
		free(out);
		return EXIT_PROBE;
	}
	if (!o->json) {
		cli_write_stdout(out);
		free(out);
		out = NULL;
	}
	/* Look again at both sides. */
	cli_wsl_begin(o, o->args, o->n_args, &after);
	if (after.win &&
	    pd_diagnose(after.win, p->targets, p->n_targets, &rep) == 0) {
		for (i = 0; i < rep->n_results; i++)
			all = all && rep->results[i].available;
	} else {
		all = false;
	}
	if (!o->json) {
		cli_printf(all ? _("After: available on the Windows host.\n") :
		           _("After: still NOT AVAILABLE on the Windows host (or it "
		             "could not be asked); `portdoctor check` shows why.\n"));
	} else {
		/* The Windows side's own --json outcome, under its machine. */
		char *text = NULL;

		r = joined_json(&after, NULL, out, status, all, &text);
		if (emit(r, text) != EXIT_OK)
			status = 3;
	}
	free(out);
	pd_report_free(rep);
	cli_wsl_done(&after);
	return all && status == 0 ? EXIT_OK : status == 3 ? EXIT_PROBE :
	       EXIT_UNAVAILABLE;
}
