/*
 * Fuzz target: snapshot JSON (pd_snapshot_from_json), then everything the
 * CLI does with a loaded snapshot: diagnose a few targets (fixed ones, the
 * ports of its own sockets and bind tests, and doctor's common ports),
 * check the ranges, and run every renderer, text (with and without colour
 * and verbose) and JSON.  A snapshot is outside data (`--replay FILE`), so
 * diagnose and render must hold on hostile contents too.  The snapshot
 * written back must load again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portdoctor/portdoctor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TARGETS 32

static void render_report(const pd_report *rep, const pd_render_opts *o)
{
	char *text = NULL;

	if (pd_render_check_text(rep, o, &text) == 0)
		free(text);
	text = NULL;
	if (pd_render_check_json(rep, &text) == 0)
		free(text);
}

static void render_snapshot(const pd_snapshot *s, const pd_render_opts *o)
{
	pd_verdict *v = NULL;
	size_t n = 0;
	char *text = NULL;

	if (pd_render_list_text(s, o, &text) == 0)
		free(text);
	text = NULL;
	if (pd_render_list_json(s, o, &text) == 0)
		free(text);
	if (pd_ranges_check(s, &v, &n) < 0)
		return;
	text = NULL;
	if (pd_render_ranges_text(s, v, n, o, &text) == 0)
		free(text);
	text = NULL;
	if (pd_render_ranges_json(s, v, n, &text) == 0)
		free(text);
	pd_verdicts_free(v, n);
}

static void doctor(const pd_snapshot *s, const pd_render_opts *o)
{
	pd_target *t = calloc(pd_n_common_ports ? pd_n_common_ports : 1,
	                      sizeof(*t));
	pd_report *rep = NULL;
	pd_verdict *v = NULL;
	char *text = NULL;
	size_t i, n = 0;

	if (!t)
		return;
	for (i = 0; i < pd_n_common_ports; i++) {
		t[i].proto = PD_PROTO_TCP;
		t[i].host = PD_HOST_ALL;
		t[i].port_lo = t[i].port_hi = pd_common_ports[i];
	}
	if (pd_diagnose(s, t, pd_n_common_ports, &rep) < 0)
		goto out;
	if (pd_ranges_check(s, &v, &n) < 0)
		goto out;
	if (pd_render_doctor_text(rep, v, n, o, &text) == 0)
		free(text);
	text = NULL;
	if (pd_render_doctor_json(rep, v, n, &text) == 0)
		free(text);
	pd_verdicts_free(v, n);
out:
	pd_report_free(rep);
	free(t);
}

static void add_target(pd_target *t, size_t *n, pd_proto proto,
                       const pd_addr *a, uint16_t port)
{
	if (*n >= MAX_TARGETS || proto == PD_PROTO_NONE)
		return;
	memset(&t[*n], 0, sizeof(t[*n]));
	t[*n].proto = proto;
	if (a && (a->family == PD_FAMILY_V4 || a->family == PD_FAMILY_V6)) {
		t[*n].host = PD_HOST_ADDR;
		t[*n].addr = *a;
	} else {
		t[*n].host = PD_HOST_ALL;
	}
	t[*n].port_lo = t[*n].port_hi = port;
	(*n)++;
}

static void check(const pd_snapshot *s)
{
	static const char *const fixed[] = {"80", "8080/udp", "127.0.0.1:3000",
	                                    "[::1]:5432", "localhost:53/udp",
	                                    "0.0.0.0:443", "8000-8003", ":0"};
	pd_render_opts plain = {false, false, false, false};
	pd_render_opts rich = {true, true, true, false};
	pd_target t[MAX_TARGETS];
	pd_report *rep = NULL;
	size_t n = 0, i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (pd_target_parse(fixed[i], &t[n]) == 0)
			n++;
	for (i = 0; i < s->n_sockets && i < 8; i++)
		add_target(t, &n, s->sockets[i].proto, &s->sockets[i].local,
		           s->sockets[i].local_port);
	for (i = 0; i < s->n_binds && i < 8; i++)
		add_target(t, &n, s->binds[i].proto, &s->binds[i].addr,
		           s->binds[i].port);
	for (i = 0; i < s->n_containers && i < 4; i++)
		if (s->containers[i].n_ports)
			add_target(t, &n, s->containers[i].ports[0].proto, NULL,
			           s->containers[i].ports[0].host_port);
	if (pd_diagnose(s, t, n, &rep) == 0) {
		render_report(rep, &plain);
		render_report(rep, &rich);
		pd_report_free(rep);
	}
	render_snapshot(s, &plain);
	render_snapshot(s, &rich);
	doctor(s, &rich);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pd_snapshot *s = NULL, *again = NULL;
	char err[256], *json = NULL;

	if (pd_snapshot_from_json((const char *)data, size, err, sizeof(err),
	                          &s) < 0)
		return 0;
	check(s);
	if (pd_snapshot_to_json(s, &json) == 0) {
		if (pd_snapshot_from_json(json, strlen(json), err, sizeof(err),
		                          &again) < 0) {
			fprintf(stderr, "written snapshot does not load: %s\n", err);
			abort();
		}
		pd_snapshot_free(again);
		free(json);
	}
	pd_snapshot_free(s);
	return 0;
}
