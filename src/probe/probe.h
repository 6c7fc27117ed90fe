/*
 * src/probe/: the only code that touches the OS.  This header declares the
 * probe; linux/ and win/ each define it (meson.build picks one), engine/
 * talks to Docker or Podman, replay.c reads a recorded snapshot instead.
 * May include: src/core, src/remedy.  Included by: src/cli.
 *
 * The probe: the only code that touches the operating system.
 *
 * Each OS file (probe/linux/probe.c, probe/win/probe.c) defines the functions below and
 * meson.build picks one by host_machine.system(); replay.c loads a
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
	/* Test hooks (documented in docs/), honoured only by a build made with
	 * meson -Dtest_hooks=true: a program that stands in for netsh.exe on
	 * Windows; NULL = the real one. */
	const char *netsh_program;
	/* `check`: ask the OS only what diagnosing the binds needs.  TCP
	 * sockets on the ports of interest are listed only when they
	 * listen, unless a bind test without SO_REUSEADDR on one of the
	 * binds fails (a TIME_WAIT, connected or bound socket may hold the
	 * port: then every state is listed); addresses only when a bind
	 * test fails with EADDRNOTAVAIL.  The findings are those of a full
	 * collect.  Needs binds that cover every TCP port of interest
	 * (otherwise every state is listed). */
	bool minimal;
	/* Ask the container engine (DOCKER_HOST, the docker context, the
	 * usual sockets) which containers publish which ports: fills
	 * snapshot->containers and engine_status; bounded in time. */
	bool containers;
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
/* The same for sctp (ep->proto is ignored; ret->proto is PD_PROTO_NONE):
 * ret->err is PD_EUNSUPPORTED, with the OS's code, where the system has
 * no SCTP sockets.  linux/sctp.c; nosctp.c elsewhere. */
int pd_probe_sctp_bind_test(const pd_endpoint *ep, pd_bind_result *ret);

/* Reads a whole file ("-" = standard input) of at most max bytes into a
 * malloc'ed, NUL-terminated buffer.  PD_ETOOBIG beyond max, PD_ENOENT,
 * PD_EACCES, PD_EIO; err gets a one-line message naming the file. */
int pd_probe_read_file(const char *path, size_t max, char *err,
                       size_t errsize, char **ret, size_t *ret_len);

/* Load a snapshot written by `portdoctor snapshot`.  Reads at most
 * PD_SNAPSHOT_MAX_BYTES. */
int pd_probe_replay(const char *path, char *err, size_t errsize,
                    pd_snapshot **ret);

/* ------------------------------------------------------------ actuator
 * The only code that changes the system (probe/linux/apply.c, probe/win/apply.c).
 * Every step checks its own result; files are written atomically. */
#include "core/buf.h"
#include "remedy/remedy.h"

typedef struct pd_apply_opts {
	/* Test hooks (documented in docs/), honoured only by a build made with
	 * meson -Dtest_hooks=true: programs that stand in for netsh.exe and
	 * net.exe on Windows; NULL = $PORTDOCTOR_NETSH / $PORTDOCTOR_NET, else
	 * the system's. */
	const char *netsh_program;
	const char *net_program;
	unsigned wait_ms; /* kill: how long to wait for the end (0: 5000) */
} pd_apply_opts;

/* Carries out one step.  What it printed or did is appended to log;
 * on failure err says why.  Returns 0 when done, 1 when there was nothing
 * to do (Windows: the service was stopped or running already; err says
 * so), or a negative code.  PD_EACCES: not allowed (or refused: PID 1,
 * a kernel thread); PD_ENOENT: the process is gone or is another one
 * now; PD_ETIMEDOUT: it did not end in time; PD_EIO and others: failed. */
int pd_apply_step(const pd_step *st, const pd_apply_opts *o, pd_buf *log,
                  char *err, size_t errsize);

/* portdoctor's own pid and its parent's (never to be ended). */
void pd_probe_self(int *ret_pid, int *ret_ppid);
/* Seconds since the epoch, and a monotonic clock in milliseconds. */
int64_t pd_probe_now(void);
uint64_t pd_probe_mono_ms(void);
/* Sleeps; returns early (PD_ETIMEDOUT not used) when a signal arrives. */
void pd_probe_sleep_ms(unsigned ms);

/* ----------------------------------------------------------------- WSL
 * probe/linux/wsl.c and run.c; on Windows probe/win/wsl.c says "not WSL". */
#include "wsl/wsl.h"

/* What WSL is around this system; all zero (version 0) when none.  Reads
 * files and the environment, and runs wslinfo (bounded); never fails. */
void pd_probe_wsl(pd_wsl *ret);

/* portdoctor.exe for the Windows side: override (--windows-exe,
 * $PORTDOCTOR_WINDOWS_EXE) when given, else beside this program, else on
 * PATH.  Fills out and returns true when it exists and can be run. */
bool pd_probe_find_windows_exe(const pd_wsl *w, const char *override,
                               char *out, size_t outsize);
/* A program of the Windows system folder (netsh.exe) through the drive
 * mount: "/mnt/c/Windows/System32/netsh.exe". */
bool pd_probe_windows_tool(const pd_wsl *w, const char *name, char *out,
                           size_t outsize);

/* Runs the program at argv[0] (a path: no PATH search) with standard input
 * from /dev/null, in its own process group, for at most timeout_ms: then
 * the group is killed (PD_ETIMEDOUT).  Standard output, up to max bytes,
 * becomes *ret_out (malloc'ed, NUL-terminated; the caller frees it) and
 * its exit status *ret_status; a failing program is still a success here,
 * with err naming the status and the first line of its standard error.
 * PD_ENOENT: it could not be started; PD_ETOOBIG: it wrote more than max. */
int pd_probe_run(char *const argv[], unsigned timeout_ms, size_t max,
                 char **ret_out, size_t *ret_len, int *ret_status, char *err,
                 size_t errsize);

#endif
