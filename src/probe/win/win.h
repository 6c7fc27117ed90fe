/*
 * src/probe/win/: the Windows probe: IP Helper socket tables (sockets.c),
 * processes and services (procs.c), netsh runs (netsh.c), system state
 * (system.c), the probe itself (probe.c) and applying remedies (apply.c).
 * Bytes only: parsing is src/netsh's.  May include: src/probe,
 * src/probe/engine, src/netsh, src/core.  Included by: nothing outside this
 * folder (the build picks it).
 *
 * Internal interface between the parts of the Windows probe.
 *
 * probe.c drives a collection and makes bind tests; sockets.c reads
 * the TCP/UDP owner tables; procs.c names processes and services;
 * netsh.c runs netsh.exe and reads the excluded-range registry key;
 * system.c reads addresses and the context (elevation, WinNAT, Hyper-V,
 * WSL, Docker Desktop).  Every function returns 0 or a negative PD_E* code
 * and only adds to the snapshot it is given; a part of the machine that
 * cannot be read becomes a note, not a failure.
 */
#ifndef PD_PROBE_WIN_H
#define PD_PROBE_WIN_H

/* portdoctor.h comes before the Windows headers: objbase.h (pulled in by
 * iphlpapi.h even with WIN32_LEAN_AND_MEAN) defines `interface` as a
 * macro, which would break pd_socket.interface.  Code here never names that
 * field, so the macro defined afterwards does no harm. */
#include "probe/probe.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

/* UTF-16 (n code units, or -1 for NUL-terminated) to a malloc'ed UTF-8
 * string; NULL when out of memory or the text is not valid UTF-16. */
char *pd__win_utf8(const wchar_t *w, int n);
/* A process's creation time in seconds since the epoch, or -1 (procs.c);
 * kill compares it before ending a pid, as a pidfd would. */
int64_t pd__win_process_start(HANDLE h);
/* UTF-8 to a malloc'ed UTF-16 string, or NULL. */
wchar_t *pd__win_utf16(const char *s);


/* One walk over the process list (CreateToolhelp32Snapshot). */
typedef struct pd_win_proc {
	DWORD pid;
	DWORD ppid;
	char *name; /* UTF-8 image name, e.g. "svchost.exe" */
} pd_win_proc;

typedef struct pd_win_service {
	DWORD pid;
	char *name; /* UTF-8 service name, e.g. "iphlpsvc" */
} pd_win_service;

typedef struct pd_win_procs {
	pd_win_proc *list;
	size_t n;
	bool services_read; /* services[] was filled (lazily, once) */
	pd_win_service *services;
	size_t n_services;
	bool denied_noted; /* the "process_denied" note was added */
} pd_win_procs;

int pd__win_procs_load(pd_win_procs *ps);
void pd__win_procs_done(pd_win_procs *ps);
/* True when a process with this image name (ASCII, any case) runs. */
bool pd__win_procs_has_name(const pd_win_procs *ps, const char *name);
/* True when pid was in the process list. */
bool pd__win_procs_known(const pd_win_procs *ps, DWORD pid);
/* Adds pid to snap->procs once, with what can be read about it. */
int pd__win_procs_add(pd_win_procs *ps, pd_snapshot *snap, DWORD pid);

/* Sockets of the protocols and ports asked for in opts; owners are
 * recorded by pid and their processes added through pd__win_procs_add(). */
int pd__win_sockets(const pd_probe_opts *opts, pd_snapshot *snap,
                    pd_win_procs *ps);

/* Dynamic and excluded port ranges (netsh, cross-checked with the
 * registry).  queries: bit i runs query i (kind i / 4: excluded, dynamic;
 * family (i / 2) % 2: ipv4, ipv6; proto i % 2: tcp, udp); 0xff all. */
int pd__win_ranges(const pd_probe_opts *opts, pd_snapshot *snap,
                   unsigned queries);

/* The URLs registered with http.sys (when PID 4 holds a collected socket)
 * and the portproxy rules (when iphlpsvc does, or a port of interest has
 * no bind test: untested); both for a full listing.  Failures become
 * notes. */
int pd__win_holders(const pd_probe_opts *opts, pd_snapshot *snap,
                    bool untested);

/* Runs a program (argv[0] = prog, never through cmd.exe) and captures its
 * output; see netsh.c. */
int pd__win_run_capture(const wchar_t *prog, const wchar_t *const *args,
                        unsigned timeout_ms, bool with_stderr, pd_buf *out,
                        DWORD *ret_exit);

/* The full path of a program portdoctor runs, malloc'ed: net, netsh, sc,
 * wsl and powershell from the system directory only; docker and podman
 * from the directories of PATH only (never the current directory).  A
 * build with test hooks takes override, else $PORTDOCTOR_<NAME>, first.
 * NULL when out of memory or not found; *ret_unknown when name is none of
 * those (nothing else is ever run). */
wchar_t *pd__win_program(const char *name, const char *override,
                         bool *ret_unknown);

/* Interface addresses (GetAdaptersAddresses). */
int pd__win_addrs(pd_snapshot *snap);
/* os, os_detail, hostname, elevation and the Windows context fields. */
int pd__win_context(pd_snapshot *snap, const pd_win_procs *ps);

#endif
