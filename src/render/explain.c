/*
 * explain's output: each error found in the pasted text, what it means
 * (src/explain/explain.c) and the check of its target on this machine, as
 * text and as JSON.  Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "core/json_util.h"
#include "explain/errmsg.h"
#include "explain/explain.h"
#include "render.h"

/* Counted text (ngettext), here until core/i18n.h has one. */
#if PD_ENABLE_NLS
#define P_(s, p, n) dngettext(PD_PACKAGE, s, p, (unsigned long)(n))
#else
#define P_(s, p, n) ((n) == 1 ? (s) : (p))
#endif

static void put_said(pd_buf *b, const pd_errmsg *e)
{
	pd_buf_puts(b, _("   error: "));
	pd_buf_puts(b, pd_errclass_name(e->error_class));
	if (e->os_name || e->os_code >= 0 || e->os_text) {
		pd_buf_puts(b, " (");
		if (e->os_name)
			pd__put_safe(b, e->os_name, 64);
		if (e->os_code >= 0)
			pd_buf_printf(b, "%s%d", e->os_name ? " " : "", e->os_code);
		if (e->os_text) {
			pd_buf_puts(b, (e->os_name || e->os_code >= 0) ? ": " : "");
			pd__put_safe(b, e->os_text, 200);
		}
		pd_buf_putc(b, ')');
	}
	pd_buf_putc(b, '\n');
	if (e->service || e->container) {
		pd_buf_puts(b, "   ");
		if (e->service) {
			pd_buf_puts(b, _("compose service "));
			pd__put_safe(b, e->service, 128);
			pd_buf_puts(b, e->container ? ", " : "");
		}
		if (e->container) {
			pd_buf_puts(b, _("container/endpoint "));
			pd__put_safe(b, e->container, 128);
		}
		pd_buf_putc(b, '\n');
	}
}

/* "port is already allocated": Docker's allocator names no container;
 * the engine's list does. */
static const pd_container *allocating_container(const pd_snapshot *s,
                                                const pd_result *r)
{
	pd_endpoint ep[2];

	pd_target_endpoints(&r->target, r->port, ep);
	return pd_container_publishing(s, r->target.proto,
	                               r->target.host == PD_HOST_ADDR ?
	                               &ep[0].addr : NULL, r->port, false);
}

/* "NAME (IMAGE, STATE, compose PROJECT/SERVICE)", the image optional. */
static void put_container(pd_buf *b, const pd_container *c, bool image)
{
	pd__put_safe(b, c->name ? c->name : c->id, 128);
	pd_buf_puts(b, " (");
	if (image) {
		pd__put_safe(b, c->image ? c->image : "?", 128);
		pd_buf_puts(b, ", ");
	}
	pd__put_safe(b, c->state ? c->state : "?", 32);
	if (c->project && c->service) {
		pd_buf_puts(b, _(", compose "));
		pd__put_safe(b, c->project, 128);
		pd_buf_putc(b, '/');
		pd__put_safe(b, c->service, 128);
	}
	pd_buf_putc(b, ')');
}

static void put_allocating_container(pd_buf *b, const pd_snapshot *s,
                                     const pd_result *r)
{
	const pd_container *c = allocating_container(s, r);
	char cmd[512];

	if (!c) {
		if (s->engine_status == 1)
			pd_buf_puts(b, _("   no container of this engine publishes "
			                 "the port now: it was freed, or the conflict is "
			                 "with another engine\n"));
		return;
	}
	pd_buf_puts(b, _("   allocated to container "));
	put_container(b, c, true);
	pd_buf_putc(b, '\n');
	if (pd_container_command(c, pd_container_is_active(c) ? "stop" : "rm",
	                         cmd, sizeof(cmd)) == 0) {
		pd_buf_puts(b, _("   fix: "));
		pd__put_safe(b, cmd, 0);
		pd_buf_puts(b, _(", or publish another host port\n"));
	}
}

static void put_guess_head(pd_buf *b, const pd_explain_guess *g, bool available)
{
	const pd_container *c = g->container;

	pd_buf_puts(b, "   - ");
	pd__put_target(b, &g->target, g->target.port_lo);
	if (c) {
		pd_buf_puts(b, _(", container "));
		put_container(b, c, false);
	}
	pd_buf_puts(b, available ? _(": available now\n") : ":\n");
}

/* Errors that name no port: what was checked instead, blocked ports in
 * full, free ones in a line. */
static void put_guesses(pd_buf *b, const pd_explain *x, const pd_render_opts *o)
{
	size_t i, nfree = 0;

	if (!x->n_guesses)
		return;
	pd_buf_puts(b, x->guesses_from_engine ?
	            _("The text names no port. The host ports that containers "
	              "publish, those that did not start first (newest first):\n") :
	            _("The text names no port and no container engine lists any. "
	              "The common development ports and the port ranges, as "
	              "doctor checks them:\n"));
	for (i = 0; i < x->n_verdicts; i++) {
		if (x->verdicts[i].severity < PD_SEV_WARNING)
			continue;
		pd_buf_puts(b, "   ");
		pd__put_sev(b, o, x->verdicts[i].severity);
		pd_buf_putc(b, ' ');
		pd__put_safe(b, x->verdicts[i].message, 0);
		pd_buf_putc(b, '\n');
	}
	for (i = 0; i < x->n_guesses; i++) {
		const pd_explain_guess *g = &x->guesses[i];
		if (!g->result || (g->result->available && !g->container)) {
			nfree += g->result != NULL;
			continue;
		}
		put_guess_head(b, g, g->result->available);
		if (!g->result->available)
			pd__render_result_text(b, x->report->snap, g->result, o, "     ");
	}
	if (nfree)
		pd_buf_printf(b, P_("   %zu more common port is available.\n",
		                    "   %zu more common ports are available.\n", nfree),
		              nfree);
}

/* The snapshot an item's result is about. */
static const pd_snapshot *snap_of(const pd_explain *x,
                                  const pd_explain_item *it)
{
	return it->snap ? it->snap : x->report->snap;
}

int pd_render_explain_text(const pd_explain *x, const pd_render_opts *o,
                           char **ret)
{
	pd_buf b;
	size_t i;

	pd_buf_init(&b, 0);
	for (i = 0; i < x->n_items; i++) {
		const pd_explain_item *it = &x->items[i];
		const pd_errmsg *e = it->err;

		pd_buf_printf(&b, "%zu. ", i + 1);
		pd__put_colored(&b, o, "\033[1m", "");
		pd__put_safe(&b, it->meaning, 0);
		pd_buf_putc(&b, '\n');
		pd_buf_puts(&b, _("   says: "));
		pd__put_safe(&b, e->text, 600);
		pd_buf_putc(&b, '\n');
		put_said(&b, e);
		if (it->result && e->error_class == PD_ERRCLASS_ALREADY_ALLOCATED)
			put_allocating_container(&b, snap_of(x, it), it->result);
		if (it->result) {
			pd_buf_puts(&b, it->snap ? _("   on the Windows host now:\n") :
			            _("   on this machine now:\n"));
			pd__render_result_text(&b, snap_of(x, it), it->result, o, "   ");
		} else if (it->why_no_check) {
			pd_buf_puts(&b, "   ");
			pd__put_safe(&b, it->why_no_check, 0);
			pd_buf_putc(&b, '\n');
		}
	}
	if (x->report)
		put_guesses(&b, x, o);
	if (x->n_found > x->n_items)
		pd_buf_printf(&b, P_("Shown: the first %zu of %zu error found in the text.\n",
		                     "Shown: the first %zu of %zu errors found in the text.\n",
		                     x->n_found),
		              x->n_items, x->n_found);
	if (x->report)
		pd__put_notes(&b, x->report->snap, o);
	return pd__buf_finish(&b, ret);
}

static json_t *errmsg_json(const pd_explain *x, const pd_explain_item *it,
                           int *err)
{
	const pd_errmsg *e = it->err;
	json_t *o = json_object(), *os = json_object();

	if (!o || !os) {
		json_decref(o);
		json_decref(os);
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "text", pd__jstr(e->text), err);
	pd__jset(o, "tool", pd__jstr(e->tool), err);
	pd__jset(o, "service", pd__jstr(e->service), err);
	pd__jset(o, "container", pd__jstr(e->container), err);
	pd__jset(o, "address", pd__jstr(e->address), err);
	pd__jset(o, "all_addresses", json_boolean(e->all_addresses), err);
	pd__jset(o, "port", e->port < 0 ? json_null() : json_integer(e->port), err);
	pd__jset(o, "proto", pd__jstr(pd_proto_name(e->proto)), err);
	pd__jset(o, "error_class", json_string(pd_errclass_name(e->error_class)),
	         err);
	pd__jset(os, "code", e->os_code < 0 ? json_null() : json_integer(e->os_code),
	         err);
	pd__jset(os, "name", pd__jstr(e->os_name), err);
	pd__jset(os, "text", pd__jstr(e->os_text), err);
	pd__jset(o, "os_error", os, err);
	pd__jset(o, "windows", json_boolean(pd_errmsg_from_windows(e)), err);
	pd__jset(o, "meaning", pd__jstr(it->meaning), err);
	pd__jset(o, "result", it->result ?
	         pd__result_json(snap_of(x, it), it->result, err) : json_null(),
	         err);
	pd__jset(o, "no_check_reason", pd__jstr(it->why_no_check), err);
	if (it->result && e->error_class == PD_ERRCLASS_ALREADY_ALLOCATED) {
		const pd_container *c = allocating_container(snap_of(x, it),
		                                             it->result);

		pd__jset(o, "allocated_to", c ? pd__container_json(c, err) :
		         json_null(), err);
	}
	return o;
}

static json_t *guess_json(const pd_explain *x, size_t i, int *err)
{
	const pd_explain_guess *g = &x->guesses[i];
	json_t *e = json_object();
	char tgt[128] = "";

	pd_target_format(&g->target, g->target.port_lo, tgt, sizeof(tgt));
	pd__jset(e, "target", json_string(tgt), err);
	pd__jset(e, "container", g->container ? pd__container_json(g->container, err) :
	         json_null(), err);
	pd__jset(e, "result", g->result && x->report ?
	         pd__result_json(x->report->snap, g->result, err) : json_null(), err);
	return e;
}

static json_t *verdict_json(const pd_explain *x, size_t i, int *err)
{
	const pd_verdict *v = &x->verdicts[i];
	json_t *e = json_object();

	pd__jset(e, "subject", json_string(v->subject), err);
	pd__jset(e, "severity", json_string(pd_severity_name(v->severity)), err);
	pd__jset(e, "message", pd__jstr(v->message), err);
	pd__jset(e, "range", v->range ? pd__jrange(v->range, true) : json_null(), err);
	return e;
}

/* An array of n elements made by one(x, i, err). */
static json_t *json_list(const pd_explain *x, size_t n,
                         json_t *(*one)(const pd_explain *, size_t, int *), int *err)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		json_t *e = one(x, i, err);
		if (!e || json_array_append_new(a, e) < 0)
			*err = PD_ENOMEM;
	}
	if (!a)
		*err = PD_ENOMEM;
	return a;
}

int pd_render_explain_json(const pd_explain *x, char **ret)
{
	json_t *root = json_object(), *a = json_array();
	int err = 0, r;
	size_t i;

	if (!root || !a) {
		json_decref(root);
		json_decref(a);
		return PD_ENOMEM;
	}
	pd__jset(root, "schema", json_string("portdoctor.explain.v1"), &err);
	pd__jset(root, "host", x->report ? pd__host_json(x->report->snap, &err) :
	         json_null(), &err);
	for (i = 0; i < x->n_items; i++)
		if (json_array_append_new(a, errmsg_json(x, &x->items[i], &err)) < 0)
			err = PD_ENOMEM;
	pd__jset(root, "errors", a, &err);
	/* How many failures the text holds and how many are listed (a text
	 * can hold more than the parser returns). */
	pd__jset(root, "errors_found", json_integer((json_int_t)(x->n_found > x->n_items ?
	                                                        x->n_found : x->n_items)), &err);
	pd__jset(root, "errors_shown", json_integer((json_int_t)x->n_items), &err);
	pd__jset(root, "reason", pd__jstr(x->none_reason), &err);
	pd__jset(root, "guessed_from", x->n_guesses ?
	         json_string(x->guesses_from_engine ? "containers" : "common_ports") :
	         json_null(), &err);
	pd__jset(root, "guesses", json_list(x, x->n_guesses, guess_json, &err), &err);
	pd__jset(root, "range_verdicts", json_list(x, x->n_verdicts, verdict_json, &err),
	         &err);
	r = err ? err : pd__jdump(root, true, ret);
	json_decref(root);
	return r;
}
