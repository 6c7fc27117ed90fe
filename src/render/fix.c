/*
 * Output of fix, kill and reserve plans (text and JSON, schema
 * portdoctor.<kind>.v1), of watch events and of free's ports.
 *
 * A step's command is shown as a person would type it in a POSIX shell
 * (single quotes where needed); on Windows the actuator never builds a
 * command string from it: it passes the argument vector to CreateProcess
 * with the C runtime's quoting.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "core/json_util.h"
#include "remedy/remedy.h"
#include "render.h"

static bool plain_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("-_./=:,+@%", *s)))
			return false;
	return true;
}

static void put_quoted(pd_buf *b, const char *s)
{
	if (plain_word(s)) {
		pd_buf_puts(b, s);
		return;
	}
	pd_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			pd_buf_puts(b, "'\\''");
		else
			pd_buf_putc(b, *s);
	}
	pd_buf_putc(b, '\'');
}

static void put_command(pd_buf *b, const pd_step *st)
{
	size_t i;

	switch (st->kind) {
	case PD_STEP_RUN:
		for (i = 0; i < st->argc; i++) {
			if (i)
				pd_buf_putc(b, ' ');
			put_quoted(b, st->argv[i]);
		}
		break;
	case PD_STEP_WRITE_FILE:
		pd_buf_puts(b, "write ");
		put_quoted(b, st->path ? st->path : "?");
		break;
	case PD_STEP_SYSCTL:
		pd_buf_printf(b, "sysctl -w %s=%s", st->name ? st->name : "?",
		              st->value ? st->value : "?");
		break;
	case PD_STEP_RESERVE:
		pd_buf_printf(b, "sysctl -w net.ipv4.ip_local_reserved_ports=");
		put_quoted(b, st->preview ? st->preview : "?");
		pd_buf_puts(b, _("  (merged again with the list at the time it "
		                 "runs), and write "));
		put_quoted(b, st->path ? st->path : "?");
		break;
	case PD_STEP_KILL:
		pd_buf_printf(b, "kill -%s %d", pd_signal_name(st->signal) ?
		              pd_signal_name(st->signal) : "TERM", st->pid);
		break;
	case PD_STEP_MANUAL:
		pd_buf_puts(b, st->text ? st->text : "");
		break;
	}
}

int pd_step_command(const pd_step *st, char **ret)
{
	pd_buf b;

	pd_buf_init(&b, 0);
	put_command(&b, st);
	pd_buf_puts(&b, "");
	return pd__buf_finish(&b, ret);
}

static void put_remedy(pd_buf *b, const pd_remedy *r, size_t idx,
                       const pd_render_opts *o)
{
	size_t i, k;

	pd_buf_printf(b, "  %zu. ", idx + 1);
	pd__put_colored(b, o, "\033[1m", pd_remedy_name(r->id));
	pd_buf_puts(b, ": ");
	pd__put_safe(b, r->title, 0);
	pd_buf_putc(b, '\n');
	pd_buf_puts(b, _("     what: "));
	pd__put_safe(b, r->what, 0);
	pd_buf_putc(b, '\n');
	if (r->side_effects) {
		pd_buf_puts(b, _("     side effects: "));
		pd__put_safe(b, r->side_effects, 0);
		pd_buf_putc(b, '\n');
	}
	pd_buf_printf(b, _("     needs: %s, %s%s\n"),
	              r->needs_root ? _("root/administrator") :
	              _("no special rights"),
	              r->needs_reboot ? _("a reboot") : _("no reboot"),
	              r->changes_system ? "" : _(" (advice: nothing to apply)"));
	if (r->with_next)
		pd_buf_printf(b, _("     applied together with %zu\n"), idx + 2);
	if (r->refusal) {
		pd_buf_puts(b, _("     refused: "));
		pd__put_safe(b, r->refusal, 0);
		pd_buf_putc(b, '\n');
	}
	for (i = 0; i < r->n_steps; i++) {
		const pd_step *st = &r->steps[i];
		pd_buf cmd;
		char *text;

		pd_buf_init(&cmd, 0);
		put_command(&cmd, st);
		pd_buf_puts(&cmd, "");
		text = pd_buf_steal(&cmd);
		pd_buf_done(&cmd);
		pd_buf_puts(b, st->kind == PD_STEP_MANUAL ? "       # " : "       $ ");
		pd__put_safe(b, text, 0);
		free(text);
		if (st->always)
			pd_buf_puts(b, _("   (always: runs even if a step before it "
			                 "failed)"));
		pd_buf_putc(b, '\n');
		if (st->kind == PD_STEP_WRITE_FILE && st->content) {
			const char *p = st->content;

			while (*p) {
				const char *e = strchr(p, '\n');
				size_t n = e ? (size_t)(e - p) : strlen(p);
				char *line = pd__strndup(p, n);

				pd_buf_puts(b, "         | ");
				pd__put_safe(b, line, 0);
				pd_buf_putc(b, '\n');
				free(line);
				p += n + (e ? 1 : 0);
			}
		}
		(void)k;
	}
}

int pd_render_plans_text(const pd_plan *const *plans, size_t n,
                         const pd_snapshot *s, const pd_render_opts *o,
                         char **ret)
{
	pd_buf b;
	size_t i, k;

	pd_buf_init(&b, 0);
	pd_buf_puts(&b, "");
	for (i = 0; i < n; i++) {
		const pd_plan *p = plans[i];

		pd__put_target(&b, &p->target, p->port);
		pd__put_machine(&b, s);
		pd_buf_puts(&b, ": ");
		if (p->available) {
			pd__put_colored(&b, o, "\033[1;32m", _("available"));
			pd_buf_puts(&b, _(", nothing to do\n"));
			continue;
		}
		if (!p->n_remedies) {
			pd__put_colored(&b, o, "\033[1;32m", _("nothing to do"));
			pd_buf_putc(&b, '\n');
			continue;
		}
		if (p->remedies[0].id == PD_R_RESERVE_PORT ||
		    p->remedies[0].id == PD_R_UNRESERVE_PORT ||
		    p->remedies[0].id == PD_R_ADD_EXCLUDED_RANGE ||
		    p->remedies[0].id == PD_R_DELETE_EXCLUDED_RANGE)
			pd_buf_puts(&b, _("plan\n"));
		else {
			pd__put_colored(&b, o, "\033[1;31m", _("NOT AVAILABLE"));
			pd_buf_puts(&b, _("; remedies, best first:\n"));
		}
		for (k = 0; k < p->n_remedies; k++)
			put_remedy(&b, &p->remedies[k], k, o);
	}
	return pd__buf_finish(&b, ret);
}

static json_t *step_json(const pd_step *st, int *err)
{
	json_t *o = json_object(), *a;
	size_t i;
	char *cmd = NULL;

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "kind", json_string(pd_step_kind_name(st->kind)), err);
	pd__jset(o, "text", pd__jstr(st->text), err);
	/* A step that restores state: it runs after any earlier failure. */
	pd__jset(o, "always", json_boolean(st->always), err);
	switch (st->kind) {
	case PD_STEP_RUN:
		a = json_array();
		for (i = 0; a && i < st->argc; i++)
			if (json_array_append_new(a, pd__jstr(st->argv[i])) < 0)
				*err = PD_ENOMEM;
		pd__jset(o, "argv", a, err);
		break;
	case PD_STEP_WRITE_FILE:
		pd__jset(o, "path", pd__jstr(st->path), err);
		pd__jset(o, "content", pd__jstr(st->content), err);
		break;
	case PD_STEP_SYSCTL:
		pd__jset(o, "name", pd__jstr(st->name), err);
		pd__jset(o, "value", pd__jstr(st->value), err);
		break;
	case PD_STEP_RESERVE:
		a = json_array();
		for (i = 0; a && i < st->n_ranges; i++)
			if (json_array_append_new(a, pd__jrange(&st->ranges[i], false)) <
			    0)
				*err = PD_ENOMEM;
		pd__jset(o, "ranges", a, err);
		pd__jset(o, "remove", json_boolean(st->remove), err);
		pd__jset(o, "preview", pd__jstr(st->preview), err);
		pd__jset(o, "path", pd__jstr(st->path), err);
		break;
	case PD_STEP_KILL:
		pd__jset(o, "pid", json_integer(st->pid), err);
		pd__jset(o, "start_time", st->start_time >= 0 ?
		         json_integer(st->start_time) : json_null(), err);
		pd__jset(o, "name", pd__jstr(st->proc_name), err);
		pd__jset(o, "signal", pd__jstr(pd_signal_name(st->signal)), err);
		break;
	case PD_STEP_MANUAL:
		break;
	}
	if (pd_step_command(st, &cmd) == 0) {
		pd__jset(o, "command", pd__jstr(cmd), err);
		free(cmd);
	} else {
		*err = PD_ENOMEM;
	}
	return o;
}

static json_t *remedy_json(const pd_remedy *r, int *err)
{
	json_t *o = json_object(), *steps = json_array();
	size_t i;

	if (!o || !steps) {
		json_decref(o);
		json_decref(steps);
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "id", json_string(pd_remedy_name(r->id)), err);
	pd__jset(o, "title", pd__jstr(r->title), err);
	pd__jset(o, "what", pd__jstr(r->what), err);
	pd__jset(o, "side_effects", pd__jstr(r->side_effects), err);
	pd__jset(o, "needs_root", json_boolean(r->needs_root), err);
	pd__jset(o, "needs_reboot", json_boolean(r->needs_reboot), err);
	pd__jset(o, "changes_system", json_boolean(r->changes_system), err);
	pd__jset(o, "with_next", json_boolean(r->with_next), err);
	pd__jset(o, "refusal", pd__jstr(r->refusal), err);
	for (i = 0; i < r->n_steps; i++)
		if (json_array_append_new(steps, step_json(&r->steps[i], err)) < 0)
			*err = PD_ENOMEM;
	pd__jset(o, "steps", steps, err);
	return o;
}

static json_t *findings_json(const pd_result *res, int *err)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && res && i < res->n_findings; i++)
		if (json_array_append_new(a, json_string(pd_finding_name(
		                                 res->findings[i].code))) < 0)
			*err = PD_ENOMEM;
	return a;
}

static json_t *outcome_json(const pd_outcome *oc, int *err)
{
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "attempted", json_boolean(oc->attempted), err);
	pd__jset(o, "remedy", pd__jstr(oc->remedy), err);
	pd__jset(o, "ok", json_boolean(oc->attempted && oc->err == 0), err);
	pd__jset(o, "error", oc->err ? json_string(pd_err_name(oc->err)) :
	         json_null(), err);
	pd__jset(o, "log", pd__jstr(oc->log), err);
	if (oc->failed_remedy) {
		json_t *fs = json_object();

		pd__jset(fs, "remedy", json_string(oc->failed_remedy), err);
		pd__jset(fs, "step", json_integer((json_int_t)oc->failed_step), err);
		pd__jset(fs, "command", pd__jstr(oc->failed_command), err);
		pd__jset(fs, "error", pd__jstr(oc->failed_error), err);
		pd__jset(o, "failed_step", fs, err);
		pd__jset(o, "restored", json_integer((json_int_t)oc->n_restored),
		         err);
		pd__jset(o, "run_now", oc->run_now[0] ? pd__jstr(oc->run_now) :
		         json_null(), err);
	} else {
		pd__jset(o, "failed_step", json_null(), err);
	}
	pd__jset(o, "before_available", json_boolean(oc->before_available), err);
	pd__jset(o, "after_available", oc->after_known ?
	         json_boolean(oc->after_available) : json_null(), err);
	if (oc->after)
		pd__jset(o, "after_findings", findings_json(oc->after, err), err);
	return o;
}

int pd_render_plans_json(const char *kind, const pd_plan *const *plans,
                         size_t n, const pd_outcome *out, char **ret)
{
	json_t *root = json_object(), *arr = json_array();
	char schema[64], tgt[160];
	size_t i, k;
	int err = 0, r;

	if (!root || !arr) {
		json_decref(root);
		json_decref(arr);
		return PD_ENOMEM;
	}
	snprintf(schema, sizeof(schema), "portdoctor.%s.v1", kind);
	pd__jset(root, "schema", json_string(schema), &err);
	pd__jset(root, "version", json_string(PD_VERSION), &err);
	for (i = 0; i < n; i++) {
		json_t *t = json_object(), *rems = json_array();

		if (!t || !rems) {
			json_decref(t);
			json_decref(rems);
			err = PD_ENOMEM;
			break;
		}
		pd_target_format(&plans[i]->target, plans[i]->port, tgt, sizeof(tgt));
		pd__jset(t, "target", pd__jstr(tgt), &err);
		pd__jset(t, "port", json_integer(plans[i]->port), &err);
		pd__jset(t, "available", json_boolean(plans[i]->available), &err);
		for (k = 0; k < plans[i]->n_remedies; k++)
			if (json_array_append_new(rems, remedy_json(
			                                    &plans[i]->remedies[k],
			                                    &err)) < 0)
				err = PD_ENOMEM;
		pd__jset(t, "remedies", rems, &err);
		if (out)
			pd__jset(t, "outcome", outcome_json(&out[i], &err), &err);
		if (json_array_append_new(arr, t) < 0)
			err = PD_ENOMEM;
	}
	pd__jset(root, "targets", arr, &err);
	r = err ? err : pd__jdump(root, true, ret);
	json_decref(root);
	return r;
}

/* ------------------------------------------------------------ watch */

/* The events of watch (src/cli/watch.c), marked for translation: the text
 * shows them in the user's language, the JSON keeps the codes. */
static const char *const watch_events[] = {
	/* TRANSLATORS: watch events, after "TIME TARGET: "; "taken" is
	 * followed by who holds the port, "reserved" and "unreserved" by the
	 * range, "dynamic_range" by "OLD -> NEW" dynamic port ranges. */
	N_("taken"), N_("free"), N_("released"), N_("reserved"),
	N_("unreserved"), N_("dynamic_range"),
};

int pd_render_watch_text(const pd_watch_event *e, char **ret)
{
	char t[40];
	pd_buf b;

	(void)watch_events;
	pd_buf_init(&b, 0);
	pd__format_time(e->time, t, sizeof(t));
	pd_buf_printf(&b, "%s %s: %s", t, e->target ? e->target : "-",
	              e->event ? _(e->event) : "-");
	if (e->detail) {
		pd_buf_puts(&b, " ");
		pd__put_safe(&b, e->detail, 0);
	}
	pd_buf_putc(&b, '\n');
	return pd__buf_finish(&b, ret);
}

int pd_render_watch_json(const pd_watch_event *e, char **ret)
{
	json_t *o = json_object(), *pids = json_array();
	char t[40];
	size_t i;
	int err = 0, r;

	if (!o || !pids) {
		json_decref(o);
		json_decref(pids);
		return PD_ENOMEM;
	}
	pd__format_time(e->time, t, sizeof(t));
	pd__jset(o, "schema", json_string("portdoctor.watch.v1"), &err);
	pd__jset(o, "time", json_integer(e->time), &err);
	pd__jset(o, "time_text", json_string(t), &err);
	pd__jset(o, "target", pd__jstr(e->target), &err);
	pd__jset(o, "port", e->port ? json_integer(e->port) : json_null(), &err);
	pd__jset(o, "event", json_string(e->event), &err);
	pd__jset(o, "detail", pd__jstr(e->detail), &err);
	for (i = 0; i < e->n_pids; i++)
		if (json_array_append_new(pids, json_integer(e->pids[i])) < 0)
			err = PD_ENOMEM;
	pd__jset(o, "pids", pids, &err);
	r = err ? err : pd__jdump(o, false, ret);
	json_decref(o);
	return r;
}

/* ------------------------------------------------------------- free */

int pd_render_free_text(const uint16_t *ports, size_t n,
                        const pd_free_skip *skips, size_t n_skips,
                        char **ret)
{
	pd_buf b;
	size_t i;

	pd_buf_init(&b, 0);
	pd_buf_puts(&b, "");
	for (i = 0; i < n_skips; i++)
		pd_buf_printf(&b, _("skipped %u: %s\n"), skips[i].port,
		              skips[i].reason);
	for (i = 0; i < n; i++)
		pd_buf_printf(&b, "%u\n", ports[i]);
	return pd__buf_finish(&b, ret);
}

int pd_render_free_json(pd_proto proto, int near, uint16_t lo, uint16_t hi,
                        const uint16_t *ports, size_t n,
                        const pd_free_skip *skips, size_t n_skips,
                        char **ret)
{
	json_t *o = json_object(), *a = json_array(), *sk = json_array(), *rg;
	size_t i;
	int err = 0, r;

	if (!o || !a || !sk) {
		json_decref(o);
		json_decref(a);
		json_decref(sk);
		return PD_ENOMEM;
	}
	pd__jset(o, "schema", json_string("portdoctor.free.v1"), &err);
	pd__jset(o, "proto", json_string(pd_proto_name(proto)), &err);
	pd__jset(o, "near", near > 0 ? json_integer(near) : json_null(), &err);
	rg = json_object();
	pd__jset(rg, "start", json_integer(lo), &err);
	pd__jset(rg, "end", json_integer(hi), &err);
	pd__jset(o, "range", rg, &err);
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_integer(ports[i])) < 0)
			err = PD_ENOMEM;
	pd__jset(o, "ports", a, &err);
	for (i = 0; i < n_skips; i++) {
		json_t *s = json_object();

		pd__jset(s, "port", json_integer(skips[i].port), &err);
		pd__jset(s, "reason", pd__jstr(skips[i].reason), &err);
		if (json_array_append_new(sk, s) < 0)
			err = PD_ENOMEM;
	}
	pd__jset(o, "skipped", sk, &err);
	r = err ? err : pd__jdump(o, true, ret);
	json_decref(o);
	return r;
}
