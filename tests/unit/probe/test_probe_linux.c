/*
 * Live test of the Linux probe: real sockets on 127.0.0.1 and ::1 only.
 *
 * A forked child forks a grandchild that holds a TCP listener (v4), a
 * v6only TCP listener on ::1 and a UDP socket, then sleeps until killed;
 * the child waits, so the owner found must be the grandchild, not the
 * test.  Owner checks need root (the owner walk of another process); the
 * not-root case drops to nobody in a forked child.  No namespaces needed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "probe/probe.h"

typedef struct held {
	pid_t child, grandchild;
	uint16_t tcp4, tcp6, udp4;
} held;

static held H;

static uint16_t bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return ss.ss_family == AF_INET6
	           ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
	           : ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int loopback_socket(int af, int type, bool v6only)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	int fd = socket(af, type, 0), one = 1;

	if (fd < 0)
		return -1;
	if (af == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		(void)v6only;
		sin6.sin6_addr = in6addr_loopback;
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0)
			return -1;
	} else {
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			return -1;
	}
	if (type == SOCK_STREAM && listen(fd, 8) < 0)
		return -1;
	return fd;
}

static int setup(void **state)
{
	int p[2];
	int ports[4];
	(void)state;

	if (pipe(p) < 0)
		return -1;
	H.child = fork();
	if (H.child == 0) {
		pid_t gc = fork();

		if (gc == 0) {
			int a = loopback_socket(AF_INET, SOCK_STREAM, false);
			int b = loopback_socket(AF_INET6, SOCK_STREAM, true);
			int c = loopback_socket(AF_INET, SOCK_DGRAM, false);

			prctl(PR_SET_NAME, "pd-holder", 0, 0, 0);
			ports[0] = (int)getpid();
			ports[1] = bound_port(a);
			ports[2] = bound_port(b);
			ports[3] = bound_port(c);
			if (write(p[1], ports, sizeof(ports)) != sizeof(ports))
				_exit(1);
			for (;;)
				pause();
		}
		waitpid(gc, NULL, 0);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], ports, sizeof(ports)) != sizeof(ports))
		return -1;
	close(p[0]);
	H.tcp4 = (uint16_t)ports[1];
	H.tcp6 = (uint16_t)ports[2];
	H.udp4 = (uint16_t)ports[3];
	H.grandchild = ports[0];
	return H.tcp4 && H.tcp6 && H.udp4 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	/* Kill exactly the two processes we made, by pid. */
	if (H.grandchild > 0)
		kill(H.grandchild, SIGKILL);
	if (H.child > 0) {
		kill(H.child, SIGKILL);
		waitpid(H.child, NULL, 0);
	}
	return 0;
}

static pd_snapshot *collect_port(pd_proto proto, uint16_t port, int owners)
{
	pd_range r = {proto, PD_FAMILY_ANY, port, port, false};
	pd_probe_opts o;
	pd_snapshot *s = NULL;
	char err[200] = "";

	memset(&o, 0, sizeof(o));
	o.ports = &r;
	o.n_ports = 1;
	o.owners = owners;
	assert_int_equal(pd_probe_collect(&o, err, sizeof(err), &s), 0);
	assert_non_null(s);
	return s;
}

static const pd_socket *find(const pd_snapshot *s, pd_proto p, pd_family f,
                             uint16_t port, pd_sock_state st)
{
	size_t i;

	for (i = 0; i < s->n_sockets; i++)
		if (s->sockets[i].proto == p && s->sockets[i].local.family == f &&
		    s->sockets[i].local_port == port && s->sockets[i].state == st)
			return &s->sockets[i];
	return NULL;
}

static void test_context(void **state)
{
	pd_probe_opts o;
	pd_snapshot *s = NULL;
	size_t i;
	bool lo = false;
	(void)state;

	memset(&o, 0, sizeof(o));
	assert_int_equal(pd_probe_collect(&o, NULL, 0, &s), 0);
	assert_string_equal(s->os, "linux");
	assert_non_null(s->os_detail);
	assert_int_equal(s->uid, (int64_t)geteuid());
	assert_true(s->n_dynamic == 1);
	assert_true(s->unprivileged_port_start >= 0);
	for (i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].addr.family == PD_FAMILY_V4 &&
		    s->addrs[i].addr.bytes[0] == 127)
			lo = s->addrs[i].prefix_len == 8 && s->addrs[i].up;
	assert_true(lo);
	assert_int_equal(s->n_sockets, 0);
	pd_snapshot_free(s);
}

static void test_tcp4_owner(void **state)
{
	pd_snapshot *s = collect_port(PD_PROTO_TCP, H.tcp4, 1);
	const pd_socket *sk = find(s, PD_PROTO_TCP, PD_FAMILY_V4, H.tcp4,
	                           PD_STATE_LISTEN);
	const pd_process *p;
	(void)state;

	assert_non_null(sk);
	assert_int_equal(sk->local.bytes[0], 127);
	assert_int_equal(sk->uid, (int64_t)geteuid());
	assert_true(sk->inode != 0);
	if (geteuid() != 0) {
		skip();
	}
	assert_int_equal(sk->owner_status, PD_OWNER_FOUND);
	assert_int_equal(sk->n_pids, 1);
	assert_int_equal(sk->pids[0], H.grandchild);
	p = pd_snapshot_find_process(s, sk->pids[0]);
	assert_non_null(p);
	assert_string_equal(p->name, "pd-holder");
	assert_int_equal(p->ppid, H.child);
	assert_non_null(p->cmdline);
	/* The grandchild inherits our argv. */
	assert_non_null(strstr(p->cmdline, program_invocation_short_name));
	assert_non_null(p->exe);
	assert_int_equal(p->uid, (int64_t)geteuid());
	assert_true(p->start_time > 1000000000);
	pd_snapshot_free(s);
}

static void test_tcp6_v6only(void **state)
{
	pd_snapshot *s = collect_port(PD_PROTO_TCP, H.tcp6, 1);
	const pd_socket *sk = find(s, PD_PROTO_TCP, PD_FAMILY_V6, H.tcp6,
	                           PD_STATE_LISTEN);
	(void)state;

	assert_non_null(sk);
	assert_int_equal(sk->local.bytes[15], 1);
	assert_int_equal(sk->v6only, 1);
	pd_snapshot_free(s);
}

static void test_udp(void **state)
{
	pd_snapshot *s = collect_port(PD_PROTO_UDP, H.udp4, 1);
	const pd_socket *sk = find(s, PD_PROTO_UDP, PD_FAMILY_V4, H.udp4,
	                           PD_STATE_UNCONN);
	(void)state;

	assert_non_null(sk);
	if (geteuid() == 0)
		assert_int_equal(sk->owner_status, PD_OWNER_FOUND);
	/* A TCP-only question must not list the UDP socket. */
	pd_snapshot_free(s);
	s = collect_port(PD_PROTO_TCP, H.udp4, 1);
	assert_null(find(s, PD_PROTO_UDP, PD_FAMILY_V4, H.udp4, PD_STATE_UNCONN));
	pd_snapshot_free(s);
}

static void test_time_wait(void **state)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	int l = loopback_socket(AF_INET, SOCK_STREAM, false), c, a;
	uint16_t port = bound_port(l);
	const pd_socket *sk;
	pd_snapshot *s;
	(void)state;

	assert_true(l >= 0);
	getsockname(l, (struct sockaddr *)&sin, &len);
	c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	a = accept(l, NULL, NULL);
	assert_true(a >= 0);
	/* The side that closes first keeps TIME_WAIT: the server's. */
	close(a);
	usleep(50000);
	close(c);
	close(l);
	usleep(50000);
	s = collect_port(PD_PROTO_TCP, port, 1);
	sk = find(s, PD_PROTO_TCP, PD_FAMILY_V4, port, PD_STATE_TIME_WAIT);
	assert_non_null(sk);
	assert_int_equal(sk->inode, 0);
	assert_int_equal(sk->uid, -1);
	assert_int_equal(sk->owner_status, PD_OWNER_NOT_SEARCHED);
	pd_snapshot_free(s);
}

static void test_bind(void **state)
{
	pd_endpoint ep = {PD_PROTO_TCP, pd_addr_loopback(PD_FAMILY_V4), H.tcp4,
	                  false};
	pd_bind_result b, sentinel;
	int fd;
	uint16_t free_port;
	(void)state;

	assert_int_equal(pd_probe_bind_test(&ep, &b), 0);
	assert_int_equal(b.err, PD_EADDRINUSE);
	assert_string_equal(b.os_name, "EADDRINUSE");
	assert_true(b.reuseaddr);
	ep.proto = PD_PROTO_UDP;
	ep.port = H.udp4;
	assert_int_equal(pd_probe_bind_test(&ep, &b), 0);
	assert_int_equal(b.err, PD_EADDRINUSE);
	assert_false(b.reuseaddr);
	fd = loopback_socket(AF_INET, SOCK_STREAM, false);
	free_port = bound_port(fd);
	close(fd);
	ep.proto = PD_PROTO_TCP;
	ep.port = free_port;
	assert_int_equal(pd_probe_bind_test(&ep, &b), 0);
	assert_int_equal(b.err, 0);
	assert_null(b.os_name);
	ep.addr = pd_addr_loopback(PD_FAMILY_V6);
	ep.v6only = true;
	ep.port = H.tcp6;
	assert_int_equal(pd_probe_bind_test(&ep, &b), 0);
	assert_int_equal(b.err, PD_EADDRINUSE);
	assert_true(b.v6only);
	memset(&sentinel, 0x11, sizeof(sentinel));
	b = sentinel;
	ep.proto = PD_PROTO_NONE;
	assert_int_equal(pd_probe_bind_test(&ep, &b), PD_EINVAL);
	assert_memory_equal(&b, &sentinel, sizeof(b));
}

/* Denied: PID 1 here refuses readlink on its fds even to root, and holds
 * 0.0.0.0:2024.  Not found elsewhere -> DENIED, partial. */
static void test_not_root(void **state)
{
	pid_t pid;
	int status;
	(void)state;

	if (geteuid() != 0)
		skip();
	pid = fork();
	if (pid == 0) {
		pd_snapshot *s;
		const pd_socket *sk;
		size_t i;
		bool note = false;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		s = collect_port(PD_PROTO_TCP, H.tcp4, 1);
		sk = find(s, PD_PROTO_TCP, PD_FAMILY_V4, H.tcp4, PD_STATE_LISTEN);
		if (!sk)
			_exit(11);
		if (sk->owner_status != PD_OWNER_DENIED || !s->owners_partial)
			_exit(12);
		for (i = 0; i < s->n_notes; i++)
			note |= strcmp(s->notes[i].code, "not_root") == 0;
		if (!note || s->privileged)
			_exit(13);
		pd_snapshot_free(s);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_context),
	    cmocka_unit_test(test_tcp4_owner),
	    cmocka_unit_test(test_tcp6_v6only),
	    cmocka_unit_test(test_udp),
	    cmocka_unit_test(test_time_wait),
	    cmocka_unit_test(test_bind),
	    cmocka_unit_test(test_not_root),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
