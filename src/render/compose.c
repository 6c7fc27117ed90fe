/*
 * Output of `portdoctor compose`: one check result per host port, headed
 * by the service and the container port it maps to.  JSON results are the
 * check command's, with "service" and where the entry was written added.
 * A port of a network_mode: host service is marked as the container's own
 * port; sctp ports, which only get a bind test, follow the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "compose/compose.h"
#include "core/i18n.h"
#include "core/json_util.h"
#include "render.h"

/* Where an entry from another file than the first was written (an -f
 * file, an include, an extends base): " (sub/compose.yaml:5)". */
static void put_origin(pd_buf *b, const pd_compose_project *p,
                       const pd_compose_port *e)
{
	if (!e->file || (p->main_file && strcmp(e->file, p->main_file) == 0))
		return;
	pd_buf_puts(b, " (");
	pd__put_safe(b, e->file, 256);
	pd_buf_printf(b, ":%d)", e->line);
}

static void put_head(pd_buf *b, const pd_compose_project *p,
                     const pd_compose_port *e,
                     const pd_result *res, const pd_render_opts *o)
{
	char t[160];
	unsigned cport = e->container_lo;

	if (e->container_hi != e->container_lo)
		cport += (unsigned)(res->port - e->target.port_lo);
	pd_target_format(&res->target, res->port, t, sizeof(t));
	pd_buf_puts(b, _("service "));
	pd__put_safe(b, e->service, 128);
	pd_buf_printf(b, ": %s -> %u", t, cport);
	if (e->host_network)
		pd_buf_puts(b, _(" (network_mode: host: the program binds it on "
		                 "the host itself)"));
	if (e->pick_one)
		pd_buf_printf(b, _(" (one free port of %u-%u is enough)"),
		              e->target.port_lo, e->target.port_hi);
	pd_buf_puts(b, ": ");
	if (res->available)
		pd__put_colored(b, o, "\033[1;32m", _("available"));
	else
		pd__put_colored(b, o, "\033[1;31m", _("NOT AVAILABLE"));
	put_origin(b, p, e);
	pd_buf_putc(b, '\n');
}

/* The findings of one result as the check command prints them: its text
 * without the first (target) line. */
static void put_findings(pd_buf *b, const pd_snapshot *s, const pd_result *res,
                         const pd_render_opts *o)
{
	pd_buf tmp;
	const char *nl;

	pd_buf_init(&tmp, 0);
	pd__render_result_text(&tmp, s, res, o, "");
	if (pd_buf_error(&tmp)) {
		b->err = b->err ? b->err : pd_buf_error(&tmp);
	} else if (tmp.data && (nl = strchr(tmp.data, '\n')) != NULL) {
		pd_buf_puts(b, nl + 1);
	}
	pd_buf_done(&tmp);
}

/* The bind test of port i of the sctp entries, or NULL when not made. */
static const pd_bind_result *sctp_bind(const pd_compose_project *p,
                                       size_t i)
{
	return p->sctp_binds && i < p->n_sctp_binds ? &p->sctp_binds[i] : NULL;
}

static void put_sctp(pd_buf *b, const pd_compose_project *p,
                     const pd_render_opts *o)
{
	size_t i, k = 0;
	unsigned port;

	for (i = 0; i < p->n_sctp; i++) {
		const pd_compose_port *e = &p->sctp[i];

		for (port = e->target.port_lo; port <= e->target.port_hi; port++) {
			const pd_bind_result *bt = sctp_bind(p, k++);
			unsigned cport = e->container_lo;
			char a[PD_ADDR_STRLEN] = "";

			if (e->container_hi != e->container_lo)
				cport += port - e->target.port_lo;
			if (e->target.host == PD_HOST_ADDR)
				pd_addr_format(&e->target.addr, a, sizeof(a));
			pd_buf_puts(b, _("service "));
			pd__put_safe(b, e->service, 128);
			pd_buf_printf(b, ": sctp %s%s%u -> %u: ", a, *a ? ":" : "", port,
			              cport);
			if (!bt)
				pd_buf_puts(b, _("not checked (no bind test: a recorded "
				                 "snapshot, or too many ports)\n"));
			else if (bt->err == PD_EUNSUPPORTED)
				pd_buf_printf(b, _("not checked: this system has no SCTP "
				                   "sockets (%s)\n"), bt->os_name ?
				              bt->os_name : "no SCTP");
			else if (!bt->err) {
				pd__put_colored(b, o, "\033[1;32m", _("available"));
				pd_buf_puts(b, _(" (an sctp bind test succeeded)\n"));
			} else {
				pd__put_colored(b, o, "\033[1;31m", _("NOT AVAILABLE"));
				pd_buf_printf(b, _(": an sctp bind test failed: %s (%s)\n"),
				              pd_strerror(bt->err),
				              bt->os_name ? bt->os_name : "?");
			}
		}
	}
}

int pd_render_compose_text(const pd_compose_project *p, const pd_report *r,
                           const pd_render_opts *o, char **ret)
{
	pd_buf b;
	size_t *map = NULL, k, fails;
	int rc = pd_compose_result_map(p, r, &map);

	if (rc < 0)
		return rc;
	pd_buf_init(&b, 0);
	pd_buf_puts(&b, _("project "));
	pd__put_safe(&b, p->name, 128);
	pd_buf_printf(&b, _(": %zu enabled service(s), %zu host port(s)\n"),
	              p->n_services, r->n_results);
	for (k = 0; k < r->n_results; k++) {
		put_head(&b, p, &p->ports[map[k]], &r->results[k], o);
		put_findings(&b, r->snap, &r->results[k], o);
	}
	put_sctp(&b, p, o);
	pd__put_notes(&b, r->snap, o);
	fails = pd_compose_failures(p, r);
	if (!r->n_results && !p->n_sctp)
		pd_buf_puts(&b, _("no enabled service publishes a host port\n"));
	else if (fails)
		pd_buf_printf(&b, _("%zu port(s) would fail: `docker compose up` "
		                    "cannot publish them\n"), fails);
	else
		pd_buf_puts(&b, _("every host port can be published\n"));
	free(map);
	return pd__buf_finish(&b, ret);
}

static json_t *strings_json(char *const *s, size_t n, int *err)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, pd__jstr(s[i])) < 0)
			*err = PD_ENOMEM;
	return a;
}

/* "sctp": one object per port: the entry, and "checked", "available" and
 * the bind test's "error" (a PD_E name) and "os_error". */
static json_t *sctp_json(const pd_compose_project *p, int *err)
{
	json_t *a = json_array();
	size_t i, k = 0;
	unsigned port;

	for (i = 0; a && i < p->n_sctp; i++) {
		const pd_compose_port *e = &p->sctp[i];

		for (port = e->target.port_lo; port <= e->target.port_hi; port++) {
			const pd_bind_result *bt = sctp_bind(p, k++);
			json_t *o = json_object();
			char addr[PD_ADDR_STRLEN];

			if (!o) {
				*err = PD_ENOMEM;
				break;
			}
			pd__jset(o, "service", pd__jstr(e->service), err);
			pd__jset(o, "address", e->target.host == PD_HOST_ADDR ?
			         pd__jstr(pd_addr_format(&e->target.addr, addr,
			                                 sizeof(addr))) : json_null(), err);
			pd__jset(o, "port", json_integer(port), err);
			pd__jset(o, "published", pd__jstr(e->spec), err);
			pd__jset(o, "file", pd__jstr(e->file), err);
			pd__jset(o, "line", json_integer(e->line), err);
			pd__jset(o, "checked", json_boolean(bt && bt->err != PD_EUNSUPPORTED),
			         err);
			pd__jset(o, "available", json_boolean(bt && !bt->err), err);
			pd__jset(o, "error", bt && bt->err ? pd__jstr(pd_err_name(bt->err)) :
			         json_null(), err);
			pd__jset(o, "os_error", bt && bt->os_name ? pd__jstr(bt->os_name) :
			         json_null(), err);
			if (json_array_append_new(a, o) < 0)
				*err = PD_ENOMEM;
		}
	}
	if (!a)
		*err = PD_ENOMEM;
	return a;
}

int pd_render_compose_json(const pd_compose_project *p, const pd_report *r,
                           char **ret)
{
	json_t *root = json_object(), *results = json_array();
	size_t *map = NULL, k;
	int err = pd_compose_result_map(p, r, &map);

	if (!root || !results || err) {
		json_decref(root);
		json_decref(results);
		free(map);
		return err ? err : PD_ENOMEM;
	}
	pd__jset(root, "schema", json_string("portdoctor.compose.v1"), &err);
	pd__jset(root, "host", pd__host_json(r->snap, &err), &err);
	pd__jset(root, "project", pd__jstr(p->name), &err);
	pd__jset(root, "services", strings_json(p->services, p->n_services, &err),
	         &err);
	pd__jset(root, "warnings", strings_json(p->warnings, p->n_warnings, &err),
	         &err);
	for (k = 0; k < r->n_results; k++) {
		const pd_compose_port *e = &p->ports[map[k]];
		const pd_result *res = &r->results[k];
		json_t *o = pd__result_json(r->snap, res, &err);
		unsigned cport = e->container_lo;

		if (!o) {
			err = PD_ENOMEM;
			break;
		}
		if (e->container_hi != e->container_lo)
			cport += (unsigned)(res->port - e->target.port_lo);
		pd__jset(o, "service", pd__jstr(e->service), &err);
		pd__jset(o, "container_port", json_integer(cport), &err);
		pd__jset(o, "published", pd__jstr(e->spec), &err);
		pd__jset(o, "pick_one", json_boolean(e->pick_one), &err);
		pd__jset(o, "host_network", json_boolean(e->host_network), &err);
		pd__jset(o, "file", pd__jstr(e->file), &err);
		pd__jset(o, "line", json_integer(e->line), &err);
		pd__jset(o, "column", json_integer(e->column), &err);
		if (json_array_append_new(results, o) < 0)
			err = PD_ENOMEM;
	}
	free(map);
	pd__jset(root, "sctp", sctp_json(p, &err), &err);
	pd__jset(root, "failures", json_integer((json_int_t)
	                                        pd_compose_failures(p, r)), &err);
	pd__jset(root, "results", results, &err);
	if (!err)
		err = pd__jdump(root, true, ret);
	json_decref(root);
	return err;
}
