/*
 * Compose projects of several files (src/compose/include.c, services.c,
 * parse.c): include, extends, network_mode: host, sctp entries, the
 * schema's readings of a long-syntax port, and every Compose file under
 * tests/data/compose read without an error (but the ones meant to be bad).
 * The files are read from tests/data/compose through the library's own
 * file reader, as the CLI does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "compose/compose.h"
#include "find_port.h"
#include "probe/probe.h"
#include "snapfix.h"

#define SENTINEL ((pd_compose_project *)0x1)

typedef struct run {
	pd_compose_project *p;
	int rc;
	char err[1024];
} run;

static char *const env_vars[] = {"APP_PORT=9200"};

static int reader(void *ud, const char *path, char *err, size_t errsize,
                  char **ret, size_t *ret_len)
{
	(*(int *)ud)++;
	return pd_probe_read_file(path, PD_COMPOSE_MAX_BYTES, err, errsize, ret,
	                          ret_len);
}

static const char *data_dir(void)
{
	const char *d = getenv("PD_TEST_DATA");

	return d ? d : "tests/data";
}

/* Parses file in the project folder dir (under tests/data/compose), with
 * vars when set, the way `portdoctor compose -f FILE` does in dir. */
static run parse_in(const char *dir, const char *file, bool vars, int *reads)
{
	char pdir[1024], path[1200];
	pd_compose_file f;
	pd_compose_input in;
	char *text = NULL;
	int n = 0;
	run r;

	memset(&r, 0, sizeof(r));
	snprintf(pdir, sizeof(pdir), "%s/compose/%s", data_dir(), dir);
	snprintf(path, sizeof(path), "%s/%s", pdir, file);
	assert_int_equal(pd_probe_read_file(path, PD_COMPOSE_MAX_BYTES, r.err,
	                                    sizeof(r.err), &text, &f.len), 0);
	f.name = path;
	f.text = text;
	memset(&in, 0, sizeof(in));
	in.files = &f;
	in.n_files = 1;
	in.dir_name = "proj";
	in.project_dir = pdir;
	in.read = reader;
	in.read_ud = &n;
	if (vars) {
		in.env.vars = env_vars;
		in.env.n_vars = 1;
	}
	r.p = SENTINEL;
	r.rc = pd_compose_parse(&in, r.err, sizeof(r.err), &r.p);
	free(text);
	if (reads)
		*reads = n;
	return r;
}

static size_t count(const pd_compose_project *p, const char *svc)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_ports; i++)
		n += strcmp(p->ports[i].service, svc) == 0;
	return n;
}

static void assert_at(const pd_compose_port *e, const char *file, int line)
{
	assert_non_null(e);
	assert_string_equal(e->file, file);
	assert_int_equal(e->line, line);
}

static void test_include(void **state)
{
	int reads = 0;
	run r = parse_in("include", "compose.yaml", false, &reads);

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.p->name, "withinclude");
	assert_int_equal(r.p->n_services, 3);
	/* sub/compose.yaml, sub/.env (no env_file: the default), then
	 * other/app.yaml, its override and vars.env (env_file given). */
	assert_int_equal(reads, 5);
	assert_int_equal(r.p->n_ports, 5);
	assert_at(find(r.p, "web", 8080), "compose.yaml", 16);
	/* SUB_PORT from sub/.env, the included project's own directory. */
	assert_at(find(r.p, "db", 5432), "sub/compose.yaml", 5);
	/* The including file's db merged over the imported one. */
	assert_at(find(r.p, "db", 5433), "compose.yaml", 21);
	/* APP_PORT from vars.env (env_file, relative to this project). */
	assert_at(find(r.p, "app", 9100), "other/app.yaml", 5);
	assert_at(find(r.p, "app", 9001), "other/app.override.yaml", 4);
	assert_int_equal(r.p->n_warnings, 0);
	pd_compose_project_free(r.p);
}

static void test_include_env_wins(void **state)
{
	run r = parse_in("include", "compose.yaml", true, NULL);

	(void)state;
	/* A variable already set wins over the include's env_file. */
	assert_int_equal(r.rc, 0);
	assert_null(find(r.p, "app", 9100));
	assert_at(find(r.p, "app", 9200), "other/app.yaml", 5);
	pd_compose_project_free(r.p);
}

static void test_include_cycle(void **state)
{
	run r = parse_in("include-cycle", "compose.yaml", false, NULL);

	(void)state;
	assert_int_equal(r.rc, PD_EPARSE);
	assert_ptr_equal(r.p, SENTINEL);
	/* "./sub/../a.yaml" is a.yaml again. */
	assert_string_equal(r.err, "b.yaml:2:5: include cycle: compose.yaml "
	                           "includes a.yaml includes b.yaml includes "
	                           "a.yaml");
}

/* One file given as text, with no file reader; the parse's code. */
static int parse_text(const char *text, char *err, size_t errsize)
{
	pd_compose_file f = {"compose.yaml", text, strlen(text)};
	pd_compose_input in;
	pd_compose_project *p = SENTINEL;
	int rc;

	memset(&in, 0, sizeof(in));
	in.files = &f;
	in.n_files = 1;
	in.dir_name = "x";
	rc = pd_compose_parse(&in, err, errsize, &p);
	if (rc == 0)
		pd_compose_project_free(p);
	else
		assert_ptr_equal(p, SENTINEL);
	return rc;
}

static void test_include_without_reader(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(parse_text("include:\n  - other.yaml\nservices: {}\n",
	                            err, sizeof(err)), PD_EINVAL);
	assert_string_equal(err, "compose.yaml:2:5: cannot read other.yaml: no "
	                         "file reader");
}

static void test_extends(void **state)
{
	run r = parse_in("extends", "compose.yaml", false, NULL);
	const pd_compose_port *e;

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.p->n_services, 5);
	/* A chain in the file: base's port first, each own port after. */
	assert_int_equal(count(r.p, "top"), 3);
	assert_at(find(r.p, "top", 7000), "compose.yaml", 8);
	assert_at(find(r.p, "top", 7001), "compose.yaml", 12);
	assert_at(find(r.p, "top", 7002), "compose.yaml", 17);
	assert_int_equal(count(r.p, "mid"), 2);
	/* From another file, which extends within itself. */
	assert_int_equal(count(r.p, "api"), 3);
	assert_at(find(r.p, "api", 8000), "common/base.yaml", 5);
	e = find(r.p, "api", 8080);
	assert_at(e, "common/base.yaml", 9);
	assert_int_equal(e->target.host, PD_HOST_ADDR);
	assert_at(find(r.p, "api", 8443), "compose.yaml", 23);
	/* ports: !reset [] drops the base's. */
	assert_int_equal(count(r.p, "quiet"), 0);
	pd_compose_project_free(r.p);
}

static void test_extends_cycle(void **state)
{
	run r = parse_in("extends-cycle", "compose.yaml", false, NULL);

	(void)state;
	assert_int_equal(r.rc, PD_EPARSE);
	assert_ptr_equal(r.p, SENTINEL);
	assert_string_equal(r.err, "compose.yaml:5:14: extends cycle: a "
	                           "(compose.yaml) extends b (compose.yaml) "
	                           "extends c (compose.yaml) extends a "
	                           "(compose.yaml)");
}

static void test_extends_missing(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(parse_text("services:\n  a:\n    extends: nope\n", err,
	                            sizeof(err)), PD_EPARSE);
	assert_string_equal(err, "compose.yaml:3:14: service \"a\" extends "
	                         "\"nope\", which is not defined");
	assert_int_equal(parse_text("services:\n  a:\n    extends: {file: x}\n",
	                            err, sizeof(err)), PD_EPARSE);
	assert_string_equal(err, "compose.yaml:3:14: service \"a\": extends "
	                         "needs \"service\"");
	assert_int_equal(parse_text("services:\n  a:\n    extends: {service: b, "
	                            "files: x}\n", err, sizeof(err)), PD_EPARSE);
	assert_non_null(strstr(err, "unknown key \"files\" in extends"));
	assert_int_equal(parse_text("include:\n  - {path: a.yaml, envfile: x}\n",
	                            err, sizeof(err)), PD_EPARSE);
	assert_non_null(strstr(err, "unknown key \"envfile\" in an include"));
	assert_int_equal(parse_text("include: a.yaml\n", err, sizeof(err)),
	                 PD_EPARSE);
	assert_string_equal(err, "compose.yaml:1:10: include must be a list");
}

static void test_host_network(void **state)
{
	run r = parse_in("host-network", "compose.yaml", false, NULL);
	const pd_compose_port *e;

	(void)state;
	assert_int_equal(r.rc, 0);
	/* 80 (ports and expose: once), 443, 9100-9101, 5353/udp. */
	assert_int_equal(count(r.p, "proxy"), 4);
	e = find(r.p, "proxy", 80);
	assert_non_null(e);
	assert_true(e->host_network);
	assert_int_equal(e->target.host, PD_HOST_ALL);
	assert_null(find(r.p, "proxy", 8080));
	e = find(r.p, "proxy", 443);
	assert_true(e->host_network);
	/* The program binds where it likes: host_ip says nothing then. */
	assert_int_equal(e->target.host, PD_HOST_ALL);
	e = find(r.p, "proxy", 9100);
	assert_int_equal(e->target.port_hi, 9101);
	assert_false(e->pick_one);
	e = find(r.p, "proxy", 5353);
	assert_int_equal(e->target.proto, PD_PROTO_UDP);
	e = find(r.p, "web", 8081);
	assert_false(e->host_network);
	assert_int_equal(r.p->n_warnings, 1);
	assert_non_null(strstr(r.p->warnings[0], "service \"proxy\": "
	                                         "network_mode: host"));
	pd_compose_project_free(r.p);
}

/* The program of a network_mode: host service holds its port itself; the
 * holder's cgroup names the project's own container: no conflict.  The
 * same socket in another project's container is one. */
static void running_host_network(const char *project, bool want_own)
{
	static const char id[] = "4f0c1a8e2b7d4c6a9e1f3b5d7a9c2e4f"
	                         "6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d";
	run r = parse_in("host-network", "compose.yaml", false, NULL);
	pd_snapshot *s = fx_linux();
	pd_target t = {PD_PROTO_TCP, PD_HOST_ALL, {0}, 9100, 9100};
	pd_endpoint eps[2];
	pd_container *c;
	pd_process *pr;
	pd_report *rep;
	pd_target *ts;
	size_t i, n;
	char cg[160];

	assert_int_equal(r.rc, 0);
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 9100, PD_STATE_LISTEN, -1, 77);
	fx_process(s, 77, "busybox", "/bin/busybox httpd -f -p 9100");
	pr = &s->procs[s->n_procs - 1];
	snprintf(cg, sizeof(cg), "0::/system.slice/docker-%s.scope", id);
	pr->cgroup = strdup(cg);
	/* The listener is IPv4 only: the v6 half binds. */
	n = pd_target_endpoints(&t, 9100, eps);
	while (n--)
		if (eps[n].addr.family == PD_FAMILY_V6)
			fx_bind(s, PD_PROTO_TCP, "::", 9100, 0, 0, NULL);
		else
			fx_bind(s, PD_PROTO_TCP, "0.0.0.0", 9100, PD_EADDRINUSE, 98,
			        "EADDRINUSE");
	assert_int_equal(pd_snapshot_add_container(s, &c), 0);
	c->id = strdup(id);
	c->name = strdup("proj-proxy-1");
	c->state = strdup("running");
	c->project = strdup(project);
	c->service = strdup("proxy");
	ts = calloc(r.p->n_ports, sizeof(*ts));
	assert_non_null(ts);
	for (i = 0; i < r.p->n_ports; i++)
		ts[i] = r.p->ports[i].target;
	assert_int_equal(pd_diagnose(s, ts, r.p->n_ports, &rep), 0);
	free(ts);
	assert_int_equal(pd_compose_annotate(r.p, rep), 0);
	for (i = 0; i < rep->n_results; i++) {
		const pd_finding *f;

		if (rep->results[i].port != 9100)
			continue;
		f = fx_find(&rep->results[i], PD_F_IN_USE);
		assert_non_null(f);
		assert_int_equal(rep->results[i].available, want_own);
		assert_int_equal(f->message && strstr(f->message, "network_mode: "
		                                      "host) holds it") != NULL,
		                 want_own);
	}
	pd_report_free(rep);
	pd_snapshot_free(s);
	pd_compose_project_free(r.p);
}

static void test_host_network_running(void **state)
{
	(void)state;
	running_host_network("proj", true); /* parse_in's directory name */
	running_host_network("elsewhere", false);
}

static void test_sctp_entries(void **state)
{
	run r = parse_in("sctp", "compose.yaml", false, NULL);
	const pd_compose_port *e;

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.p->n_sctp, 2);
	assert_int_equal(r.p->sctp[0].target.port_lo, 3868);
	assert_int_equal(r.p->sctp[1].target.host, PD_HOST_ADDR);
	/* "5000:1234/" is tcp. */
	assert_int_equal(r.p->n_ports, 1);
	e = find(r.p, "sig", 5000);
	assert_int_equal(e->target.proto, PD_PROTO_TCP);
	assert_int_equal(e->container_lo, 1234);
	pd_compose_project_free(r.p);
}

static void test_schema_readings(void **state)
{
	static const struct {
		const char *file, *err;
	} bad[] = {
		{"host-ip-brackets.yaml", "host-ip-brackets.yaml:6:18: service "
		 "\"web\": invalid host_ip \"[::1]\""},
		{"host-ip-empty.yaml", "host-ip-empty.yaml:6:18: service \"web\": "
		 "invalid host_ip \"\""},
		{"unknown-key.yaml", "unknown-key.yaml:8:19: service \"web\": "
		 "unknown key \"publised\" in a port"},
		{"published-range.yaml", "published-range.yaml:5:20: service "
		 "\"web\": invalid published port \"65536\""},
	};
	size_t i;
	run r;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		r = parse_in("schema", bad[i].file, false, NULL);
		assert_int_equal(r.rc, PD_EPARSE);
		assert_ptr_equal(r.p, SENTINEL);
		assert_non_null(strstr(r.err, bad[i].err));
	}
	r = parse_in("schema", "empty-protocol.yaml", false, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.p->n_ports, 2);
	assert_int_equal(r.p->ports[0].target.proto, PD_PROTO_TCP);
	assert_int_equal(r.p->ports[1].target.proto, PD_PROTO_TCP);
	pd_compose_project_free(r.p);
}

/* ------------------------------------------------- every file there */

/* The files under tests/data/compose meant to fail, and how. */
static const struct {
	const char *path;
	int rc;
} meant_bad[] = {
	{"bad.yaml", PD_EPARSE},             /* broken indentation */
	{"badport.yaml", PD_EPARSE},         /* four-part short syntax */
	{"laughs.yaml", PD_ETOOBIG},         /* billion laughs */
	{"required.yaml", PD_EPARSE},        /* ${VAR:?} unset */
	{"include-cycle/compose.yaml", PD_EPARSE},
	{"include-cycle/a.yaml", PD_EPARSE},
	{"include-cycle/b.yaml", PD_EPARSE},
	{"extends-cycle/compose.yaml", PD_EPARSE},
	{"schema/host-ip-brackets.yaml", PD_EPARSE},
	{"schema/host-ip-empty.yaml", PD_EPARSE},
	{"schema/unknown-key.yaml", PD_EPARSE},
	{"schema/published-range.yaml", PD_EPARSE},
};

static bool is_compose(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int want_rc(const char *rel)
{
	size_t i;

	for (i = 0; i < sizeof(meant_bad) / sizeof(*meant_bad); i++)
		if (strcmp(meant_bad[i].path, rel) == 0)
			return meant_bad[i].rc;
	return 0;
}

/* Parses every Compose file under dir (rel: its path below
 * tests/data/compose, "" at the top); returns how many. */
static size_t walk(const char *rel)
{
	char path[1024], sub[1024];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/compose%s%s", data_dir(),
	         *rel ? "/" : "", rel);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char full[2048];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		         de->d_name);
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		assert_int_equal(stat(full, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			n += walk(sub);
		} else if (is_compose(de->d_name)) {
			run r = parse_in(*rel ? rel : ".", de->d_name, false, NULL);

			if (r.rc != want_rc(sub))
				fail_msg("%s: %d (%s), wanted %d", sub, r.rc, r.err,
				         want_rc(sub));
			if (!r.rc)
				pd_compose_project_free(r.p);
			n++;
		}
	}
	closedir(d);
	return n;
}

static void test_every_file(void **state)
{
	(void)state;
	/* A floor, so a test that finds no file cannot pass. */
	assert_true(walk("") >= 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_env_wins),
		cmocka_unit_test(test_include_cycle),
		cmocka_unit_test(test_include_without_reader),
		cmocka_unit_test(test_extends),
		cmocka_unit_test(test_extends_cycle),
		cmocka_unit_test(test_extends_missing),
		cmocka_unit_test(test_host_network),
		cmocka_unit_test(test_host_network_running),
		cmocka_unit_test(test_sctp_entries),
		cmocka_unit_test(test_schema_readings),
		cmocka_unit_test(test_every_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
