/*
 * Test driver for the Windows probe: calls pd_probe_collect() with the
 * options given on the command line and prints what it saw, one fact per
 * line, so tests/wine/run can grep it.  Stands in for the CLI until the
 * Wine checks move to `portdoctor`.
 *
 *   probe_driver [--listeners] [--owners N] [--port N]...
 *                [--bind tcp|udp ADDR PORT [v6only]]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"

#define MAX_ITEMS 32

static void print_range(const char *kind, const pd_range *r)
{
	printf("%s %s v%d %u-%u%s\n", kind,
	       r->proto ? pd_proto_name(r->proto) : "any", (int)r->family,
	       (unsigned)r->start, (unsigned)r->end,
	       r->administered ? " administered" : "");
}

static void print_snapshot(const pd_snapshot *s)
{
	char a[PD_ADDR_STRLEN], b[PD_ADDR_STRLEN];
	size_t i, j;

	printf("os %s %s host=%s privileged=%d\n", s->os, s->os_detail,
	       s->hostname, (int)s->privileged);
	printf("context winnat=%d hyperv=%d wsl=%d docker=%d\n",
	       s->winnat_running, s->hyperv_present, s->wsl_present,
	       s->docker_desktop_present);
	for (i = 0; i < s->n_sockets; i++) {
		const pd_socket *k = &s->sockets[i];

		printf("socket %s %s:%u %s:%u %s owner=%d pids=",
		       pd_proto_name(k->proto),
		       pd_addr_format(&k->local, a, sizeof(a)),
		       (unsigned)k->local_port,
		       pd_addr_format(&k->remote, b, sizeof(b)),
		       (unsigned)k->remote_port, pd_sock_state_name(k->state),
		       (int)k->owner_status);
		for (j = 0; j < k->n_pids; j++)
			printf("%s%d", j ? "," : "", k->pids[j]);
		printf("\n");
	}
	for (i = 0; i < s->n_procs; i++) {
		const pd_process *p = &s->procs[i];

		printf("process %d ppid=%d name=%s exe=%s user=%s service=%s "
		       "start=%lld cmdline=%s\n",
		       p->pid, p->ppid, p->name ? p->name : "-",
		       p->exe ? p->exe : "-", p->user ? p->user : "-",
		       p->service ? p->service : "-", (long long)p->start_time,
		       p->cmdline ? p->cmdline : "-");
	}
	for (i = 0; i < s->n_dynamic; i++)
		print_range("dynamic", &s->dynamic[i]);
	for (i = 0; i < s->n_excluded; i++)
		print_range("excluded", &s->excluded[i]);
	for (i = 0; i < s->n_addrs; i++)
		printf("addr %s %s/%d %s\n", s->addrs[i].name,
		       pd_addr_format(&s->addrs[i].addr, a, sizeof(a)),
		       s->addrs[i].prefix_len, s->addrs[i].up ? "up" : "down");
	for (i = 0; i < s->n_binds; i++) {
		const pd_bind_result *r = &s->binds[i];

		printf("bind %s %s:%u v6only=%d err=%s os_code=%d os_name=%s\n",
		       pd_proto_name(r->proto),
		       pd_addr_format(&r->addr, a, sizeof(a)), (unsigned)r->port,
		       (int)r->v6only, r->err ? pd_err_name(r->err) : "0",
		       r->os_code, r->os_name ? r->os_name : "-");
	}
	for (i = 0; i < s->n_notes; i++)
		printf("note %s: %s\n", s->notes[i].code,
		       s->notes[i].message ? s->notes[i].message : "");
}

static int usage(void)
{
	fprintf(stderr, "usage: probe_driver [--listeners] [--owners N] "
	                "[--port N]... [--bind tcp|udp ADDR PORT [v6only]]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	pd_range ports[MAX_ITEMS];
	pd_endpoint binds[MAX_ITEMS];
	pd_probe_opts o;
	pd_snapshot *s = NULL;
	char err[256] = "";
	int i, rc;

	memset(&o, 0, sizeof(o));
	memset(ports, 0, sizeof(ports));
	memset(binds, 0, sizeof(binds));
	o.ports = ports;
	o.binds = binds;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listeners") == 0) {
			o.listeners = true;
		} else if (strcmp(argv[i], "--owners") == 0 && i + 1 < argc) {
			o.owners = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc &&
		           o.n_ports < MAX_ITEMS) {
			pd_range *r = &ports[o.n_ports++];

			r->start = r->end = (uint16_t)atoi(argv[++i]);
		} else if (strcmp(argv[i], "--bind") == 0 && i + 3 < argc &&
		           o.n_binds < MAX_ITEMS) {
			pd_endpoint *e = &binds[o.n_binds++];
			const char *addr = argv[i + 2];

			if (pd_proto_parse(argv[i + 1], strlen(argv[i + 1]),
			                   &e->proto) < 0 ||
			    pd_addr_parse(addr, strlen(addr), &e->addr) < 0)
				return usage();
			e->port = (uint16_t)atoi(argv[i + 3]);
			i += 3;
			if (i + 1 < argc && strcmp(argv[i + 1], "v6only") == 0) {
				e->v6only = true;
				i++;
			}
		} else {
			return usage();
		}
	}
	rc = pd_probe_collect(&o, err, sizeof(err), &s);
	if (rc < 0) {
		fprintf(stderr, "probe_driver: collect failed: %s (%s)\n",
		        pd_err_name(rc), err);
		return 1;
	}
	print_snapshot(s);
	pd_snapshot_free(s);
	return 0;
}
