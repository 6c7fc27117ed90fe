/*
 * Unit tests for the Docker Engine API's pure half: src/docker/http.c,
 * src/docker/api.c and src/docker/containers.c (with the diagnose and render hooks).
 *
 * Fixtures in tests/data/docker (see its README.md) were recorded from a
 * real dockerd 20.10.24 (API 1.41); they are read from $PD_TEST_DATA/docker,
 * or tests/data/docker when unset, into buffers of exactly their size so
 * that ASan catches a read past len.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdata.h"

#include "docker/docker.h"
#include "portdoctor/portdoctor.h"

#define MAX PD_DOCKER_MAX_RESPONSE

static char *load(const char *name, size_t *ret_len)
{
	return pd_test_load("docker", name, ret_len);
}

static pd_snapshot *load_list(const char *name)
{
	pd_snapshot *s = pd_snapshot_new();
	size_t len;
	char *text = load(name, &len), err[128] = "";

	assert_non_null(s);
	assert_int_equal(pd__docker_parse_list(text, len, "docker", s, err,
	                                       sizeof(err)), 0);
	free(text);
	return s;
}

static const pd_container *by_name(const pd_snapshot *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_containers; i++)
		if (s->containers[i].name &&
		    strcmp(s->containers[i].name, name) == 0)
			return &s->containers[i];
	fail_msg("no container %s", name);
	return NULL;
}

static pd_addr A(const char *text)
{
	pd_addr a;

	memset(&a, 0, sizeof(a));
	if (text)
		assert_int_equal(pd_addr_parse(text, strlen(text), &a), 0);
	return a;
}

static void assert_port(const pd_container_port *p, pd_proto proto,
                        const char *addr, uint16_t host, uint16_t cport)
{
	pd_addr a = A(addr);

	assert_int_equal(p->proto, proto);
	assert_int_equal(p->host_addr.family, a.family);
	if (addr)
		assert_true(pd_addr_equal(&p->host_addr, &a));
	assert_int_equal(p->host_port, host);
	assert_int_equal(p->container_port, cport);
}

/* ------------------------------------------------------------ the list */

static void test_list_recorded(void **state)
{
	pd_snapshot *s = load_list("containers.json");
	const pd_container *c;

	(void)state;
	assert_int_equal(s->n_containers, 10);
	c = by_name(s, "web");
	assert_string_equal(c->id, "23c994515911cb84ecf7e83e1f585ea48bb50469b4bb"
	                           "bea50add60eae3298105");
	assert_string_equal(c->image, "pd-busybox");
	assert_string_equal(c->state, "running");
	assert_string_equal(c->engine, "docker");
	assert_null(c->project);
	assert_null(c->service);
	assert_int_equal(c->n_ports, 2);
	assert_port(&c->ports[0], PD_PROTO_TCP, "0.0.0.0", 18080, 80);
	assert_port(&c->ports[1], PD_PROTO_TCP, "::", 18080, 80);

	c = by_name(s, "shop-web-1");
	assert_string_equal(c->project, "shop");
	assert_string_equal(c->service, "web");

	c = by_name(s, "dns");
	assert_int_equal(c->n_ports, 2);
	assert_port(&c->ports[0], PD_PROTO_UDP, "::", 15354, 53);
	assert_port(&c->ports[1], PD_PROTO_UDP, "127.0.0.1", 15353, 53);

	c = by_name(s, "lo4");
	assert_int_equal(c->n_ports, 3);
	assert_port(&c->ports[0], PD_PROTO_TCP, "127.0.0.1", 18082, 80);
	assert_port(&c->ports[1], PD_PROTO_UDP, "0.0.0.0", 18083, 81);

	c = by_name(s, "v6only");
	assert_int_equal(c->n_ports, 1);
	assert_port(&c->ports[0], PD_PROTO_TCP, "::", 18081, 80);

	/* Exposed only: nothing on the host. */
	assert_int_equal(by_name(s, "exposed")->n_ports, 0);
	assert_int_equal(by_name(s, "noports")->n_ports, 0);
	/* Stopped and created: the list has no ports for them. */
	assert_string_equal(by_name(s, "gone")->state, "exited");
	assert_int_equal(by_name(s, "gone")->n_ports, 0);
	assert_string_equal(by_name(s, "fresh")->state, "created");
	c = by_name(s, "shop-db-1");
	assert_string_equal(c->state, "created");
	assert_string_equal(c->project, "shop");
	assert_string_equal(c->service, "db");
	pd_snapshot_free(s);
}

static void test_list_lenient_fields(void **state)
{
	static const char text[] =
		"[{\"Id\":\"aa\",\"Names\":[\"/x/link\",\"/real\"],\"Image\":7,"
		"\"Status\":\"Up 3 hours\",\"Labels\":null,"
		"\"Ports\":[{\"IP\":\"\",\"PublicPort\":8080,\"PrivatePort\":80,"
		"\"Type\":\"tcp\"},{\"PublicPort\":70000,\"Type\":\"tcp\"},"
		"{\"PublicPort\":53,\"Type\":\"sctp\"},{\"IP\":\"bogus\","
		"\"PublicPort\":1,\"Type\":\"udp\"},{\"PublicPort\":\"9\","
		"\"Type\":\"tcp\"},17]},"
		"{\"Names\":[\"/noid\"]}, 5, {\"Id\":\"bb\",\"Names\":\"nope\","
		"\"Labels\":{\"com.docker.compose.project\":3}}]";
	pd_snapshot *s = pd_snapshot_new();
	const pd_container *c;

	(void)state;
	assert_int_equal(pd__docker_parse_list(text, sizeof(text) - 1, NULL, s,
	                                       NULL, 0), 0);
	assert_int_equal(s->n_containers, 2);
	c = &s->containers[0];
	assert_string_equal(c->name, "real");
	assert_null(c->image);
	assert_string_equal(c->state, "running"); /* from "Status" */
	assert_null(c->engine);
	assert_int_equal(c->n_ports, 1);
	assert_port(&c->ports[0], PD_PROTO_TCP, NULL, 8080, 80);
	c = &s->containers[1];
	assert_string_equal(c->id, "bb");
	assert_null(c->name);
	assert_null(c->project);
	pd_snapshot_free(s);
}

static void test_list_malformed(void **state)
{
	static const char *const bad[] = {
		"", "{}", "\"x\"", "[{\"Id\":\"a\"}", "[1,]", "nul", "[{\"Id\":\"a\"}]x",
	};
	pd_snapshot *s = pd_snapshot_new();
	size_t i, len;
	char err[128], *text;

	(void)state;
	assert_int_equal(pd__docker_parse_list("[{\"Id\":\"keep\"}]", 15, NULL, s,
	                                       NULL, 0), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(pd__docker_parse_list(bad[i], strlen(bad[i]), NULL,
		                                       s, err, sizeof(err)),
		                 PD_EPARSE);
		assert_true(err[0] != '\0');
		/* s is unchanged. */
		assert_int_equal(s->n_containers, 1);
	}
	/* The recorded list cut anywhere is refused, never read past len. */
	text = load("containers.json", &len);
	for (i = 0; i < len; i += 97)
		assert_int_equal(pd__docker_parse_list(text, i, NULL, s, NULL, 0),
		                 PD_EPARSE);
	free(text);
	assert_int_equal(s->n_containers, 1);
	pd_snapshot_free(s);
}

static void test_list_large(void **state)
{
	/* 20,000 containers, each with a port: a big but honest list. */
	size_t n = 20000, i, len = 0, cap = n * 160 + 16;
	char *text = malloc(cap);
	pd_snapshot *s = pd_snapshot_new();

	(void)state;
	assert_non_null(text);
	text[len++] = '[';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
		                        "%s{\"Id\":\"%zx\",\"Names\":[\"/c%zu\"],"
		                        "\"State\":\"running\",\"Ports\":[{\"IP\":"
		                        "\"0.0.0.0\",\"PublicPort\":%zu,\"Type\":"
		                        "\"tcp\"}]}", i ? "," : "", i + 1, i,
		                        1 + i % 65535);
	text[len++] = ']';
	assert_int_equal(pd__docker_parse_list(text, len, "docker", s, NULL, 0),
	                 0);
	assert_int_equal(s->n_containers, n);
	assert_string_equal(s->containers[n - 1].name, "c19999");
	free(text);
	pd_snapshot_free(s);
}

/* ------------------------------------------------------------- inspect */

static void test_inspect_recorded(void **state)
{
	pd_snapshot *s = load_list("containers.json");
	pd_container *c;
	size_t len;
	char *text;

	(void)state;
	c = (pd_container *)by_name(s, "fresh");
	text = load("inspect-fresh.json", &len);
	assert_int_equal(pd__docker_parse_inspect(text, len, c), 0);
	free(text);
	assert_int_equal(c->n_ports, 1);
	assert_port(&c->ports[0], PD_PROTO_TCP, NULL, 18084, 80);

	c = (pd_container *)by_name(s, "gone");
	text = load("inspect-gone.json", &len);
	assert_int_equal(pd__docker_parse_inspect(text, len, c), 0);
	free(text);
	assert_int_equal(c->n_ports, 1);
	assert_port(&c->ports[0], PD_PROTO_TCP, NULL, 18085, 80);

	/* 127.0.0.1:15432:5432, 18090-18091:90-91/udp, and 9999 with no host
	 * port (skipped: the engine picks one at start). */
	c = (pd_container *)by_name(s, "shop-db-1");
	text = load("inspect-shop-db-1.json", &len);
	assert_int_equal(pd__docker_parse_inspect(text, len, c), 0);
	free(text);
	assert_int_equal(c->n_ports, 3);
	assert_port(&c->ports[0], PD_PROTO_TCP, "127.0.0.1", 15432, 5432);
	assert_port(&c->ports[1], PD_PROTO_UDP, NULL, 18090, 90);
	assert_port(&c->ports[2], PD_PROTO_UDP, NULL, 18091, 91);
	pd_snapshot_free(s);
}

static void test_inspect_odd(void **state)
{
	static const char text[] =
		"{\"HostConfig\":{\"PortBindings\":{"
		"\"80/tcp\":[{\"HostIp\":\"::1\",\"HostPort\":\"8000-8002\"}],"
		"\"x/tcp\":[{\"HostPort\":\"1\"}],\"81/quic\":[{\"HostPort\":\"2\"}],"
		"\"82/tcp\":[{\"HostPort\":\"9-3\"},{\"HostPort\":\"70000\"},"
		"{\"HostPort\":\"12x\"},{\"HostPort\":5}],\"83/udp\":null}}}";
	pd_container c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(pd__docker_parse_inspect(text, sizeof(text) - 1, &c), 0);
	assert_int_equal(c.n_ports, 3);
	assert_port(&c.ports[0], PD_PROTO_TCP, "::1", 8000, 80);
	assert_port(&c.ports[2], PD_PROTO_TCP, "::1", 8002, 80);
	assert_int_equal(pd__docker_parse_inspect("[]", 2, &c), PD_EPARSE);
	assert_int_equal(pd__docker_parse_inspect("{", 1, &c), PD_EPARSE);
	assert_int_equal(c.n_ports, 3);
	free(c.ports);
}

/* ---------------------------------------------------------------- HTTP */

static void test_http_recorded(void **state)
{
	pd_http_response r;
	bool done = true;
	size_t len, i;
	char *text = load("response-chunked-49.http", &len);
	pd_snapshot *s;

	(void)state;
	/* Fed byte by byte as a slow engine would: incomplete until the end. */
	for (i = 0; i < len; i += 1 + i / 50) {
		assert_int_equal(pd__http_parse(text, i, false, MAX, &done, &r), 0);
		assert_false(done);
	}
	assert_int_equal(pd__http_parse(text, len, false, MAX, &done, &r), 0);
	assert_true(done);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.server, "Docker/20.10.24+dfsg1 (linux)");
	assert_string_equal(pd__docker_engine_from_server(r.server), "docker");
	s = pd_snapshot_new();
	assert_int_equal(pd__docker_parse_list(r.body, r.body_len, "docker", s,
	                                       NULL, 0), 0);
	assert_int_equal(s->n_containers, 49);
	pd_snapshot_free(s);
	pd__http_response_done(&r);
	/* Cut short, then the peer closed: truncated. */
	assert_int_equal(pd__http_parse(text, len - 3, true, MAX, &done, &r),
	                 PD_EPARSE);
	/* Bigger than allowed. */
	assert_int_equal(pd__http_parse(text, len, false, 1000, &done, &r),
	                 PD_ETOOBIG);
	free(text);

	text = load("response-length-1.http", &len);
	assert_int_equal(pd__http_parse(text, len - 1, false, MAX, &done, &r), 0);
	assert_false(done);
	assert_int_equal(pd__http_parse(text, len - 1, true, MAX, &done, &r),
	                 PD_EPARSE);
	assert_int_equal(pd__http_parse(text, len, false, MAX, &done, &r), 0);
	assert_true(done);
	assert_int_equal(r.body_len, 939);
	pd__http_response_done(&r);
	free(text);
}

static void parse_str(const char *t, bool eof, int want_rc, bool want_done,
                      const char *want_body)
{
	pd_http_response r;
	bool done = false;
	int rc = pd__http_parse(t, strlen(t), eof, 64, &done, &r);

	assert_int_equal(rc, want_rc);
	if (rc == 0)
		assert_int_equal(done, want_done);
	if (rc == 0 && done) {
		assert_string_equal(r.body, want_body);
		pd__http_response_done(&r);
	}
}

static void test_http_edges(void **state)
{
	(void)state;
	parse_str("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", false, 0,
	          true, "hi");
	/* Bare LF, extensions, trailers, mixed-case names. */
	parse_str("HTTP/1.0 200 OK\ntransfer-ENCODING: chunked\n\n"
	          "2;x=y\nhi\n1\r\n!\r\n0\r\nX-T: 1\r\n\r\n", false, 0, true,
	          "hi!");
	parse_str("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	          "2\r\nhi\r\n0\r\n", false, 0, false, NULL);
	/* Until the end of the stream. */
	parse_str("HTTP/1.1 200 OK\r\n\r\nabc", false, 0, false, NULL);
	parse_str("HTTP/1.1 200 OK\r\n\r\nabc", true, 0, true, "abc");
	parse_str("HTTP/1.1 204 No Content\r\n\r\n", false, 0, true, "");
	/* Transfer-Encoding wins over Content-Length. */
	parse_str("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: "
	          "chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n", false, 0, true, "z");
	parse_str("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", false,
	          0, true, "");
	/* Malformed. */
	parse_str("SSH-2.0-OpenSSH\r\n\r\n", false, PD_EPARSE, false, NULL);
	parse_str("HTTP/1.1 2000 OK\r\n\r\n", false, PD_EPARSE, false, NULL);
	parse_str("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", false, PD_EPARSE, false,
	          NULL);
	parse_str("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false,
	          PD_EPARSE, false, NULL);
	parse_str("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	          "zz\r\n", false, PD_EPARSE, false, NULL);
	parse_str("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	          "2\r\nhiX0\r\n\r\n", false, PD_EPARSE, false, NULL);
	parse_str("garbage", true, PD_EPARSE, false, NULL);
	/* Too big (max 64 here): by length, by chunks, by digits, by eof. */
	parse_str("HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n", false,
	          PD_ETOOBIG, false, NULL);
	parse_str("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999"
	          "\r\n\r\n", false, PD_ETOOBIG, false, NULL);
	parse_str("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	          "41\r\n", false, PD_ETOOBIG, false, NULL);
	parse_str("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	          "fffffffff\r\n", false, PD_ETOOBIG, false, NULL);
	parse_str("HTTP/1.1 200 OK\r\n\r\n"
	          "0123456789012345678901234567890123456789012345678901234567890"
	          "12345", true, PD_ETOOBIG, false, NULL);
}

static void test_http_huge_header(void **state)
{
	size_t n = 70 * 1024;
	char *t = malloc(n);
	pd_http_response r;
	bool done;

	(void)state;
	assert_non_null(t);
	memcpy(t, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(t + 20, 'a', n - 20);
	assert_int_equal(pd__http_parse(t, n, false, MAX, &done, &r), PD_ETOOBIG);
	free(t);
}

/* ------------------------------------------------------------ contexts */

static void test_context_files(void **state)
{
	static const char cfg[] = "{\"auths\":{},\"currentContext\":\"pdtest\"}";
	static const char meta[] =
		"{\"Name\":\"pdtest\",\"Metadata\":{},\"Endpoints\":{\"docker\":"
		"{\"Host\":\"unix:///tmp/x.sock\",\"SkipTLSVerify\":false}}}";
	char *name = NULL, *host = NULL;

	(void)state;
	assert_int_equal(pd__docker_config_context(cfg, sizeof(cfg) - 1, &name),
	                 0);
	assert_string_equal(name, "pdtest");
	free(name);
	name = (char *)"sentinel";
	assert_int_equal(pd__docker_config_context("{}", 2, &name), PD_ENOENT);
	assert_int_equal(pd__docker_config_context("{\"currentContext\":\"\"}",
	                                           21, &name), PD_ENOENT);
	assert_int_equal(pd__docker_config_context("{", 1, &name), PD_EPARSE);
	assert_string_equal(name, "sentinel");
	assert_int_equal(pd__docker_context_meta(meta, sizeof(meta) - 1, &name,
	                                         &host), 0);
	assert_string_equal(name, "pdtest");
	assert_string_equal(host, "unix:///tmp/x.sock");
	free(name);
	free(host);
	assert_int_equal(pd__docker_context_meta("{\"Name\":\"a\"}", 12, &name,
	                                         &host), PD_ENOENT);
	assert_null(pd__docker_engine_from_server("nginx"));
	assert_string_equal(pd__docker_engine_from_server("Libpod/4.3.1 (linux)"),
	                    "podman");
}

/* ------------------------------------------------------------- lookups */

static void test_publishing(void **state)
{
	pd_snapshot *s = load_list("containers.json");
	pd_container *fresh = (pd_container *)by_name(s, "fresh");
	pd_container_port cp;
	pd_addr a;

	(void)state;
	a = A("0.0.0.0");
	assert_ptr_equal(pd_container_publishing(s, PD_PROTO_TCP, &a, 18080,
	                                         true), by_name(s, "web"));
	a = A("::");
	assert_ptr_equal(pd_container_publishing(s, PD_PROTO_TCP, &a, 18081,
	                                         true), by_name(s, "v6only"));
	/* 127.0.0.1 only: not on another address; yes on the wildcard. */
	a = A("10.0.0.1");
	assert_null(pd_container_publishing(s, PD_PROTO_TCP, &a, 18082, true));
	a = A("0.0.0.0");
	assert_ptr_equal(pd_container_publishing(s, PD_PROTO_TCP, &a, 18082,
	                                         true), by_name(s, "lo4"));
	assert_null(pd_container_publishing(s, PD_PROTO_UDP, &a, 18082, true));
	assert_ptr_equal(pd_container_publishing(s, PD_PROTO_UDP, NULL, 15353,
	                                         true), by_name(s, "dns"));
	assert_null(pd_container_publishing(s, PD_PROTO_TCP, NULL, 1, false));
	/* A created container: only when not running_only. */
	memset(&cp, 0, sizeof(cp));
	cp.proto = PD_PROTO_TCP;
	cp.host_port = 18084;
	cp.container_port = 80;
	assert_int_equal(pd_container_add_port(fresh, &cp), 0);
	assert_null(pd_container_publishing(s, PD_PROTO_TCP, NULL, 18084, true));
	assert_ptr_equal(pd_container_publishing(s, PD_PROTO_TCP, NULL, 18084,
	                                         false), fresh);
	/* The running one wins a tie. */
	cp.host_port = 18080;
	assert_int_equal(pd_container_add_port(fresh, &cp), 0);
	a = A("0.0.0.0");
	assert_ptr_equal(pd_container_publishing(s, PD_PROTO_TCP, &a, 18080,
	                                         false), by_name(s, "web"));
	assert_true(pd__is_container_proxy("docker-proxy"));
	assert_true(pd__is_container_proxy("COM.DOCKER.BACKEND.EXE"));
	assert_true(pd__is_container_proxy("wslrelay.exe"));
	assert_false(pd__is_container_proxy("docker"));
	assert_false(pd__is_container_proxy(NULL));
	pd_snapshot_free(s);
}

static void test_command(void **state)
{
	pd_container c;
	char buf[128], tiny[8];

	(void)state;
	memset(&c, 0, sizeof(c));
	c.id = (char *)"0123456789abcdef0123";
	assert_int_equal(pd_container_command(&c, "stop", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "docker stop 0123456789ab");
	c.name = (char *)"web";
	assert_int_equal(pd_container_command(&c, "rm", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "docker rm web");
	c.engine = (char *)"podman";
	assert_int_equal(pd_container_command(&c, "stop", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "podman stop web");
	/* An engine the CLI would not reach by itself is named. */
	c.endpoint = (char *)"unix:///run/user/1000/podman/podman.sock";
	assert_int_equal(pd_container_command(&c, "stop", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "podman --url unix:///run/user/1000/podman/"
	                         "podman.sock stop web");
	c.engine = NULL;
	c.endpoint = (char *)"unix:///run/user/1000/docker.sock";
	assert_int_equal(pd_container_command(&c, "rm", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "docker -H unix:///run/user/1000/docker.sock rm "
	                         "web");
	c.endpoint = NULL;
	c.project = (char *)"shop";
	c.service = (char *)"db";
	assert_int_equal(pd_container_command(&c, "stop", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "docker compose -p shop stop db");
	assert_int_equal(pd_container_command(&c, "rm", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "docker compose -p shop rm -f db");
	/* Hostile names from a pasted snapshot stay one shell word. */
	c.project = NULL;
	c.name = (char *)"a'b;$(x)";
	assert_int_equal(pd_container_command(&c, "stop", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "docker stop 'a'\\''b;$(x)'");
	c.name = (char *)"-rf";
	assert_int_equal(pd_container_command(&c, "stop", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "docker stop '-rf'");
	assert_int_equal(pd_container_command(&c, "stop", tiny, sizeof(tiny)),
	                 PD_ERANGE);
	assert_int_equal(strlen(tiny), 7);
	assert_int_equal(pd_container_command(&c, "kill", buf, sizeof(buf)),
	                 PD_EINVAL);
}

/* ------------------------------------------ diagnose and render hooks */

/* web's docker-proxy holds 0.0.0.0:18080; fresh (created) publishes
 * 18084; nothing holds 18084. */
static pd_snapshot *scene(void)
{
	pd_snapshot *s = load_list("containers.json");
	pd_container *fresh = (pd_container *)by_name(s, "fresh");
	pd_container_port cp;
	pd_socket *sk;
	pd_process *p;
	pd_bind_result b;

	s->os = strdup("linux");
	s->engine_status = 1;
	assert_int_equal(pd_snapshot_add_process(s, &p), 0);
	p->pid = 992;
	p->ppid = -1;
	p->uid = 0;
	p->start_time = -1;
	p->name = strdup("docker-proxy");
	assert_int_equal(pd_snapshot_add_socket(s, &sk), 0);
	sk->proto = PD_PROTO_TCP;
	sk->local = A("0.0.0.0");
	sk->local_port = 18080;
	sk->state = PD_STATE_LISTEN;
	sk->uid = 0;
	sk->v6only = -1;
	assert_int_equal(pd_socket_add_pid(sk, 992), 0);
	memset(&b, 0, sizeof(b));
	b.proto = PD_PROTO_TCP;
	b.addr = A("0.0.0.0");
	b.port = 18080;
	b.err = PD_EADDRINUSE;
	assert_int_equal(pd_snapshot_add_bind(s, &b), 0);
	b.port = 18084;
	b.err = 0;
	assert_int_equal(pd_snapshot_add_bind(s, &b), 0);
	memset(&cp, 0, sizeof(cp));
	cp.proto = PD_PROTO_TCP;
	cp.host_port = 18084;
	cp.container_port = 80;
	assert_int_equal(pd_container_add_port(fresh, &cp), 0);
	return s;
}

static void test_diagnose_hooks(void **state)
{
	pd_snapshot *s = scene();
	pd_target t[2];
	pd_report *rep = NULL;
	pd_render_opts ro;
	char *text = NULL;
	const pd_finding *f;

	(void)state;
	memset(&ro, 0, sizeof(ro));
	assert_int_equal(pd_target_parse("0.0.0.0:18080", &t[0]), 0);
	assert_int_equal(pd_target_parse("0.0.0.0:18084", &t[1]), 0);
	assert_int_equal(pd_diagnose(s, t, 2, &rep), 0);
	f = &rep->results[0].findings[0];
	assert_int_equal(f->code, PD_F_IN_USE);
	assert_ptr_equal(f->container, by_name(s, "web"));
	assert_true(rep->results[1].available);
	f = &rep->results[1].findings[0];
	assert_int_equal(f->code, PD_F_CONTAINER_CONFLICT);
	assert_int_equal(f->severity, PD_SEV_WARNING);
	assert_ptr_equal(f->container, by_name(s, "fresh"));

	assert_int_equal(pd_render_check_text(rep, &ro, &text), 0);
	assert_non_null(strstr(text, "container web (pd-busybox, running)\n"));
	assert_non_null(strstr(text, "docker stop web"));
	assert_non_null(strstr(text, "created container fresh publishes port "
	                             "18084/tcp: starting it will conflict"));
	assert_non_null(strstr(text, "docker rm fresh"));
	free(text);
	assert_int_equal(pd_render_check_json(rep, &text), 0);
	assert_non_null(strstr(text, "\"container\": {"));
	assert_non_null(strstr(text, "\"name\": \"web\""));
	assert_non_null(strstr(text, "\"code\": \"container_conflict\""));
	free(text);
	pd_report_free(rep);

	assert_int_equal(pd_render_list_text(s, &ro, &text), 0);
	assert_non_null(strstr(text, "container web (pd-busybox, running): "));
	free(text);
	assert_int_equal(pd_render_list_json(s, &ro, &text), 0);
	assert_non_null(strstr(text, "\"name\": \"web\""));
	free(text);
	pd_snapshot_free(s);
}

/* Containers survive a snapshot round trip, so a recorded snapshot names
 * them too. */
/* A real Podman's list and pod list: both members of pod "shop" get its
 * name, and it survives a snapshot round trip only where it is set. */
static void test_podman_pods(void **state)
{
	pd_snapshot *s = pd_snapshot_new();
	size_t len, i;
	char *text = load("podman-list.json", &len), err[128] = "", cmd[128];
	const pd_container *web, *infra = NULL;

	(void)state;
	assert_non_null(s);
	assert_int_equal(pd__docker_parse_list(text, len, "podman", s, err,
	                                       sizeof(err)), 0);
	free(text);
	assert_int_equal(s->n_containers, 2);
	text = load("podman-pods.json", &len);
	assert_int_equal(pd__docker_parse_pods(text, len, s, 0), 0);
	free(text);
	web = by_name(s, "web");
	assert_string_equal(web->pod, "shop");
	assert_string_equal(web->engine, "podman");
	for (i = 0; i < s->n_containers; i++)
		if (strstr(s->containers[i].name, "-infra"))
			infra = &s->containers[i];
	assert_non_null(infra);
	assert_string_equal(infra->pod, "shop");
	assert_int_equal(infra->n_ports, 1);
	assert_int_equal(infra->ports[0].host_port, 18081);
	assert_int_equal(pd_container_command(web, "stop", cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "podman pod stop shop");
	assert_int_equal(pd_container_command(infra, "rm", cmd, sizeof(cmd)), 0);
	assert_string_equal(cmd, "podman pod rm -f shop");
	/* conmon names its container: the infra one holds the pod's port,
	 * though web lists it too. */
	{
		pd_socket *sk;
		pd_process *pr;
		char line[256];

		assert_int_equal(pd_snapshot_add_process(s, &pr), 0);
		pr->pid = 4242;
		pr->name = strdup("conmon");
		snprintf(line, sizeof(line), "/usr/bin/conmon --api-version 1 -c %s "
		         "-u %s -n %s", infra->id, infra->id, infra->name);
		pr->cmdline = strdup(line);
		assert_int_equal(pd_snapshot_add_socket(s, &sk), 0);
		sk->proto = PD_PROTO_TCP;
		sk->local = A("127.0.0.1");
		sk->local_port = 18081;
		sk->state = PD_STATE_LISTEN;
		sk->pids = malloc(sizeof(*sk->pids));
		assert_non_null(sk->pids);
		sk->pids[0] = 4242;
		sk->n_pids = 1;
		/* The list's order would give web first. */
		assert_ptr_equal(pd_container_publishing(s, PD_PROTO_TCP, &sk->local,
		                                         18081, true), web);
		assert_ptr_equal(pd__socket_container(s, sk), infra);
	}
	/* Not a list of pods: refused, nothing changed. */
	assert_int_equal(pd__docker_parse_pods("{}", 2, s, 0), PD_EPARSE);
	assert_int_equal(pd__docker_parse_pods("[{\"Name\": 1}, 7]", 16, s, 0), 0);
	pd_snapshot_free(s);
}

static void test_snapshot_round_trip(void **state)
{
	pd_snapshot *s = scene(), *back = NULL;
	char *text = NULL, err[128];

	(void)state;
	assert_int_equal(pd_snapshot_to_json(s, &text), 0);
	assert_int_equal(pd_snapshot_from_json(text, strlen(text), err,
	                                       sizeof(err), &back), 0);
	assert_int_equal(back->n_containers, s->n_containers);
	assert_int_equal(back->engine_status, 1);
	assert_string_equal(by_name(back, "shop-web-1")->project, "shop");
	assert_int_equal(by_name(back, "fresh")->n_ports, 1);
	free(text);
	pd_snapshot_free(back);
	pd_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_recorded),
		cmocka_unit_test(test_list_lenient_fields),
		cmocka_unit_test(test_list_malformed),
		cmocka_unit_test(test_list_large),
		cmocka_unit_test(test_inspect_recorded),
		cmocka_unit_test(test_inspect_odd),
		cmocka_unit_test(test_http_recorded),
		cmocka_unit_test(test_http_edges),
		cmocka_unit_test(test_http_huge_header),
		cmocka_unit_test(test_context_files),
		cmocka_unit_test(test_publishing),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_diagnose_hooks),
		cmocka_unit_test(test_snapshot_round_trip),
		cmocka_unit_test(test_podman_pods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
