/*
 * src/probe/linux/: the Linux probe: sock_diag sockets (sockets.c), owners
 * (owners.c with fds.c, search.c, cgroup.c, procinfo.c), the probe itself
 * (probe.c) and applying remedies (apply.c).  Bytes only: parsing is
 * src/procfs's.  May include: src/probe, src/probe/engine, src/procfs,
 * src/core.  Included by: nothing outside this folder (the build picks it).
 *
 * Internal declarations shared by the Linux probe files:
 *   probe.c    collect entry point, context, sysctls, addresses, binds
 *   sockets.c  sockets through netlink sock_diag, /proc/net fallback
 *   exact.c    `check`'s listener by an exact sock_diag lookup
 *   owners.c   owner processes through /proc/PID/fd: the search
 *                    driver, the full walk and the children of holders
 *   fds.c     reading one process's fds: survey, full scan
 *   search.c  the targeted search for a few inodes
 *   cgroup.c  the cgroup members of the wanted sockets first
 *   procinfo.c       what we show of a process, from /proc/PID
 */
#ifndef PD_PROBE_LINUX_H
#define PD_PROBE_LINUX_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include "probe/probe.h"

/* Reads at most size-1 bytes of the file path relative to dirfd into buf
 * and NUL-terminates it, without stdio (one open, a few reads, one close).
 * *ret_len gets the byte count.  Errors: PD_ENOENT (missing, or the process
 * is gone), PD_EACCES, PD_EIO. */
int pd__read_at(int dirfd, const char *path, char *buf, size_t size,
                size_t *ret_len);

/* Like pd__read_at but into a malloc'ed buffer of at most max bytes (plus a
 * NUL).  A longer file is cut at max and *ret_truncated set.  The caller
 * frees *ret_buf. */
int pd__read_alloc_at(int dirfd, const char *path, size_t max, char **ret_buf,
                      size_t *ret_len, bool *ret_truncated);

/* errno -> PD_E* for the file, socket and process calls. */
int pd__errno_to_pd(int e);
/* "EADDRINUSE"-style static name of an errno value ("errno 123" style
 * names are not made: unknown values give "EOTHER"). */
const char *pd__errno_name(int e);
/* probe.c: a v4 or v6 address and port as a sockaddr; its length. */
socklen_t pd__sockaddr_of(const pd_addr *a, uint16_t port,
                          struct sockaddr_storage *ss);
/* probe.c: a bind()/listen() errno as PD_E*. */
int pd__bind_errno_to_pd(int e);

/* True when a socket of proto/family on port is on one of the ports of
 * interest (a range with proto NONE / family ANY matches both). */
bool pd__port_of_interest(const pd_probe_opts *opts, pd_proto proto,
                          pd_family family, uint16_t port);

/* True when 'listeners' asks for sockets of proto. */
bool pd__listeners_want(const pd_probe_opts *opts, pd_proto proto);

/* TCP states (bit per kernel state) of the sockets on the ports of
 * interest, as pd__linux_sockets_netlink takes them.  Every state
 * includes TIME_WAIT and (kernel 6.8+) the bound-but-inactive sockets,
 * bit 13, which the kernel finds by walking its whole bind hash; any state
 * but LISTEN makes it walk its whole established hash. */
#define PD__TCP_ALL_STATES (~0u)
#define PD__TCP_LISTEN_STATES (1u << 10)
#define PD__TCP_BOUND_STATES (1u << 13)

/* Collects the sockets of one family (PD_FAMILY_V4/V6) and proto that opts
 * asks for, through sock_diag; for TCP, PD_FAMILY_ANY collects both
 * families in one dump (IPv4 first, as two dumps would add them).
 * states: the TCP states asked for on the ports of interest.  On failure
 * nothing was added (the dump is staged and committed at the end) and
 * detail says why, so the caller can fall back (to one family at a time,
 * or /proc). */
int pd__linux_sockets_netlink(pd_snapshot *s, const pd_probe_opts *opts,
                              pd_family family, pd_proto proto,
                              uint32_t states, char *detail,
                              size_t detail_size);

/* The one TCP listener the kernel finds for ep (a specific address, TCP)
 * by an exact sock_diag request, added to s: 1 when added, 0 when the
 * kernel knows none, PD_E* when the request failed (nothing added).  Not
 * proof that no other listener overlaps ep (see sockets.c). */
int pd__linux_sockets_lookup(pd_snapshot *s, const pd_probe_opts *opts,
                             const pd_endpoint *ep);

/* Drops s->sockets[n..] (freeing what they own). */
void pd__linux_sockets_rollback(pd_snapshot *s, size_t n);

/* exact.c: for `check` of one specific address, its TCP listeners
 * without a dump, when that is provably the whole answer: 1 when the
 * TCP sockets of the port are collected that way (the listener added to
 * s, or none when bind_failed is false: the bind test without
 * SO_REUSEADDR found the address free), 0 when the caller must dump as
 * usual (nothing added), PD_ENOMEM. */
int pd__linux_exact_listener(pd_snapshot *s, const pd_probe_opts *opts,
                             bool bind_failed);

/* The sockets s->sockets[start..] reordered: IPv4 first, each family in
 * its order, which is the order one dump per family gives (the kernel
 * walks the same tables in the same order, and merely skips the other
 * family).  Only PD_ENOMEM. */
int pd__linux_split_families(pd_snapshot *s, size_t start);

/* One reply datagram buf[0..len) of dump number 'dump' (0 or 1) of the
 * plan pd__linux_sockets_netlink makes for opts/family/proto, parsed as
 * that dump parses it: sockets are added to s, *ret_done is set at
 * NLMSG_DONE, *ret_kernel_err gets a kernel errno.  No OS calls except
 * if_indextoname(); for the fuzzer and tests.  PD_EINVAL when the plan
 * has no such dump; PD_EPARSE on a malformed reply (sockets already added
 * stay: the caller rolls back). */
int pd__linux_sockets_parse_reply(pd_snapshot *s, const pd_probe_opts *opts,
                                  pd_family family, pd_proto proto,
                                  size_t dump, uint32_t seq,
                                  const unsigned char *buf, size_t len,
                                  bool *ret_done, int *ret_kernel_err);

/* The same from /proc/net/{tcp,tcp6,udp,udp6}: no v6only, cgroup or bound
 * device, and no bound-but-inactive TCP sockets. */
int pd__linux_sockets_proc(pd_snapshot *s, const pd_probe_opts *opts,
                           pd_family family, pd_proto proto);

/* Finds the processes holding the sockets opts->owners asks for, fills
 * snapshot->procs, each socket's pids and owner_status, owners_partial and
 * notes.  Only PD_ENOMEM (and failure to open /proc) are errors. */
int pd__linux_owners(pd_snapshot *s, const pd_probe_opts *opts);

/* ------------------------------------------------------------------
 * The owner search (linux_owners*.c): the state its steps share.  The
 * design, and what each step is, is in owners.c.
 */

/* How far a process has been looked at. */
enum { PD__P_NEW, PD__P_SCANNED, PD__P_DENIED, PD__P_GONE };

/* Which early step looked at a process first (pd__proc_ent.early).
 * PD__EARLY_LAZY_NS is never stored: to pd__owners_bisect() it means the
 * processes of PD__EARLY_NONE in our network namespace, tested as the
 * bisection meets them (pd__owners_same_netns). */
enum { PD__EARLY_NONE, PD__EARLY_CG, PD__EARLY_NS, PD__EARLY_LAZY_NS };

/* pd__proc_ent.netns: not looked at yet, ours, another one. */
enum { PD__NS_UNKNOWN, PD__NS_SAME, PD__NS_OTHER };

/* Size of the getdents64 scratch buffer pd__owners.dents. */
#define PD__DENTS_SIZE (32u * 1024u)

typedef struct pd__want {
	uint64_t inode;
	size_t sock; /* index into snapshot->sockets */
	bool found;
} pd__want;

typedef struct pd__proc_ent {
	int pid;
	int ppid;      /* -1 not read (only needed without children files) */
	int *fds;      /* listed fd numbers, ascending; NULL: taken as 0..n-1 */
	int n;         /* number of fds: the fd "indices" are 0..n-1 */
	int top;       /* index of the sampled fd, -1 none */
	uint64_t hi;   /* socket inode of fd index 'top', 0 none */
	uint64_t dist; /* |hi - nearest wanted inode|, UINT64_MAX unknown */
	uint8_t tier;
	uint8_t state;
	bool holder;
	bool kids_done;
	bool surveyed; /* step 1 ran on it */
	uint8_t early; /* PD__EARLY_CG: in the cgroup of a wanted socket
	                * (step 0); PD__EARLY_NS: in our network namespace
	                * (step 0b) */
	uint8_t netns; /* PD__NS_*: a cache of pd__owners_same_netns() */
} pd__proc_ent;

typedef struct pd__cand {
	uint64_t key;
	size_t idx; /* into pd__owners.p */
} pd__cand;

typedef struct pd__owners {
	pd_snapshot *s;
	int procfd;
	pd__want *w; /* sorted by inode */
	size_t n_w;
	size_t missing;
	int64_t *uids; /* distinct uids of the wanted sockets */
	size_t n_uids;
	pd__proc_ent *p; /* sorted by pid */
	size_t n_p;
	pd__cand *cand;
	bool fd_count;  /* fstat of /proc/PID/fd gives the fd count */
	uint64_t n_fds; /* their sum */
	long budget;    /* readlinks left for the targeted search */
	size_t n_denied;
	int first_denied;
	bool cg_done; /* step 0 ran on some members */
	bool early_done; /* step 0b or 0c ran: when it found every socket,
	                 * nobody else is surveyed */
	struct stat self_ns; /* our /proc/self/ns/net, for step 0b */
	char *dents; /* PD__DENTS_SIZE scratch for getdents64 */
} pd__owners;

/* A record of getdents64(2), which glibc does not declare. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The fd number of fd index i of e. */
static inline int pd__fd_at(const pd__proc_ent *e, long i)
{
	return e->fds ? e->fds[i] : (int)i;
}

/* PID 1 here lists its fds but refuses every readlink, even to root. */
static inline bool pd__err_denied(int err)
{
	return err == EACCES || err == EPERM;
}

/* owners.c */
/* The entry of pid in c->p, or NULL. */
pd__proc_ent *pd__owners_find_pid(pd__owners *c, int pid);
/* qsort() order of candidates: by key, then by index. */
int pd__owners_cmp_cand(const void *a, const void *b);

/* fds.c */
/* getdents64(2) of fd into buf: bytes read, 0 at the end, -1 and errno. */
long pd__getdents64(int fd, char *buf, size_t size);
/* e holds the socket inode ino: e becomes a holder of every wanted socket
 * with that inode (none when ino is not wanted).  Only PD_ENOMEM. */
int pd__owners_record(pd__owners *c, pd__proc_ent *e, uint64_t ino);
/* e refused us: counted, and the first such pid kept for the note. */
void pd__owners_mark_denied(pd__owners *c, pd__proc_ent *e);
/* Socket inode of fd index i of e, 0 for anything else (another kind of
 * file, no such fd, a process gone).  *ret_err gets the errno of
 * readlinkat, 0 when it succeeded. */
uint64_t pd__owners_probe_fd(pd__owners *c, const pd__proc_ent *e, long i,
                             int *ret_err);
/* Replaces the guess "fds 0..n-1" by the fd numbers read from
 * /proc/PID/fd, for a process found to have holes; the sample keeps its
 * fd.  Only PD_ENOMEM is an error; a process gone or denied changes
 * state. */
int pd__owners_list_fds(pd__owners *c, pd__proc_ent *e);
/* Step 1 for one process: one fstatat() and a readlinkat() or a few.
 * Only PD_ENOMEM is an error. */
int pd__owners_survey(pd__owners *c, pd__proc_ent *e);
/* Steps 3 and 4 for one process still PD__P_NEW: every fd.  Only
 * PD_ENOMEM is an error. */
int pd__owners_scan(pd__owners *c, pd__proc_ent *e);

/* search.c */
/* Step 2, when few sockets are missing and the kernel gives fd counts
 * (otherwise nothing), over the processes whose 'early' is early: the
 * members of step 0 (PD__EARLY_CG) or 0b (PD__EARLY_NS), or the others
 * (PD__EARLY_NONE; the members were searched already).  Only PD_ENOMEM
 * is an error. */
int pd__owners_search(pd__owners *c, int early);
/* Step 0c, before the survey of every process: a bisection over the
 * processes whose 'early' is early, in pid order, surveying and searching
 * only those it visits (see search.c).  Only PD_ENOMEM is an error. */
int pd__owners_bisect(pd__owners *c, int early);
/* Whether e runs in our network namespace (c->self_ns): one fstatat() of
 * /proc/PID/ns/net the first time, cached in e->netns.  EACCES (no
 * ptrace rights) counts as another namespace. */
bool pd__owners_same_netns(pd__owners *c, pd__proc_ent *e);

/* cgroup.c */
/* Step 0: the cgroup members of the wanted sockets, surveyed, searched
 * and scanned; sets c->cg_done when there were some.  A no-op without
 * root or cgroup v2.  Only PD_ENOMEM is an error. */
int pd__owners_cgroup_first(pd__owners *c);

/* procinfo.c: what snapshot->procs shows of a process.  What every
 * process shares (boot time, clock tick, /etc/passwd) is read once, at the
 * first process that needs it. */
typedef struct pd__procinfo {
	int procfd;
	int64_t btime; /* -1 unknown */
	bool btime_read;
	long clk_tck;
	char *passwd;
	size_t passwd_len;
	bool passwd_read;
} pd__procinfo;

/* Readies pi for the processes of procfd (a /proc dirfd, still the
 * caller's); reads nothing yet. */
void pd__procinfo_init(pd__procinfo *pi, int procfd);
/* Adds a pd_process for pid to s with everything we show of it.  Missing
 * pieces (the process exited, or hides them) stay NULL / -1; only
 * PD_ENOMEM is an error. */
int pd__procinfo_fill(pd__procinfo *pi, pd_snapshot *s, int pid);
/* Frees what pi read (not pi). */
void pd__procinfo_done(pd__procinfo *pi);

#endif
