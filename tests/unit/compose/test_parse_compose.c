/*
 * Compose files to host ports (src/compose/parse.c, src/compose/interp.c,
 * src/compose/ports.c, src/compose/check.c), on the files in tests/data/compose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compose/compose.h"
#include "find_port.h"
#include "snapfix.h"

#define SENTINEL ((pd_compose_project *)0x1)

static char *slurp(const char *name, size_t *ret_len)
{
	const char *dir = getenv("PD_TEST_DATA");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/compose/%s", dir ? dir : "tests/data",
	         name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

typedef struct run {
	pd_compose_project *p;
	int rc;
	char err[512];
} run;

/* Parse data files with variables "K=V" and profiles (NULL-ended). */
static run parse_files(const char *const *names, char *const *vars,
                       char *const *profiles)
{
	pd_compose_file files[4];
	char *texts[4];
	pd_compose_input in;
	run r;
	size_t n = 0, i;

	memset(&r, 0, sizeof(r));
	memset(&in, 0, sizeof(in));
	for (; names[n]; n++) {
		texts[n] = slurp(names[n], &files[n].len);
		files[n].text = texts[n];
		files[n].name = names[n];
	}
	in.files = files;
	in.n_files = n;
	in.env.vars = vars;
	for (i = 0; vars && vars[i]; i++)
		in.env.n_vars++;
	in.profiles = profiles;
	for (i = 0; profiles && profiles[i]; i++)
		in.n_profiles++;
	in.dir_name = "My Dir";
	r.p = SENTINEL;
	r.rc = pd_compose_parse(&in, r.err, sizeof(r.err), &r.p);
	for (i = 0; i < n; i++)
		free(texts[i]);
	return r;
}

static run parse1(const char *name, char *const *vars, char *const *profiles)
{
	const char *names[] = {name, NULL};

	return parse_files(names, vars, profiles);
}

static void assert_addr(const pd_target *t, const char *text)
{
	char buf[PD_ADDR_STRLEN];

	assert_int_equal(t->host, PD_HOST_ADDR);
	assert_string_equal(pd_addr_format(&t->addr, buf, sizeof(buf)), text);
}

static void test_short_syntax(void **state)
{
	run r = parse1("short.yaml", NULL, NULL);
	const pd_compose_port *e;

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.p->name, "mydir");
	/* 8081 80, 8082 81, 8083/udp, 3000-3002, [::1]:8084, 22, 8000-8010,
	 * 9090, 0.0.0.0:8085; not "8080", "127.0.0.1::5000", sctp, expose. */
	assert_int_equal(r.p->n_ports, 9);
	assert_null(find(r.p, "web", 8080));
	assert_null(find(r.p, "web", 5000));
	assert_null(find(r.p, "web", 9999));
	assert_null(find(r.p, "web", 7000));
	e = find(r.p, "web", 8081);
	assert_non_null(e);
	assert_int_equal(e->target.host, PD_HOST_ALL);
	assert_int_equal(e->target.proto, PD_PROTO_TCP);
	assert_int_equal(e->container_lo, 80);
	assert_int_equal(e->line, 7);
	assert_int_equal(e->column, 9);
	e = find(r.p, "web", 8082);
	assert_non_null(e);
	assert_int_equal(e->container_lo, 81);
	e = find(r.p, "web", 8083);
	assert_non_null(e);
	assert_int_equal(e->target.proto, PD_PROTO_UDP);
	assert_addr(&e->target, "127.0.0.1");
	e = find(r.p, "web", 3000);
	assert_non_null(e);
	assert_int_equal(e->target.port_hi, 3002);
	assert_int_equal(e->container_lo, 4000);
	assert_int_equal(e->container_hi, 4002);
	assert_false(e->pick_one);
	e = find(r.p, "web", 8084);
	assert_non_null(e);
	assert_addr(&e->target, "::1");
	e = find(r.p, "web", 22); /* text, not 1342 */
	assert_non_null(e);
	assert_int_equal(e->container_lo, 22);
	assert_string_equal(e->spec, "22:22");
	e = find(r.p, "web", 8000);
	assert_non_null(e);
	assert_int_equal(e->target.port_hi, 8010);
	assert_true(e->pick_one);
	e = find(r.p, "web", 8085);
	assert_non_null(e);
	assert_addr(&e->target, "0.0.0.0");
	/* The sctp entry goes to the caller's bind test. */
	assert_int_equal(r.p->n_warnings, 0);
	assert_int_equal(r.p->n_sctp, 1);
	assert_int_equal(r.p->sctp[0].target.port_lo, 7000);
	assert_null(r.p->sctp_binds);
	pd_compose_project_free(r.p);
}

static void test_long_syntax(void **state)
{
	run r = parse1("long.yaml", NULL, NULL);
	const pd_compose_port *e;

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.p->n_ports, 4); /* "target: 100" alone: ephemeral */
	e = find(r.p, "api", 8080);
	assert_non_null(e);
	assert_int_equal(e->target.host, PD_HOST_ALL);
	assert_int_equal(e->container_lo, 80);
	e = find(r.p, "api", 8081);
	assert_non_null(e);
	assert_int_equal(e->target.proto, PD_PROTO_UDP);
	assert_addr(&e->target, "127.0.0.1");
	e = find(r.p, "api", 9090);
	assert_non_null(e);
	assert_int_equal(e->target.port_hi, 9092);
	assert_int_equal(e->container_hi, 92);
	e = find(r.p, "api", 5353);
	assert_non_null(e);
	assert_addr(&e->target, "::1");
	assert_int_equal(e->container_lo, 53);
	pd_compose_project_free(r.p);
}

static void test_anchors_and_merge_keys(void **state)
{
	run r = parse1("anchors.yaml", NULL, NULL);

	(void)state;
	assert_int_equal(r.rc, 0);
	/* a: both ports through <<: *base; b: profile "never" merged in, so
	 * off; c: its own empty profiles win over the merged ones; d: alias. */
	assert_non_null(find(r.p, "a", 8080));
	assert_non_null(find(r.p, "a", 8443));
	assert_null(find(r.p, "b", 9000));
	assert_non_null(find(r.p, "c", 7000));
	assert_non_null(find(r.p, "d", 7000));
	assert_int_equal(r.p->n_ports, 4);
	assert_int_equal(r.p->n_services, 3);
	pd_compose_project_free(r.p);
}

static void test_profiles(void **state)
{
	char *none[] = {NULL};
	char *debug[] = {"debug", NULL};
	char *all[] = {"*", NULL};
	char *vars[] = {"PROF_NAME=custom", NULL};
	char *custom[] = {"custom", NULL};
	run r;

	(void)state;
	r = parse1("profiles.yaml", NULL, none);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.p->n_ports, 1);
	assert_non_null(find(r.p, "always", 1000));
	pd_compose_project_free(r.p);
	r = parse1("profiles.yaml", NULL, debug);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.p->n_ports, 3);
	assert_non_null(find(r.p, "tools", 3000));
	pd_compose_project_free(r.p);
	r = parse1("profiles.yaml", NULL, all);
	assert_int_equal(r.p->n_ports, 4);
	pd_compose_project_free(r.p);
	/* Profiles are interpolated too. */
	r = parse1("profiles.yaml", vars, custom);
	assert_int_equal(r.p->n_ports, 2);
	assert_non_null(find(r.p, "prof", 4000));
	pd_compose_project_free(r.p);
}

static void test_interpolation_file(void **state)
{
	char *vars[] = {"EMPTY=", "PLAIN_PORT=5104", "WEB_PORT=18080",
	                "SET_PORT=x", NULL};
	run r = parse1("interp.yaml", vars, NULL);
	const pd_compose_port *e;

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.p->name, "myproject");
	e = find(r.p, "web", 18080);
	assert_non_null(e);
	assert_addr(&e->target, "127.0.0.1");
	assert_non_null(find(r.p, "web", 5001)); /* ${EMPTY:-5001}: empty */
	assert_null(find(r.p, "web", 5002));     /* ${EMPTY-5002}: set, "" */
	assert_non_null(find(r.p, "web", 5003)); /* ${UNSET-5003} */
	assert_non_null(find(r.p, "web", 5104)); /* $PLAIN_PORT */
	assert_non_null(find(r.p, "web", 5005)); /* nested default */
	assert_non_null(find(r.p, "web", 6006)); /* ${SET_PORT:+6006} */
	assert_int_equal(r.p->n_warnings, 0);
	pd_compose_project_free(r.p);
}

static void check_interp(char *const *vars, const char *in, const char *want)
{
	pd_compose_env env = {vars, 0};
	char err[256] = "", *out = NULL;
	size_t i;

	for (i = 0; vars && vars[i]; i++)
		env.n_vars++;
	assert_int_equal(pd_compose_interpolate(in, strlen(in), &env, NULL, 0,
	                                        err, sizeof(err), &out), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_interpolation_rules(void **state)
{
	char *vars[] = {"SET=val", "EMPTY=", "N=3", NULL};
	pd_compose_env env = {vars, 3};
	char err[256] = "", *out = (char *)0x1, unset[32] = "";

	(void)state;
	check_interp(vars, "$SET ${SET} x${N}y", "val val x3y");
	check_interp(vars, "${EMPTY:-d}|${EMPTY-d}|${UNSET:-d}|${UNSET-d}",
	             "d||d|d");
	check_interp(vars, "${SET:-d}|${SET-d}", "val|val");
	check_interp(vars, "${SET:+r}|${EMPTY:+r}|${EMPTY+r}|${UNSET+r}",
	             "r||r|");
	check_interp(vars, "$$ $$SET $${SET}", "$ $SET ${SET}");
	check_interp(vars, "${UNSET:-${SET}}", "val");
	check_interp(vars, "${UNSET:-a:b-c}", "a:b-c");
	check_interp(vars, "cost $5 $", "cost $5 $");
	check_interp(vars, "${EMPTY?never}", "");
	/* An unset variable is "" and reported. */
	assert_int_equal(pd_compose_interpolate("a${NOPE}b", 9, &env, unset,
	                                        sizeof(unset), err, sizeof(err),
	                                        &out), 0);
	assert_string_equal(out, "ab");
	assert_string_equal(unset, "NOPE");
	free(out);
	/* Errors leave *ret untouched. */
	out = (char *)0x1;
	assert_int_equal(pd_compose_interpolate("${EMPTY:?must be set}", 21,
	                                        &env, NULL, 0, err, sizeof(err),
	                                        &out), PD_EPARSE);
	assert_string_equal(err, "required variable EMPTY is missing a value: "
	                         "must be set");
	assert_ptr_equal(out, (char *)0x1);
	assert_int_equal(pd_compose_interpolate("${UNSET?}", 9, &env, NULL, 0,
	                                        err, sizeof(err), &out),
	                 PD_EPARSE);
	assert_string_equal(err, "required variable UNSET is missing a value");
	assert_int_equal(pd_compose_interpolate("${1BAD}", 7, &env, NULL, 0, err,
	                                        sizeof(err), &out), PD_EPARSE);
	assert_non_null(strstr(err, "invalid interpolation format"));
	assert_int_equal(pd_compose_interpolate("${OPEN", 6, &env, NULL, 0, err,
	                                        sizeof(err), &out), PD_EPARSE);
	assert_int_equal(pd_compose_interpolate("${A B}", 6, &env, NULL, 0, err,
	                                        sizeof(err), &out), PD_EPARSE);
	assert_ptr_equal(out, (char *)0x1);
}

static void test_required_variable(void **state)
{
	char *vars[] = {"SECRET=x", NULL};
	run r = parse1("required.yaml", NULL, NULL);

	(void)state;
	assert_int_equal(r.rc, PD_EPARSE);
	assert_ptr_equal(r.p, SENTINEL);
	assert_string_equal(r.err, "required.yaml:5:15: required variable SECRET "
	                           "is missing a value: set SECRET in .env");
	r = parse1("required.yaml", vars, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.p->n_ports, 1);
	pd_compose_project_free(r.p);
}

static void test_merge_and_override(void **state)
{
	const char *names[] = {"base.yaml", "override.yaml", NULL};
	run r = parse_files(names, NULL, NULL);

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.p->name, "overridden");
	assert_int_equal(r.p->n_ports, 4);
	assert_non_null(find(r.p, "web", 8080));
	assert_non_null(find(r.p, "web", 8443));
	assert_non_null(find(r.p, "web", 9090));
	assert_non_null(find(r.p, "cache", 6379));
	assert_null(find(r.p, "db", 5432)); /* !reset */
	/* 8080 stays where base.yaml wrote it. */
	assert_string_equal(find(r.p, "web", 8080)->file, "base.yaml");
	assert_int_equal(r.p->n_services, 3);
	pd_compose_project_free(r.p);
}

static void test_bad_yaml(void **state)
{
	run r = parse1("bad.yaml", NULL, NULL);

	(void)state;
	assert_int_equal(r.rc, PD_EPARSE);
	assert_ptr_equal(r.p, SENTINEL);
	assert_non_null(strstr(r.err, "bad.yaml:6:6: invalid YAML: "));
	r = parse1("badport.yaml", NULL, NULL);
	assert_int_equal(r.rc, PD_EPARSE);
	assert_non_null(strstr(r.err, "badport.yaml:4:9: service \"web\""));
}

static void test_billion_laughs(void **state)
{
	run r = parse1("laughs.yaml", NULL, NULL);

	(void)state;
	assert_int_equal(r.rc, PD_ETOOBIG);
	assert_ptr_equal(r.p, SENTINEL);
	assert_non_null(strstr(r.err, "nodes visited"));
}

/* ports: followed by n opening and n closing brackets (open, close). */
static int parse_nested(size_t n, const char *open, const char *close,
                        char *err, size_t errsize)
{
	static const char head[] = "services:\n  a:\n    image: x\n    ports: ";
	size_t lo = strlen(open), lc = strlen(close), len, i;
	char *text = malloc(sizeof(head) + n * (lo + lc) + 2), *w;
	pd_compose_file f = {"deep.yaml", NULL, 0};
	pd_compose_input in;
	pd_compose_project *p = SENTINEL;
	int rc;

	assert_non_null(text);
	memcpy(text, head, sizeof(head) - 1);
	w = text + sizeof(head) - 1;
	for (i = 0; i < n; i++, w += lo)
		memcpy(w, open, lo);
	for (i = 0; i < n; i++, w += lc)
		memcpy(w, close, lc);
	*w++ = '\n';
	len = (size_t)(w - text);
	f.text = text;
	f.len = len;
	memset(&in, 0, sizeof(in));
	in.files = &f;
	in.n_files = 1;
	in.dir_name = "x";
	rc = pd_compose_parse(&in, err, errsize, &p);
	if (rc == 0)
		pd_compose_project_free(p);
	else
		assert_ptr_equal(p, SENTINEL);
	free(text);
	return rc;
}

/* Issue 15, point 5: a 2 MB file of nested flow sequences stalled libyaml
 * (quadratic); nesting past 256 levels is refused, and the refusal reads
 * only the first levels, so a million of them return at once. */
static void test_deep_nesting(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(parse_nested(1000000, "[", "]", err, sizeof(err)),
	                 PD_ETOOBIG);
	assert_non_null(strstr(err, "deep.yaml:4:"));
	assert_non_null(strstr(err, "nested deeper than 256 levels"));
	assert_int_equal(parse_nested(300000, "{a: ", "}", err, sizeof(err)),
	                 PD_ETOOBIG);
	assert_non_null(strstr(err, "nested deeper than 256 levels"));
	/* Up to the limit, the file is read (and its bad port reported). */
	assert_int_equal(parse_nested(250, "[", "]", err, sizeof(err)),
	                 PD_EPARSE);
	assert_non_null(strstr(err, "a port must be"));
}

static void test_size_limit(void **state)
{
	pd_compose_file f = {"big.yaml", NULL, PD_COMPOSE_MAX_BYTES + 1};
	pd_compose_input in;
	pd_compose_project *p = SENTINEL;
	char err[256] = "";
	char *text = calloc(1, PD_COMPOSE_MAX_BYTES + 2);

	(void)state;
	assert_non_null(text);
	memset(text, '#', PD_COMPOSE_MAX_BYTES + 1);
	f.text = text;
	memset(&in, 0, sizeof(in));
	in.files = &f;
	in.n_files = 1;
	in.dir_name = "x";
	assert_int_equal(pd_compose_parse(&in, err, sizeof(err), &p), PD_ETOOBIG);
	assert_ptr_equal(p, SENTINEL);
	assert_non_null(strstr(err, "big.yaml: larger than"));
	free(text);
}

static void test_short_grammar(void **state)
{
	pd_compose_portspec ps;
	char err[256];

	(void)state;
	assert_int_equal(pd_compose_port_parse_short("::1:8080:80", err,
	                                             sizeof(err), &ps), 0);
	assert_string_equal(ps.host_ip, "::1");
	assert_int_equal(ps.host_lo, 8080);
	assert_int_equal(pd_compose_port_parse_short("80/UDP", err, sizeof(err),
	                                             &ps), 0);
	assert_int_equal(ps.proto, PD_PROTO_UDP);
	assert_int_equal(ps.host_lo, 0);
	assert_int_equal(pd_compose_port_parse_short("8080:", err, sizeof(err),
	                                             &ps), PD_EPARSE);
	assert_int_equal(pd_compose_port_parse_short("8080:80/xyz", err,
	                                             sizeof(err), &ps), PD_EPARSE);
	assert_int_equal(pd_compose_port_parse_short("3000-3005:80-81", err,
	                                             sizeof(err), &ps), PD_EPARSE);
	assert_int_equal(pd_compose_port_parse_short("70000:80", err, sizeof(err),
	                                             &ps), PD_EPARSE);
	assert_int_equal(pd_compose_port_parse_short("8080:0", err, sizeof(err),
	                                             &ps), PD_EPARSE);
	assert_int_equal(pd_compose_port_parse_short("[::1:8080:80", err,
	                                             sizeof(err), &ps), PD_EPARSE);
}

static void test_env_file(void **state)
{
	const char text[] = "# comment\n"
	                    "export A=1\n"
	                    "B = two words # comment\n"
	                    "C='${A} literal'\n"
	                    "D=\"${A}\\nx\"\n"
	                    "E=${A}-${FROM_ENV}\n"
	                    "A=override\r\n"
	                    "\n";
	char *envv[] = {"FROM_ENV=env", NULL};
	pd_compose_env env = {envv, 1}, got;
	char **vars = NULL, err[256] = "";
	size_t n = 0;

	(void)state;
	assert_int_equal(pd_compose_env_file_parse(text, strlen(text), &env, err,
	                                           sizeof(err), &vars, &n), 0);
	assert_int_equal(n, 5);
	got.vars = vars;
	got.n_vars = n;
	assert_string_equal(pd_compose_env_get(&got, "A", 1), "override");
	assert_string_equal(pd_compose_env_get(&got, "B", 1), "two words");
	assert_string_equal(pd_compose_env_get(&got, "C", 1), "${A} literal");
	assert_string_equal(pd_compose_env_get(&got, "D", 1), "1\nx");
	assert_string_equal(pd_compose_env_get(&got, "E", 1), "1-env");
	pd_compose_vars_free(vars, n);
	vars = NULL;
	n = 0;
	assert_int_equal(pd_compose_env_file_parse("X=\"open\n", 8, &env, err,
	                                           sizeof(err), &vars, &n),
	                 PD_EPARSE);
	assert_string_equal(err, "line 1: unterminated quoted value");
	pd_compose_vars_free(vars, n);
}

static void test_normalize_name(void **state)
{
	char *s;

	(void)state;
	s = pd_compose_normalize_name("My_Project-1.0");
	assert_string_equal(s, "my_project-10");
	free(s);
	s = pd_compose_normalize_name("__x");
	assert_string_equal(s, "x");
	free(s);
	assert_null(pd_compose_normalize_name("--"));
}

/* Diagnose a project against a snapshot, then annotate. */
static pd_report *diagnose_project(pd_snapshot *s, pd_compose_project *p)
{
	pd_target *t = calloc(p->n_ports + 1, sizeof(*t));
	pd_report *rep = NULL;
	size_t i;

	assert_non_null(t);
	for (i = 0; i < p->n_ports; i++)
		t[i] = p->ports[i].target;
	assert_int_equal(pd_diagnose(s, t, p->n_ports, &rep), 0);
	free(t);
	assert_int_equal(pd_compose_annotate(p, rep), 0);
	return rep;
}

static void test_clashes(void **state)
{
	run r = parse1("clash.yaml", NULL, NULL);
	pd_snapshot *s = fx_linux();
	pd_report *rep;
	size_t i, clashes = 0;
	char *text = NULL;

	(void)state;
	assert_int_equal(r.rc, 0);
	rep = diagnose_project(s, r.p);
	assert_int_equal(rep->n_results, 5);
	for (i = 0; i < rep->n_results; i++) {
		size_t k;

		for (k = 0; k < rep->results[i].n_findings; k++)
			if (rep->results[i].findings[k].code == PD_F_COMPOSE_CLASH) {
				clashes++;
				assert_false(rep->results[i].available);
				assert_int_equal(rep->results[i].port, 8080);
				assert_int_equal(rep->results[i].target.proto, PD_PROTO_TCP);
			}
	}
	/* web and api on tcp 8080 (not udp 8080, not 127.0.0.1 vs .2). */
	assert_int_equal(clashes, 2);
	assert_int_equal(pd_compose_failures(r.p, rep), 2);
	assert_int_equal(pd_render_compose_text(r.p, rep, &(pd_render_opts){0},
	                                        &text), 0);
	assert_non_null(strstr(text, "service web: tcp 8080 -> 80: NOT AVAILABLE"));
	assert_non_null(strstr(text, "also published by service api"));
	free(text);
	assert_int_equal(pd_render_compose_json(r.p, rep, &text), 0);
	assert_non_null(strstr(text, "\"schema\": \"portdoctor.compose.v1\""));
	assert_non_null(strstr(text, "\"service\": \"api\""));
	assert_non_null(strstr(text, "\"compose_clash\""));
	free(text);
	pd_report_free(rep);
	pd_snapshot_free(s);
	pd_compose_project_free(r.p);
}

/* A running container of this project holds its own port: no conflict.
 * A container of another project on the same port: a conflict. */
static void test_already_running(void **state)
{
	const char *names[] = {"base.yaml", NULL};
	run r = parse_files(names, NULL, NULL);
	pd_snapshot *s = fx_linux();
	pd_container *c;
	pd_container_port cp = {PD_PROTO_TCP, {0}, 8080, 80};
	pd_bind_result b;
	pd_endpoint eps[2];
	pd_report *rep;
	size_t i, n;

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.p->name, "base");
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 8080, PD_STATE_LISTEN, -1, 0);
	fx_socket(s, PD_PROTO_TCP, "0.0.0.0", 8443, PD_STATE_LISTEN, -1, 0);
	/* Failed bind tests on both, as the probe records them. */
	for (i = 0; i < 2; i++) {
		pd_target t = {PD_PROTO_TCP, PD_HOST_ALL, {0}, 0, 0};

		t.port_lo = t.port_hi = i ? 8443 : 8080;
		n = pd_target_endpoints(&t, t.port_lo, eps);
		while (n--) {
			memset(&b, 0, sizeof(b));
			b.proto = eps[n].proto;
			b.addr = eps[n].addr;
			b.port = eps[n].port;
			b.v6only = eps[n].v6only;
			b.err = PD_EADDRINUSE;
			assert_int_equal(pd_snapshot_add_bind(s, &b), 0);
		}
	}
	assert_int_equal(pd_snapshot_add_container(s, &c), 0);
	c->id = strdup("abc");
	c->name = strdup("base-web-1");
	c->state = strdup("running");
	c->project = strdup("base");
	c->service = strdup("web");
	assert_int_equal(pd_container_add_port(c, &cp), 0);
	assert_int_equal(pd_snapshot_add_container(s, &c), 0);
	c->id = strdup("def");
	c->name = strdup("other-web-1");
	c->state = strdup("running");
	c->project = strdup("other");
	c->service = strdup("web");
	cp.host_port = 8443;
	assert_int_equal(pd_container_add_port(c, &cp), 0);
	rep = diagnose_project(s, r.p);
	for (i = 0; i < rep->n_results; i++) {
		const pd_result *res = &rep->results[i];
		size_t k;
		bool own = false;

		if (res->port == 8080) {
			assert_true(res->available);
			for (k = 0; k < res->n_findings; k++)
				if (res->findings[k].code == PD_F_IN_USE) {
					assert_int_equal(res->findings[k].severity, PD_SEV_INFO);
					assert_non_null(strstr(res->findings[k].message,
					                       "already running"));
					own = true;
				}
			assert_true(own);
		} else if (res->port == 8443) {
			assert_false(res->available);
		}
	}
	assert_int_equal(pd_compose_failures(r.p, rep), 1);
	pd_report_free(rep);
	pd_snapshot_free(s);
	pd_compose_project_free(r.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_syntax),
		cmocka_unit_test(test_long_syntax),
		cmocka_unit_test(test_anchors_and_merge_keys),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_interpolation_file),
		cmocka_unit_test(test_interpolation_rules),
		cmocka_unit_test(test_required_variable),
		cmocka_unit_test(test_merge_and_override),
		cmocka_unit_test(test_bad_yaml),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_short_grammar),
		cmocka_unit_test(test_env_file),
		cmocka_unit_test(test_normalize_name),
		cmocka_unit_test(test_clashes),
		cmocka_unit_test(test_already_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
