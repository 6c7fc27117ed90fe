/*
 * fix and kill: plan, show, and with --apply (kill: always) carry out a
 * remedy, then look again.  reserve.c shares the acting half (confirm,
 * elevation, applying steps) declared in cli_fix.h.
 *
 * Nothing changes without --apply (kill is itself the request).  Before
 * acting: a remedy portdoctor refuses is refused (exit 2), one that needs
 * root/administrator is refused without it (exit 2, saying how to rerun;
 * on Windows portdoctor first offers to run itself again elevated),
 * and unless --yes a person confirms on a terminal; without a terminal and
 * without --yes it refuses (exit 2).  A failed step stops the rest but
 * the steps that put back what the remedy changed ("always": net start
 * winnat), and the report names it (exit 3).  Afterwards the target is
 * probed again and before/after shown: exit 0 when it is available, 1
 * when not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <io.h>
#define isatty _isatty
#else
#include <unistd.h>
#endif

#include "cli_fix.h"
#include "core/i18n.h"
#include "core/sanitize.h"

#define RECHECK_TRIES 15
#define RECHECK_MS 200

const char *cli_root_dir(const cli_opts *o)
{
	const char *r = o->root_dir ? o->root_dir : getenv("PORTDOCTOR_ROOT");

	return r && *r ? r : "/";
}

bool cli_is_windows(const pd_snapshot *s)
{
	return s->os && strcmp(s->os, "windows") == 0;
}

/* Asks on the terminal; false when declined or there is no terminal. */
bool cli_confirm(const cli_opts *o, const char *question, int *ret_exit)
{
	char line[64];

	*ret_exit = EXIT_OK;
	if (o->yes)
		return true;
	if (!isatty(0)) {
		cli_error(_("no terminal to confirm on: nothing was changed; add "
		            "--yes to apply without asking"));
		*ret_exit = EXIT_USAGE;
		return false;
	}
	fflush(stdout);
	cli_fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin) ||
	    (line[0] != 'y' && line[0] != 'Y')) {
		cli_error(_("declined: nothing was changed"));
		*ret_exit = EXIT_USAGE;
		return false;
	}
	return true;
}

/*
 * A remedy needs an administrator and this run is not elevated.  On a live
 * Windows machine, portdoctor offers to run again elevated (the UAC
 * prompt) with the very same arguments, asking first unless --yes; the
 * elevated run shows its plan and result in a window of its own, which
 * waits for a key (main.c), and its exit status becomes this run's.
 * JSON output would land in that other window, so --json only refuses.
 */
int cli_refuse_unprivileged(const cli_opts *o, const pd_snapshot *s,
                            const pd_remedy *r, const char *command,
                            bool *ret_relaunched)
{
	char q[256];
	int ex, code = 0;

	if (!cli_is_windows(s)) {
		cli_error(_("%s needs root: nothing was changed; run `sudo "
		            "portdoctor %s`"), pd_remedy_name(r->id), command);
		return EXIT_USAGE;
	}
	if (!o->snapshot_path && !o->json && !cli_relaunched() &&
	    (o->yes || isatty(0))) {
		snprintf(q, sizeof(q), _("%s needs administrator rights. Run "
		                         "portdoctor again as administrator "
		                         "(Windows asks you to allow it)?"),
		         pd_remedy_name(r->id));
		if (!cli_confirm(o, q, &ex))
			return ex;
		switch (cli_run_elevated(NULL, &code)) {
		case 0:
			*ret_relaunched = true;
			cli_printf(_("the run as administrator (in its own window) "
			             "ended with status %d\n"), code);
			return code;
		case 1:
			cli_error(_("administrator rights were not given: nothing was "
			            "changed"));
			return EXIT_USAGE;
		default:
			break;
		}
	}
	cli_error(_("%s needs an elevated administrator: nothing was changed; "
	            "run `portdoctor %s` from a terminal opened with \"Run as "
	            "administrator\", or on a terminal let portdoctor ask to run "
	            "itself elevated"), pd_remedy_name(r->id), command);
	return EXIT_USAGE;
}

/* Prints what a step printed, line by line, escaped for the terminal. */
static void put_log(const char *s, size_t len)
{
	pd_buf safe;
	size_t i = 0;

	pd_buf_init(&safe, 0);
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (s + i)) : len - i;

		pd_buf_puts(&safe, "  ");
		pd__term_escape(&safe, s + i, n, 0);
		pd_buf_putc(&safe, '\n');
		i += n + 1;
	}
	if (safe.data)
		cli_write_stdout(safe.data);
	pd_buf_done(&safe);
}

/* kill: what will be ended, with its command line and container. */
static void put_victims(const pd_snapshot *s, const pd_plan *pl)
{
	pd_buf b;
	size_t i, k;

	pd_buf_init(&b, 0);
	pd_buf_puts(&b, "");
	for (i = 0; i < pl->n_remedies; i++) {
		const pd_remedy *r = &pl->remedies[i];

		for (k = 0; k < r->n_steps; k++) {
			const pd_step *st = &r->steps[k];
			const pd_process *p;

			/* The container or pod is the last word of the command
			 * (docker [-H E] stop NAME, podman [--url E] pod stop POD). */
			if (st->kind == PD_STEP_RUN && r->id == PD_R_STOP_CONTAINER &&
			    st->argc >= 3) {
				const char *who = st->argv[st->argc - 1];

				pd_buf_puts(&b, _("will stop container "));
				pd__term_escape(&b, who, strlen(who), 200);
				pd_buf_printf(&b, _(" through %s\n"), st->argv[0]);
			}
			if (st->kind != PD_STEP_KILL)
				continue;
			p = pd_snapshot_find_process(s, st->pid);
			pd_buf_printf(&b, _("will end pid %d "), st->pid);
			if (p && p->name)
				pd__term_escape(&b, p->name, strlen(p->name), 64);
			if (p && p->user) {
				pd_buf_puts(&b, _(" (user "));
				pd__term_escape(&b, p->user, strlen(p->user), 64);
				pd_buf_putc(&b, ')');
			}
			pd_buf_putc(&b, '\n');
			if (p && p->cmdline) {
				pd_buf_puts(&b, _("  command: "));
				pd__term_escape(&b, p->cmdline, strlen(p->cmdline), 400);
				pd_buf_putc(&b, '\n');
			}
			if (p && p->service) {
				pd_buf_puts(&b, _("  service: "));
				pd__term_escape(&b, p->service, strlen(p->service), 200);
				pd_buf_putc(&b, '\n');
			}
		}
	}
	if (b.data)
		cli_write_stdout(b.data);
	pd_buf_done(&b);
}

/* Records the first failed step in the outcome and says which it was. */
static void note_failure(const pd_remedy *r, size_t i, const char *err,
                         pd_outcome *oc)
{
	char *cmd = NULL;

	if (pd_step_command(&r->steps[i], &cmd) < 0)
		cmd = NULL;
	oc->failed_remedy = pd_remedy_name(r->id);
	oc->failed_step = i + 1;
	snprintf(oc->failed_command, sizeof(oc->failed_command), "%s",
	         cmd ? cmd : "");
	snprintf(oc->failed_error, sizeof(oc->failed_error), "%s", err);
	cli_error(_("%s failed at step %zu of %zu: %s"), pd_remedy_name(r->id),
	          i + 1, r->n_steps, err);
	/* The step that puts things back failed itself: what was changed
	 * (WinNAT stopped) stays so until a person runs it. */
	if (r->steps[i].always) {
		snprintf(oc->run_now, sizeof(oc->run_now), "%s", cmd ? cmd : "");
		cli_error(_("run this now, as an administrator: %s"),
		          cmd ? cmd : "?");
	}
	free(cmd);
}

/* A restore step ran after the failure: say whether it put things back;
 * when it failed too, the exact command a person must run now. */
static void note_restore(const cli_opts *o, const pd_step *st, int rc,
                         const char *err, pd_outcome *oc)
{
	char *cmd = NULL;

	if (rc >= 0) {
		oc->n_restored++;
		if (!o->json)
			cli_printf(_("restored: %s: done\n"), st->text);
		return;
	}
	if (pd_step_command(st, &cmd) < 0)
		cmd = NULL;
	if (!oc->run_now[0])
		snprintf(oc->run_now, sizeof(oc->run_now), "%s", cmd ? cmd : "");
	cli_error(_("could not restore (%s): %s; run this now, as an "
	            "administrator: %s"), st->text, err, cmd ? cmd : "?");
	free(cmd);
}

/* Runs the steps of one remedy; prints (text mode) or logs them.  After a
 * failure only the "always" steps still run, each only when the step it
 * undoes changed something (pd_apply_step returned 0, not 1 for "nothing
 * to do"). */
int cli_apply_remedy(const cli_opts *o, const pd_remedy *r, pd_buf *log,
                     pd_outcome *oc)
{
	bool changed[64] = {false};
	pd_apply_opts ao;
	size_t i;
	int failed = 0;

	memset(&ao, 0, sizeof(ao));
	for (i = 0; i < r->n_steps; i++) {
		const pd_step *st = &r->steps[i];
		char err[512] = "", *cmd = NULL;
		size_t mark;
		int rc;

		if (failed && !st->always)
			continue;
		if (st->kind == PD_STEP_MANUAL) {
			pd_buf_printf(log, "# %s\n", st->text);
			continue;
		}
		if (st->always && st->undoes > 0 && st->undoes <= 64 &&
		    !changed[st->undoes - 1]) {
			pd_buf_printf(log, "# not needed: %s\n", st->text);
			continue;
		}
		mark = log->len;
		if (pd_step_command(st, &cmd) == 0) {
			pd_buf_printf(log, "$ %s\n", cmd);
			free(cmd);
		}
		rc = pd_apply_step(st, &ao, log, err, sizeof(err));
		if (rc > 0)
			pd_buf_printf(log, "# %s\n", err[0] ? err : "nothing to do");
		if (!o->json && log->data)
			put_log(log->data + mark, log->len - mark);
		if (rc == 0 && i < 64)
			changed[i] = true;
		if (failed) {
			note_restore(o, st, rc, err, oc);
		} else if (rc < 0) {
			pd_buf_printf(log, "failed: %s\n", err);
			note_failure(r, i, err, oc);
			failed = rc;
		}
	}
	return failed;
}

/* Probes the plan's targets again (retrying briefly while a port is still
 * being released). */
static int recheck(const cli_opts *o, const pd_probe_opts *po, const plan *p,
                   int tries, pd_snapshot **ret_s, pd_report **ret_rep)
{
	int t, ex = EXIT_OK;
	size_t i;

	for (t = 0; t < tries; t++) {
		bool all = true;

		pd_report_free(*ret_rep);
		pd_snapshot_free(*ret_s);
		*ret_rep = NULL;
		*ret_s = NULL;
		ex = acquire(o, po, ret_s);
		if (ex)
			return ex;
		if (pd_diagnose(*ret_s, p->targets, p->n_targets, ret_rep) < 0) {
			cli_error(_("out of memory"));
			return EXIT_PROBE;
		}
		for (i = 0; i < (*ret_rep)->n_results; i++)
			all = all && (*ret_rep)->results[i].available;
		if (all || t + 1 == tries)
			break;
		pd_probe_sleep_ms(RECHECK_MS);
	}
	return EXIT_OK;
}

static void put_before_after(const pd_result *before, const pd_result *after)
{
	char t[160];
	size_t i;

	pd_target_format(&before->target, before->port, t, sizeof(t));
	cli_printf(_("%s: before: %s"), t, before->available ? _("available") :
	           _("NOT AVAILABLE"));
	for (i = 0; i < before->n_findings; i++)
		if (before->findings[i].severity == PD_SEV_ERROR)
			cli_printf(" %s", pd_finding_name(before->findings[i].code));
	cli_printf(_("; after: %s"), !after ? _("unknown") : after->available ?
	           _("available") : _("NOT AVAILABLE"));
	for (i = 0; after && i < after->n_findings; i++)
		if (after->findings[i].severity == PD_SEV_ERROR)
			cli_printf(" %s", pd_finding_name(after->findings[i].code));
	cli_printf("\n");
}

typedef struct fixrun {
	plan p;
	pd_probe_opts po;
	pd_snapshot *s;
	pd_report *rep;
	pd_plan **plans;
	size_t n_plans;
	int *chosen; /* per plan: first remedy to apply, -1 none */
	pd_outcome *out;
	pd_buf *logs;
	bool relaunched; /* ran again elevated: its status is the answer */
} fixrun;

static void fixrun_done(fixrun *f)
{
	size_t i;

	for (i = 0; i < f->n_plans; i++)
		pd_plan_free(f->plans[i]);
	for (i = 0; f->logs && i < f->n_plans; i++)
		pd_buf_done(&f->logs[i]);
	free(f->plans);
	free(f->chosen);
	free(f->out);
	free(f->logs);
	pd_report_free(f->rep);
	pd_snapshot_free(f->s);
	plan_done(&f->p);
}

/* A free port near each unavailable one, for use_other_port.  On
 * Windows never one from 49152 up: that is the default dynamic range, the
 * one a reset_dynamic_range plan sets. */
static uint16_t other_port(const cli_opts *o, const pd_snapshot *s,
                           const pd_result *res)
{
	uint16_t port = 0, hi = cli_is_windows(s) ? 49151 : 65535;
	size_t n = 0, ns = 0;
	char err[256];

	if (o->snapshot_path)
		return 0;
	if (cli_free_ports(res->target.proto, res->port, 1024, hi, 1, &port,
	                   &n, NULL, 0, &ns, err, sizeof(err)) < 0 || n == 0)
		return 0;
	return port;
}

static int build_plans(const cli_opts *o, fixrun *f, bool kill)
{
	pd_plan_opts popts;
	size_t i;
	int sig = 0;

	memset(&popts, 0, sizeof(popts));
	popts.root = cli_root_dir(o);
	popts.binary = o->binary;
	popts.no_reserve = o->no_reserve;
	if (o->signal_name && pd_signal_parse(o->signal_name, &sig) < 0) {
		cli_error(_("unknown signal '%s' (TERM, INT, HUP, KILL, or a "
		            "number)"), o->signal_name);
		return EXIT_USAGE;
	}
	popts.signal = sig;
	pd_probe_self(&popts.self_pid, &popts.parent_pid);
	f->n_plans = f->rep->n_results;
	f->plans = calloc(f->n_plans + 1, sizeof(*f->plans));
	f->chosen = calloc(f->n_plans + 1, sizeof(*f->chosen));
	f->out = calloc(f->n_plans + 1, sizeof(*f->out));
	f->logs = calloc(f->n_plans + 1, sizeof(*f->logs));
	if (!f->plans || !f->chosen || !f->out || !f->logs) {
		f->n_plans = 0;
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	for (i = 0; i < f->n_plans; i++) {
		const pd_result *res = &f->rep->results[i];
		int r;

		pd_buf_init(&f->logs[i], 0);
		popts.other_port = !kill && !res->available ?
		                   other_port(o, f->s, res) : 0;
		r = kill ? pd_plan_kill(f->s, res, &popts, &f->plans[i]) :
		    pd_plan_build(f->s, res, &popts, &f->plans[i]);
		if (r < 0) {
			cli_error(_("cannot plan: %s"), pd_strerror(r));
			return EXIT_PROBE;
		}
		f->chosen[i] = -1;
		f->out[i].before_available = res->available;
	}
	return EXIT_OK;
}

/* Picks the remedy of each plan and checks refusals and rights. */
static int choose(const cli_opts *o, fixrun *f, const char *command,
                  bool *ret_any)
{
	pd_remedy_id want = PD_R_STOP_PROCESS;
	size_t i, k;

	*ret_any = false;
	if (o->remedy_id && pd_remedy_parse(o->remedy_id, &want) < 0) {
		cli_error(_("unknown remedy '%s'"), o->remedy_id);
		return EXIT_USAGE;
	}
	for (i = 0; i < f->n_plans; i++) {
		const pd_plan *pl = f->plans[i];
		int c;

		if (!pl->n_remedies)
			continue;
		/* The first remedy, unless --remedy names another. */
		c = o->remedy_id ? pd_plan_find(pl, want) : 0;
		if (o->remedy_id && c < 0) {
			char t[160];

			pd_target_format(&pl->target, pl->port, t, sizeof(t));
			cli_error(_("remedy %s is not one of those for %s"), o->remedy_id,
			          t);
			return EXIT_USAGE;
		}
		if (!o->remedy_id && !pl->remedies[0].changes_system &&
		    !pl->remedies[0].refusal)
			continue; /* advice only: nothing to apply */
		for (k = (size_t)c; k < pl->n_remedies; k++) {
			const pd_remedy *r = &pl->remedies[k];

			if (r->refusal) {
				cli_error(_("refused: %s"), r->refusal);
				return EXIT_USAGE;
			}
			if (!r->changes_system) {
				cli_error(_("%s is advice: there is nothing to apply"),
				          pd_remedy_name(r->id));
				return EXIT_USAGE;
			}
			if (r->needs_root && !f->s->privileged)
				return cli_refuse_unprivileged(o, f->s, r, command,
				                           &f->relaunched);
			if (!r->with_next)
				break;
		}
		f->chosen[i] = c;
		*ret_any = true;
	}
	return EXIT_OK;
}

/* Applies the chosen remedies, re-checks, reports.  Returns the exit
 * status. */
static int apply_all(const cli_opts *o, fixrun *f, const char *kind)
{
	const pd_plan **cp = (const pd_plan **)f->plans;
	pd_snapshot *s2 = NULL;
	pd_report *rep2 = NULL;
	size_t i, k;
	int ex = EXIT_OK, r, tries = 1;
	char *text = NULL;

	for (i = 0; i < f->n_plans && ex == EXIT_OK; i++) {
		const pd_plan *pl = f->plans[i];

		if (f->chosen[i] < 0)
			continue;
		f->out[i].attempted = true;
		for (k = (size_t)f->chosen[i]; k < pl->n_remedies; k++) {
			const pd_remedy *rm = &pl->remedies[k];

			f->out[i].remedy = pd_remedy_name(pl->remedies[f->chosen[i]].id);
			if (!o->json) {
				char tb[PD_SHOWN_SIZE];

				cli_printf(_("applying %s: %s\n"), pd_remedy_name(rm->id),
				           pd__shown(rm->title, 400, tb, sizeof(tb)));
			}
			/* A holder that was ended may take a moment to let go. */
			if (rm->id == PD_R_STOP_PROCESS || rm->id == PD_R_STOP_UNIT ||
			    rm->id == PD_R_STOP_CONTAINER ||
			    rm->id == PD_R_RESOLVED_STUB_OFF)
				tries = RECHECK_TRIES;
			r = cli_apply_remedy(o, rm, &f->logs[i], &f->out[i]);
			if (r < 0) {
				f->out[i].err = r;
				ex = EXIT_APPLY;
				break;
			}
			if (rm->needs_reboot && !o->json)
				cli_printf(_("a reboot is needed for %s to take full effect\n"),
				           pd_remedy_name(rm->id));
			if (!rm->with_next)
				break;
		}
		f->out[i].log = f->logs[i].data;
	}
	r = recheck(o, &f->po, &f->p, tries, &s2, &rep2);
	if (r != EXIT_OK && ex == EXIT_OK)
		ex = r;
	for (i = 0; i < f->n_plans; i++) {
		const pd_result *after = rep2 && i < rep2->n_results ?
		                         &rep2->results[i] : NULL;

		f->out[i].after_known = after != NULL;
		f->out[i].after_available = after && after->available;
		f->out[i].after = after;
		if (!o->json)
			put_before_after(&f->rep->results[i], after);
		if (ex == EXIT_OK && after && !after->available)
			ex = EXIT_UNAVAILABLE;
	}
	if (o->json) {
		r = pd_render_plans_json(kind, cp, f->n_plans, f->out, &text);
		r = emit(r, text);
		if (ex == EXIT_OK)
			ex = r;
	}
	pd_report_free(rep2);
	pd_snapshot_free(s2);
	return ex;
}

/* kill: a port held by something that cannot be named is said so, with
 * why (the find_owner remedy's text); true when one was. */
static bool say_unnamed(const fixrun *f)
{
	bool any = false;
	size_t i;

	for (i = 0; i < f->n_plans; i++) {
		const pd_plan *pl = f->plans[i];
		char t[160];

		if (!pl->n_remedies || pl->remedies[0].id != PD_R_FIND_OWNER)
			continue;
		pd_target_format(&pl->target, pl->port, t, sizeof(t));
		cli_error(_("%s: nothing was ended: %s"), t, pl->remedies[0].what);
		any = true;
	}
	return any;
}

/* fix and kill share everything but the planner. */
static int run_fix(const cli_opts *o, bool kill)
{
	pd_render_opts ro = {cli_color(o), o->verbose, false, false};
	const char *kind = kill ? "kill" : "fix";
	fixrun f;
	char *text = NULL;
	size_t i;
	int ex, r;
	bool any_unavailable = false, any = false, on_windows = false;
	cli_wsl w;

	memset(&f, 0, sizeof(f));
	memset(&w, 0, sizeof(w));
	if (kill && o->n_args != 1) {
		cli_error(_("kill takes one TARGET"));
		return EXIT_USAGE;
	}
	if ((o->apply || kill) && o->snapshot_path) {
		cli_error(_("--snapshot is a recorded machine: nothing can be "
		            "changed on it (drop --apply)"));
		return EXIT_USAGE;
	}
	ex = cli_targets(o, &f.p);
	if (ex)
		return ex;
	if (!o->n_args) {
		size_t k;

		for (k = 0; k < pd_n_common_ports; k++) {
			pd_target t;

			memset(&t, 0, sizeof(t));
			t.proto = PD_PROTO_TCP;
			t.port_lo = t.port_hi = pd_common_ports[k];
			if (plan_add(&f.p, &t) < 0) {
				ex = EXIT_PROBE;
				goto out;
			}
		}
	}
	/* A proxy-held port is freed through its container's engine. */
	plan_probe_opts(&f.p, o, &f.po);
	ex = acquire(o, &f.po, &f.s);
	if (ex)
		goto out;
	if (pd_diagnose(f.s, f.p.targets, f.p.n_targets, &f.rep) < 0) {
		cli_error(_("out of memory"));
		ex = EXIT_PROBE;
		goto out;
	}
	/* Inside WSL a cause on the Windows host is fixed there (wsl.c). */
	if (!kill && !o->snapshot_path)
		on_windows = cli_wsl_fix_side(o, &f.p, &w, &f.s, &f.rep);
	if ((on_windows || w.n_held) && !o->json)
		cli_wsl_fix_heading(&w);
	ex = build_plans(o, &f, kill);
	if (ex)
		goto out;
	for (i = 0; i < f.n_plans; i++)
		any_unavailable = any_unavailable || !f.plans[i]->available;
	if (!o->apply && !kill) {
		r = o->json ? pd_render_plans_json(kind, (const pd_plan **)f.plans,
		                                   f.n_plans, NULL, &text) :
		    pd_render_plans_text((const pd_plan **)f.plans, f.n_plans, f.s,
		                         &ro, &text);
		/* Inside WSL the plan is filed under the machine it is for. */
		if (o->json && w.active)
			ex = on_windows ? cli_wsl_emit(o, &w, r, NULL, r, text) :
			     cli_wsl_emit(o, &w, r, text, r, NULL);
		else
			ex = emit(r, text);
		if (ex == EXIT_OK && any_unavailable)
			ex = EXIT_UNAVAILABLE;
		goto out;
	}
	if (!o->json) {
		r = pd_render_plans_text((const pd_plan **)f.plans, f.n_plans, f.s,
		                         &ro, &text);
		ex = emit(r, text);
		if (ex)
			goto out;
		for (i = 0; kill && i < f.n_plans; i++)
			put_victims(f.s, f.plans[i]);
	}
	if (on_windows) {
		ex = cli_confirm(o, _("Run the Windows commands above on the Windows "
		                      "host, as administrator?"), &ex) ?
		     cli_wsl_apply(o, &w, &f.p) : ex;
		goto out;
	}
	ex = choose(o, &f, kill ? "kill" : "fix", &any);
	if (ex || f.relaunched)
		goto out;
	if (!any) {
		bool unnamed = kill && say_unnamed(&f);

		if (!o->json && !unnamed)
			cli_printf(kill ? _("nothing to end\n") :
			           _("nothing portdoctor can apply\n"));
		ex = any_unavailable ? EXIT_UNAVAILABLE : EXIT_OK;
		if (o->json) {
			r = pd_render_plans_json(kind, (const pd_plan **)f.plans,
			                         f.n_plans, f.out, &text);
			emit(r, text);
		}
		goto out;
	}
	if (!cli_confirm(o, kill ? _("End what holds the port, as shown above?") :
	                 _("Apply the remedy shown above?"), &ex))
		goto out;
	ex = apply_all(o, &f, kind);
out:
	cli_wsl_done(&w);
	fixrun_done(&f);
	return ex;
}

int cmd_fix(const cli_opts *o)
{
	return run_fix(o, false);
}

int cmd_kill(const cli_opts *o)
{
	return run_fix(o, true);
}
