/*
 * The probe: the only code that touches the operating system.
 *
 * Each OS file (probe_linux.c, probe_win.c) defines the functions below and
 * meson.build picks one by host_machine.system(); probe_replay.c loads a
 * recorded snapshot instead and is linked everywhere.  A backend only
 * fetches bytes and hands text to the parsers in src/core, then fills a
 * pd_snapshot.  OS error codes become PD_E* here.
 */
#ifndef PD_PROBE_H
#define PD_PROBE_H

#include "portdoctor/portdoctor.h"

/* What to collect.  Everything is optional: a zeroed struct collects the
 * ranges, addresses and context only. */
typedef struct pd_probe_opts {
	/* Real bind tests to make, recorded in snapshot->binds. */
	const pd_endpoint *binds;
	size_t n_binds;
	/* Ports of interest: every socket on these ports, in any state and of
	 * the protocols given, is collected (filtered in the kernel where the
	 * OS allows). */
	const pd_range *ports;
	size_t n_ports;
	/* Also collect every listening TCP socket and bound UDP socket. */
	bool listeners;
	bool tcp; /* protocols for 'listeners'; both false = both */
	bool udp;
	/* 0: no owners; 1: owners of sockets on the ports of interest;
	 * 2: owners of every collected socket. */
	int owners;
	/* Test hooks (documented in docs/): a program that stands in for
	 * netsh.exe on Windows; NULL = the real one. */
	const char *netsh_program;
} pd_probe_opts;

/* Probe this machine.  On success *ret is a new snapshot the caller frees
 * with pd_snapshot_free().  A partial view (not root, one process denied)
 * is a success with notes in the snapshot; failure (PD_E*) means the
 * machine could not be inspected at all, and err says why. */
int pd_probe_collect(const pd_probe_opts *opts, char *err, size_t errsize,
                     pd_snapshot **ret);

/* Make one bind test now (used by collect, and again after a fix).  Fills
 * *ret; its os_name is a static string the caller must not free (collect
 * copies it). */
int pd_probe_bind_test(const pd_endpoint *ep, pd_bind_result *ret);

/* Load a snapshot written by `portdoctor snapshot`.  Reads at most
 * PD_SNAPSHOT_MAX_BYTES. */
int pd_probe_replay(const char *path, char *err, size_t errsize,
                    pd_snapshot **ret);

#endif
