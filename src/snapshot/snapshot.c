/*
 * src/snapshot/: the snapshot (the plain data a probe fills: sockets,
 * processes, ranges, bind tests, containers) with its JSON writer (write.c)
 * and reader (read.c).  May include: src/core.  Included by: the probes
 * (through the public header), the CLI.
 *
 * The snapshot: everything a probe saw, as plain data.
 *
 * Arrays grow by doubling through pd__reallocarray (overflow-checked); each
 * add_* returns a zeroed element owned by the snapshot, so a probe fills
 * fields in place.  Strings are owned by their element and freed by
 * pd_snapshot_free().
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "portdoctor/portdoctor.h"

/* Upper bound on any one array, so a hostile snapshot file cannot make us
 * allocate without end. */
#define MAX_ELEMS (4u * 1024u * 1024u)

pd_snapshot *pd_snapshot_new(void)
{
	pd_snapshot *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->schema = PD_SCHEMA_VERSION;
	s->uid = -1;
	s->unprivileged_port_start = -1;
	s->winnat_running = -1;
	s->hyperv_present = -1;
	s->wsl_present = -1;
	s->docker_desktop_present = -1;
	s->wsl_mirrored = -1;
	s->engine_status = -1;
	return s;
}

/* Appends one zeroed element of size sz to *arr (length *n). */
static void *grow_one(void **arr, size_t *n, size_t sz)
{
	void *p;
	size_t cap;

	if (*n >= MAX_ELEMS)
		return NULL;
	/* Capacity is the next power of two >= n: grow when n is one. */
	if (*n == 0 || (*n & (*n - 1)) == 0) {
		cap = *n ? *n * 2 : 4;
		p = pd__reallocarray(*arr, cap, sz);
		if (!p)
			return NULL;
		*arr = p;
	}
	p = (char *)*arr + *n * sz;
	memset(p, 0, sz);
	(*n)++;
	return p;
}

int pd_snapshot_add_socket(pd_snapshot *s, pd_socket **ret)
{
	pd_socket *sk = grow_one((void **)&s->sockets, &s->n_sockets,
	                         sizeof(*sk));

	if (!sk)
		return PD_ENOMEM;
	sk->v6only = -1;
	sk->uid = -1;
	*ret = sk;
	return 0;
}

int pd_snapshot_add_process(pd_snapshot *s, pd_process **ret)
{
	pd_process *p = grow_one((void **)&s->procs, &s->n_procs, sizeof(*p));

	if (!p)
		return PD_ENOMEM;
	free(s->proc_index);
	s->proc_index = NULL;
	p->ppid = -1;
	p->uid = -1;
	p->start_time = -1;
	*ret = p;
	return 0;
}

int pd_snapshot_add_range(pd_range **arr, size_t *n, const pd_range *r)
{
	pd_range *dst;

	if (r->start > r->end)
		return PD_EINVAL;
	dst = grow_one((void **)arr, n, sizeof(*dst));
	if (!dst)
		return PD_ENOMEM;
	*dst = *r;
	return 0;
}

int pd_snapshot_add_addr(pd_snapshot *s, const char *ifname, const pd_addr *a,
                         int prefix_len, bool up)
{
	pd_iface_addr *ia;
	char *name = NULL;

	if (ifname && !(name = pd__strdup(ifname)))
		return PD_ENOMEM;
	ia = grow_one((void **)&s->addrs, &s->n_addrs, sizeof(*ia));
	if (!ia) {
		free(name);
		return PD_ENOMEM;
	}
	ia->name = name;
	ia->addr = *a;
	ia->prefix_len = prefix_len;
	ia->up = up;
	return 0;
}

int pd_snapshot_add_bind(pd_snapshot *s, const pd_bind_result *b)
{
	pd_bind_result *dst;
	char *name = NULL;

	if (b->os_name && !(name = pd__strdup(b->os_name)))
		return PD_ENOMEM;
	dst = grow_one((void **)&s->binds, &s->n_binds, sizeof(*dst));
	if (!dst) {
		free(name);
		return PD_ENOMEM;
	}
	*dst = *b;
	dst->os_name = name;
	return 0;
}

int pd_snapshot_add_note(pd_snapshot *s, const char *code, const char *message)
{
	pd_probe_note *n;
	char *c = pd__strdup(code), *m = pd__strdup(message);

	if (!c || (message && !m))
		goto fail;
	n = grow_one((void **)&s->notes, &s->n_notes, sizeof(*n));
	if (!n)
		goto fail;
	n->code = c;
	n->message = m;
	return 0;
fail:
	free(c);
	free(m);
	return PD_ENOMEM;
}

int pd_socket_add_pid(pd_socket *sk, int pid)
{
	size_t i;
	int *p;

	for (i = 0; i < sk->n_pids; i++)
		if (sk->pids[i] == pid)
			return 0;
	p = grow_one((void **)&sk->pids, &sk->n_pids, sizeof(*p));
	if (!p)
		return PD_ENOMEM;
	*p = pid;
	sk->owner_status = PD_OWNER_FOUND;
	return 0;
}

int pd_socket_add_pids(pd_socket *sk, const int *pids, size_t n)
{
	size_t m = sk->n_pids + n, cap = 4;
	int *all;
	long k;

	if (!n)
		return 0;
	if (m < n || m > MAX_ELEMS)
		return PD_ENOMEM;
	/* grow_one's rule: the capacity is the next power of two >= n. */
	while (cap < m)
		cap *= 2;
	all = pd__reallocarray(NULL, cap, sizeof(*all));
	if (!all)
		return PD_ENOMEM;
	if (sk->n_pids)
		memcpy(all, sk->pids, sk->n_pids * sizeof(*all));
	memcpy(all + sk->n_pids, pids, n * sizeof(*all));
	k = pd__uniq_ints(all, m);
	if (k < 0) {
		free(all);
		return (int)k;
	}
	free(sk->pids);
	sk->pids = all;
	sk->n_pids = (size_t)k;
	return 0;
}

int pd_snapshot_add_container(pd_snapshot *s, pd_container **ret)
{
	pd_container *c = grow_one((void **)&s->containers, &s->n_containers,
	                           sizeof(*c));

	if (!c)
		return PD_ENOMEM;
	*ret = c;
	return 0;
}

int pd_container_add_port(pd_container *c, const pd_container_port *p)
{
	pd_container_port *dst = grow_one((void **)&c->ports, &c->n_ports,
	                                  sizeof(*dst));

	if (!dst)
		return PD_ENOMEM;
	*dst = *p;
	return 0;
}

int pd_snapshot_add_http(pd_snapshot *s, const pd_http_registration *r)
{
	pd_http_registration *dst;
	char *url;

	if (!r->url)
		return PD_EINVAL;
	url = pd__strdup(r->url);
	if (!url)
		return PD_ENOMEM;
	dst = grow_one((void **)&s->http_registrations, &s->n_http_registrations,
	               sizeof(*dst));
	if (!dst) {
		free(url);
		return PD_ENOMEM;
	}
	*dst = *r;
	dst->url = url;
	if (dst->n_pids > PD_HTTP_MAX_PIDS)
		dst->n_pids = PD_HTTP_MAX_PIDS;
	return 0;
}

int pd_snapshot_add_portproxy(pd_snapshot *s, const pd_portproxy_rule *r)
{
	pd_portproxy_rule *dst;
	char *la, *ca = NULL;

	if (!r->listen_address)
		return PD_EINVAL;
	la = pd__strdup(r->listen_address);
	if (!la || (r->connect_address && !(ca = pd__strdup(r->connect_address))))
		goto fail;
	dst = grow_one((void **)&s->portproxy_rules, &s->n_portproxy_rules,
	               sizeof(*dst));
	if (!dst)
		goto fail;
	*dst = *r;
	dst->listen_address = la;
	dst->connect_address = ca;
	return 0;
fail:
	free(la);
	free(ca);
	return PD_ENOMEM;
}

const char *pd_portproxy_kind(const pd_portproxy_rule *r)
{
	static const char *const kinds[4] = {"v4tov4", "v4tov6", "v6tov4",
	                                     "v6tov6"};
	int l = r->listen_family == PD_FAMILY_V4 ? 0 :
	        r->listen_family == PD_FAMILY_V6 ? 1 : -1;
	int c = r->connect_family == PD_FAMILY_V4 ? 0 :
	        r->connect_family == PD_FAMILY_V6 ? 1 : -1;

	return l < 0 || c < 0 ? NULL : kinds[l * 2 + c];
}

void pd_container_done(pd_container *c)
{
	free(c->id);
	free(c->name);
	free(c->image);
	free(c->state);
	free(c->project);
	free(c->service);
	free(c->engine);
	free(c->pod);
	free(c->endpoint);
	free(c->ports);
	memset(c, 0, sizeof(*c));
}

typedef struct pid_key {
	int pid;
	size_t i;
} pid_key;

/* By pid, then by position, so the first of equal pids is the one a
 * linear search finds. */
static int cmp_pid_key(const void *a, const void *b)
{
	const pid_key *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->i > y->i) - (x->i < y->i);
}

int pd_snapshot_index_processes(pd_snapshot *s)
{
	pid_key *keys;
	size_t i, *idx;

	free(s->proc_index);
	s->proc_index = NULL;
	if (!s->n_procs)
		return 0;
	keys = pd__reallocarray(NULL, s->n_procs, sizeof(*keys));
	idx = pd__reallocarray(NULL, s->n_procs, sizeof(*idx));
	if (!keys || !idx) {
		free(keys);
		free(idx);
		return PD_ENOMEM;
	}
	for (i = 0; i < s->n_procs; i++) {
		keys[i].pid = s->procs[i].pid;
		keys[i].i = i;
	}
	qsort(keys, s->n_procs, sizeof(*keys), cmp_pid_key);
	for (i = 0; i < s->n_procs; i++)
		idx[i] = keys[i].i;
	free(keys);
	s->proc_index = idx;
	return 0;
}

const pd_process *pd_snapshot_find_process(const pd_snapshot *s, int pid)
{
	size_t i, lo = 0, hi = s->n_procs;

	if (!s->proc_index) {
		for (i = 0; i < s->n_procs; i++)
			if (s->procs[i].pid == pid)
				return &s->procs[i];
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->procs[s->proc_index[mid]].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->n_procs || s->procs[s->proc_index[lo]].pid != pid)
		return NULL;
	return &s->procs[s->proc_index[lo]];
}

const pd_bind_result *pd_snapshot_find_bind(const pd_snapshot *s, pd_proto p,
                                            const pd_addr *a, uint16_t port)
{
	size_t i;

	for (i = 0; i < s->n_binds; i++) {
		const pd_bind_result *b = &s->binds[i];

		if (b->proto == p && b->port == port && pd_addr_equal(&b->addr, a))
			return b;
	}
	return NULL;
}

bool pd_snapshot_has_addr(const pd_snapshot *s, const pd_addr *a)
{
	size_t i;

	if (pd_addr_is_any(a))
		return true;
	for (i = 0; i < s->n_addrs; i++)
		if (pd_addr_equal(&s->addrs[i].addr, a))
			return true;
	/* Linux answers for all of 127.0.0.0/8 on lo. */
	if (a->family == PD_FAMILY_V4 && a->bytes[0] == 127)
		for (i = 0; i < s->n_addrs; i++)
			if (s->addrs[i].addr.family == PD_FAMILY_V4 &&
			    s->addrs[i].addr.bytes[0] == 127 &&
			    s->addrs[i].prefix_len == 8)
				return true;
	return false;
}

static void process_done(pd_process *p)
{
	free(p->name);
	free(p->exe);
	free(p->cmdline);
	free(p->user);
	free(p->cwd);
	free(p->cgroup);
	free(p->service);
}

void pd_snapshot_free(pd_snapshot *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_sockets; i++) {
		free(s->sockets[i].ifname);
		free(s->sockets[i].pids);
	}
	free(s->sockets);
	for (i = 0; i < s->n_procs; i++)
		process_done(&s->procs[i]);
	free(s->procs);
	free(s->proc_index);
	free(s->dynamic);
	free(s->reserved);
	free(s->excluded);
	for (i = 0; i < s->n_addrs; i++)
		free(s->addrs[i].name);
	free(s->addrs);
	for (i = 0; i < s->n_binds; i++)
		free(s->binds[i].os_name);
	free(s->binds);
	for (i = 0; i < s->n_notes; i++) {
		free(s->notes[i].code);
		free(s->notes[i].message);
	}
	free(s->notes);
	for (i = 0; i < s->n_containers; i++)
		pd_container_done(&s->containers[i]);
	free(s->containers);
	for (i = 0; i < s->n_http_registrations; i++)
		free(s->http_registrations[i].url);
	free(s->http_registrations);
	for (i = 0; i < s->n_portproxy_rules; i++) {
		free(s->portproxy_rules[i].listen_address);
		free(s->portproxy_rules[i].connect_address);
	}
	free(s->portproxy_rules);
	free(s->os);
	free(s->os_detail);
	free(s->hostname);
	free(s);
}
