/*
 * Building snapshots by hand for the pure-core tests (diagnose, render,
 * snapshot JSON).  Header-only: each test program includes it once.
 */
#ifndef PD_TEST_SNAPFIX_H
#define PD_TEST_SNAPFIX_H

#include <stdlib.h>
#include <string.h>

#include "portdoctor/portdoctor.h"

static inline pd_addr fx_addr(const char *s)
{
	pd_addr a;

	assert_int_equal(pd_addr_parse(s, strlen(s), &a), 0);
	return a;
}

static inline pd_snapshot *fx_linux(void)
{
	pd_snapshot *s = pd_snapshot_new();
	pd_range dyn = {PD_PROTO_NONE, PD_FAMILY_ANY, 32768, 60999, false};
	pd_addr a;

	assert_non_null(s);
	s->os = strdup("linux");
	s->hostname = strdup("testhost");
	s->privileged = false;
	s->can_bind_privileged = false;
	s->uid = 1000;
	s->unprivileged_port_start = 1024;
	assert_int_equal(pd_snapshot_add_range(&s->dynamic, &s->n_dynamic, &dyn), 0);
	a = fx_addr("127.0.0.1");
	assert_int_equal(pd_snapshot_add_addr(s, "lo", &a, 8, true), 0);
	a = fx_addr("::1");
	assert_int_equal(pd_snapshot_add_addr(s, "lo", &a, 128, true), 0);
	a = fx_addr("10.1.2.3");
	assert_int_equal(pd_snapshot_add_addr(s, "eth0", &a, 24, true), 0);
	return s;
}

/* Adds a socket; pid 0 = no owner found. */
static inline size_t fx_socket(pd_snapshot *s, pd_proto p, const char *addr,
                        uint16_t port, pd_sock_state st, int v6only, int pid)
{
	pd_socket *sk;

	assert_int_equal(pd_snapshot_add_socket(s, &sk), 0);
	sk->proto = p;
	sk->local = fx_addr(addr);
	sk->local_port = port;
	sk->state = st;
	sk->v6only = v6only;
	sk->uid = 1000;
	sk->owner_status = PD_OWNER_UNKNOWN;
	if (pid)
		assert_int_equal(pd_socket_add_pid(sk, pid), 0);
	return s->n_sockets - 1;
}

static inline void fx_process(pd_snapshot *s, int pid, const char *name,
                       const char *cmdline)
{
	pd_process *p;

	assert_int_equal(pd_snapshot_add_process(s, &p), 0);
	p->pid = pid;
	p->ppid = 1;
	p->name = name ? strdup(name) : NULL;
	p->cmdline = cmdline ? strdup(cmdline) : NULL;
	p->user = strdup("dev");
	p->uid = 1000;
	p->start_time = 1795766400; /* 2026-11-27 00:00:00 UTC */
}

static inline void fx_bind(pd_snapshot *s, pd_proto p, const char *addr,
                    uint16_t port, int err, int os_code, const char *os_name)
{
	pd_bind_result b;

	memset(&b, 0, sizeof(b));
	b.proto = p;
	b.addr = fx_addr(addr);
	b.port = port;
	b.err = err;
	b.os_code = os_code;
	b.os_name = (char *)os_name;
	assert_int_equal(pd_snapshot_add_bind(s, &b), 0);
}

static inline pd_target fx_target(const char *text)
{
	pd_target t;

	assert_int_equal(pd_target_parse(text, &t), 0);
	return t;
}

/* Diagnoses one target and returns the report (one result per port). */
static inline pd_report *fx_diagnose(const pd_snapshot *s, const char *target)
{
	pd_target t = fx_target(target);
	pd_report *r = NULL;

	assert_int_equal(pd_diagnose(s, &t, 1, &r), 0);
	assert_non_null(r);
	return r;
}

static inline const pd_finding *fx_find(const pd_result *r, pd_finding_code c)
{
	size_t i;

	for (i = 0; i < r->n_findings; i++)
		if (r->findings[i].code == c)
			return &r->findings[i];
	return NULL;
}

static inline size_t fx_count(const pd_result *r, pd_finding_code c)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_findings; i++)
		n += r->findings[i].code == c;
	return n;
}

#endif
