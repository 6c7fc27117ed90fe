/*
 * Fuzz target: Compose files and interpolation.  The input is a compose
 * file; a line "#--override--" splits it into two files given in -f order
 * (so merging, !reset and !override are reached).  It is parsed with a few
 * variables and profiles set, the project's ports are diagnosed against a
 * small snapshot and rendered, as `portdoctor compose` does.  The same
 * bytes also go through interpolation, the .env parser and, line by line,
 * the short port syntax.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compose/compose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SPLIT "\n#--override--\n"
/* Diagnose only modest plans: a range of thousands of ports is legal but
 * only slows the fuzzer down. */
#define MAX_PORTS 64

static char *const vars[] = {"PORT=8080", "HOST=127.0.0.1", "EMPTY=",
                             "RANGE=3000-3005", "COMPOSE_PROJECT_NAME=fz"};
static const pd_compose_env env = {vars, sizeof(vars) / sizeof(vars[0])};

static pd_snapshot *small_snapshot(void)
{
	pd_snapshot *s = pd_snapshot_new();
	pd_container_port cp = {PD_PROTO_TCP, {PD_FAMILY_ANY, {0}, 0}, 8080, 80};
	pd_container *c;
	pd_socket *sk;

	if (!s)
		return NULL;
	if (pd_snapshot_add_socket(s, &sk) == 0) {
		sk->proto = PD_PROTO_TCP;
		sk->local = pd_addr_any(PD_FAMILY_V4);
		sk->local_port = 8080;
		sk->state = PD_STATE_LISTEN;
		sk->uid = -1;
		sk->v6only = -1;
	}
	if (pd_snapshot_add_container(s, &c) == 0) {
		c->name = strdup("fz-web-1");
		c->state = strdup("exited");
		c->project = strdup("fz");
		c->service = strdup("web");
		(void)pd_container_add_port(c, &cp);
	}
	s->engine_status = 1;
	return s;
}

static void check_project(pd_compose_project *p)
{
	pd_render_opts o = {true, true, false, false};
	pd_target t[MAX_PORTS];
	pd_snapshot *s;
	pd_report *rep = NULL;
	char *text = NULL;
	size_t i, total = 0;

	if (p->n_ports > MAX_PORTS)
		return;
	for (i = 0; i < p->n_ports; i++) {
		t[i] = p->ports[i].target;
		if (t[i].port_lo > t[i].port_hi)
			abort();
		total += (size_t)(t[i].port_hi - t[i].port_lo) + 1;
	}
	if (total > 4 * MAX_PORTS)
		return;
	s = small_snapshot();
	if (!s)
		return;
	if (pd_diagnose(s, t, p->n_ports, &rep) == 0 &&
	    pd_compose_annotate(p, rep) == 0) {
		(void)pd_compose_failures(p, rep);
		if (pd_render_compose_text(p, rep, &o, &text) == 0)
			free(text);
		text = NULL;
		if (pd_render_compose_json(p, rep, &text) == 0)
			free(text);
	}
	pd_report_free(rep);
	pd_snapshot_free(s);
}

static void compose(const char *text, size_t len)
{
	static char *const all[] = {"*"};
	static char *const debug[] = {"debug"};
	pd_compose_file files[2] = {{"compose.yaml", text, len},
	                            {"compose.override.yaml", "", 0}};
	pd_compose_input in;
	pd_compose_project *p = NULL;
	const char *cut = NULL;
	char err[512];
	size_t i;

	for (i = 0; i + sizeof(SPLIT) - 1 <= len; i++)
		if (memcmp(text + i, SPLIT, sizeof(SPLIT) - 1) == 0) {
			cut = text + i;
			break;
		}
	memset(&in, 0, sizeof(in));
	in.files = files;
	in.n_files = 1;
	if (cut) {
		files[0].len = (size_t)(cut - text);
		files[1].text = cut + sizeof(SPLIT) - 1;
		files[1].len = len - files[0].len - (sizeof(SPLIT) - 1);
		in.n_files = 2;
	}
	in.env = env;
	in.profiles = len % 2 ? all : debug;
	in.n_profiles = 1;
	in.dir_name = "My Project";
	if (pd_compose_parse(&in, err, sizeof(err), &p) == 0) {
		check_project(p);
		pd_compose_project_free(p);
	}
}

static void lines(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	pd_compose_portspec ps;
	char line[256], err[256];
	uint16_t lo, hi;
	int n = 0;

	for (; p < end && n < 64; p = nl + 1, n++) {
		size_t l;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		l = (size_t)(nl - p);
		if (l >= sizeof(line))
			continue;
		memcpy(line, p, l);
		line[l] = '\0';
		if (pd_compose_port_parse_short(line, err, sizeof(err), &ps) == 0 &&
		    (ps.host_lo > ps.host_hi || ps.cont_lo > ps.cont_hi))
			abort();
		if (pd_compose_port_range(line, &lo, &hi) == 0 && lo > hi)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char unset[64], err[256], *out = NULL, **ev = NULL, *name;
	size_t n_ev = 0;

	compose(text, size);
	if (pd_compose_interpolate(text, size, &env, unset, sizeof(unset), err,
	                           sizeof(err), &out) == 0)
		free(out);
	/* What was appended before a failure is the caller's too. */
	(void)pd_compose_env_file_parse(text, size, &env, err, sizeof(err), &ev,
	                                &n_ev);
	pd_compose_vars_free(ev, n_ev);
	lines(text, size);
	if (size < 256) {
		char buf[256];

		memcpy(buf, text, size);
		buf[size] = '\0';
		name = pd_compose_normalize_name(buf);
		free(name);
	}
	return 0;
}
