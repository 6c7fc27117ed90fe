/*
 * Ports to check when the pasted error names none: Docker Desktop's bare
 * "Ports are not available", a trace cut before the address.  The engine
 * knows which host ports its containers publish; those that did not start
 * (created, exited) are the likely culprits and come first.  Pure.
 */
#include <stdlib.h>
#include <string.h>

#include "explain.h"

static bool same_target(const pd_target *a, const pd_target *b)
{
	return a->proto == b->proto && a->host == b->host && a->port_lo == b->port_lo &&
	       (a->host != PD_HOST_ADDR || pd_addr_equal(&a->addr, &b->addr));
}

static int add(pd_explain_guess **arr, size_t *n, size_t max, const pd_target *t,
               const pd_container *c)
{
	pd_explain_guess *g;
	for (size_t i = 0; i < *n; i++)
		if (same_target(&(*arr)[i].target, t))
			return 0;
	if (*n >= max)
		return 0;
	g = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!g)
		return PD_ENOMEM;
	*arr = g;
	memset(&g[*n], 0, sizeof(g[*n]));
	g[*n].target = *t;
	g[*n].container = c;
	(*n)++;
	return 0;
}

/*
 * The engine lists containers newest first (Docker Engine API, "List
 * containers": the example response runs from the newest "Created" down,
 * https://docs.docker.com/engine/reference/api/docker_remote_api_v1.24/)
 * and the snapshot keeps that order; so does Podman's compatible API.
 */
int pd_explain_container_guesses(const pd_snapshot *s, size_t max,
                                 pd_explain_guess **ret, size_t *ret_n)
{
	pd_explain_guess *arr = NULL;
	size_t n = 0;

	if (!s || !ret || !ret_n)
		return PD_EINVAL;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < s->n_containers; i++) {
			const pd_container *c = &s->containers[i];
			if (pd_container_is_active(c) != (pass == 1))
				continue;
			for (size_t k = 0; k < c->n_ports; k++) {
				const pd_container_port *cp = &c->ports[k];
				pd_target t;
				if (!cp->host_port)
					continue;
				memset(&t, 0, sizeof(t));
				t.proto = cp->proto == PD_PROTO_UDP ? PD_PROTO_UDP : PD_PROTO_TCP;
				t.port_lo = t.port_hi = cp->host_port;
				t.host = cp->host_addr.family ? PD_HOST_ADDR : PD_HOST_ALL;
				if (t.host == PD_HOST_ADDR)
					t.addr = cp->host_addr;
				if (add(&arr, &n, max, &t, c) < 0) {
					free(arr);
					return PD_ENOMEM;
				}
			}
		}
	*ret = arr;
	*ret_n = n;
	return 0;
}

/* No engine, or nothing published: the common development ports, as
 * `portdoctor doctor` checks them (tcp, every address). */
int pd_explain_common_guesses(pd_explain_guess **ret, size_t *ret_n)
{
	pd_explain_guess *arr = NULL;
	size_t n = 0;

	if (!ret || !ret_n)
		return PD_EINVAL;
	for (size_t i = 0; i < pd_n_common_ports; i++) {
		pd_target t;
		memset(&t, 0, sizeof(t));
		t.proto = PD_PROTO_TCP;
		t.host = PD_HOST_ALL;
		t.port_lo = t.port_hi = pd_common_ports[i];
		if (add(&arr, &n, pd_n_common_ports, &t, NULL) < 0) {
			free(arr);
			return PD_ENOMEM;
		}
	}
	*ret = arr;
	*ret_n = n;
	return 0;
}
