/*
 * Which processes hold the sockets: a walk over /proc/PID/fd, done only as
 * far as needed.
 *
 * The kernel has no socket -> process map; the only way is to read the
 * fd symlinks ("socket:[INODE]") of processes.  Measured on this kind of
 * machine: a readlinkat() of a /proc fd costs about 2.5-4 us, listing an
 * fd directory (getdents64) about 0.4 us per fd plus 3-4 us for the
 * open and close, reading /proc/PID/stat 10-25 us, a fstatat() 1.3 us.
 * Reading every fd of a busy host (what ss -p, fuser and lsof do) takes
 * tens of milliseconds, so we read as few as we can, using two facts:
 * fds are handed out lowest first, and socket inodes are numbered
 * machine-wide in creation order, so within one process the socket
 * inodes nearly always grow with the fd number.
 *
 *  0. Cgroup members: sock_diag reports with every socket the cgroup v2
 *     id of the process that created it (INET_DIAG_CGROUP_ID, sent
 *     unasked; 0 when unknown, 1 for the root cgroup, which says nothing).
 *     As root, open_by_handle_at() on the cgroup2 mount with a kernfs
 *     handle (type FILEID_KERNFS, the id itself) opens that cgroup's
 *     directory directly, and its cgroup.procs names the processes in it:
 *     one syscall and one small read instead of searching the cgroup
 *     tree.  Those processes are surveyed, searched (step 2) and scanned
 *     in full (step 3) before anyone else; if that finds every wanted
 *     socket, no other process is looked at.  A service or container
 *     usually holds the sockets it made, so a `check` then costs a few
 *     readlinks instead of one per process of the machine.  They are
 *     candidates only: a socket handed to a process of another cgroup
 *     (or whose creator moved or exited) is found by the steps below,
 *     which skip the members already scanned.  Without root (EPERM),
 *     without a cgroup2 mount (v1-only hosts) or for a cgroup since
 *     removed (ESTALE), the step does nothing.
 *  1. Survey, per process: fstatat() of /proc/PID/fd gives the uid the
 *     process runs as and (Linux 6.2+) its number of open fds n; then
 *     readlinkat() of fd n-1, usually the highest and newest fd, samples
 *     the newest socket it holds (up to SAMPLE_TRIES fds down if it is
 *     not a socket).  Two holes (ENOENT) mean fds above n-1 (often an
 *     inherited high fd): then the fd numbers are listed once and the
 *     sample is taken from the real top.  No /proc/PID/stat is read: a
 *     kernel thread shows 0 fds, and ppids are only needed for holders
 *     (step 4).  A sample that is a wanted inode is a holder already.
 *  2. Targeted search, for a few sockets (TARGET_MAX_WANTS, e.g.
 *     `check`): for each missing inode t, the processes whose sampled
 *     socket is not older than t (one whose newest socket predates t
 *     cannot hold it, if monotonic), holders of other wanted sockets
 *     first (v4 and v6 twins), then same uid as the socket, then by how
 *     little newer the sample is than t.  In each, a search over the fd
 *     indices between fd 3 and the sample: the first probe (lowest
 *     socket) rules out processes whose sockets are all newer than t,
 *     then interpolation between the known (fd, inode) points, falling
 *     back to bisection when it does not halve the range; non-socket
 *     fds are stepped over.  A few readlinks per process instead of all
 *     its fds; on the benchmark (50 processes x 100 listeners) the owner
 *     is usually the first candidate.  The whole step is capped at a
 *     budget of readlinks (1/TARGET_SHARE of all fds).
 *  3. Full walk: what the search did not find (sockets held only at fds
 *     0-2, fds out of creation order, sockets passed between processes,
 *     kernels without the fd count, many wanted sockets) is found by
 *     scanning processes in full (getdents64 + readlinkat on the fd
 *     dirfd), same uid first, then nearest sample, then pid, until every
 *     wanted inode has a holder.  The heuristics only decide how soon we
 *     stop, never the answer: a hit is a readlink that names the inode,
 *     and a socket with no holder means every process was scanned.
 *  4. Sharing rule: a socket may be held by several processes, mostly by
 *     fork (a pre-forking server and its workers), so the children of
 *     every holder are scanned in full, recursively, found through
 *     /proc/PID/task/TID/children (a few reads for the holders instead
 *     of /proc/PID/stat of every process; without CONFIG_PROC_CHILDREN,
 *     the ppids of the processes not yet scanned are read).  The holders
 *     recorded are every process seen holding it: the first found, all
 *     its descendants that still have it, and any other whose sample or
 *     search met it.  A socket passed to an unrelated process (SCM_RIGHTS,
 *     systemd socket activation when PID 1 is not the first found) may
 *     list fewer holders than exist.
 *
 * Not used: /proc/PID/fdinfo/N (an open, a read and a close per fd:
 * dearer than a readlink); listing every fd directory up front (0.4 us
 * per fd, more than the whole search); the other direction from the
 * cgroup id, process -> cgroup (a read of /proc/PID/cgroup and a stat in
 * the cgroup2 tree per process, dearer than the survey it would order);
 * without root, a walk of the cgroup2 tree to find the directory whose
 * inode is the id (hundreds of stats on a systemd host).
 *
 * Denied processes (EACCES: PID 1 here even for root; everyone else's
 * processes without root) make a socket that is found nowhere
 * PD_OWNER_DENIED, never a failed scan.  Processes that vanish mid-walk
 * (ENOENT, ESRCH) are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "linux.h"
#include "parse_proc.h"

#define DENTS_SIZE (32u * 1024u)
#define MAX_PROCS (4u * 1024u * 1024u)
#define CMDLINE_MAX (64u * 1024u)
#define PASSWD_MAX (4u * 1024u * 1024u)
#define PROC_STAT_MAX (4u * 1024u * 1024u)
#define CHILDREN_MAX (4u * 1024u * 1024u)
#define LINK_MAX_LEN 4096u
/* The targeted search (step 2) is for a few sockets (`check`, `kill`);
 * for more, the full walk costs less than a search per socket. */
#define TARGET_MAX_WANTS 16u
/* readlinks the targeted search may spend before giving up to the full
 * walk: this many, or 1/TARGET_SHARE of all fds when more. */
#define TARGET_MIN_BUDGET 64
#define TARGET_SHARE 4
/* The targeted search skips fds 0-2 (stdin, stdout, stderr). */
#define FIRST_SEARCHED_FD 3
/* readlinks the survey spends looking for a socket among the top fds. */
#define SAMPLE_TRIES 3
/* include/linux/sched.h: the task is a kernel thread. */
#define PF_KTHREAD 0x00200000u
/* Step 0 resolves at most this many distinct cgroup ids (a `check` has
 * one or two; for many, the survey costs less than the lookups). */
#define CG_MAX_IDS 16u
#define CG_PROCS_MAX (1024u * 1024u)
#define MOUNTINFO_MAX (4u * 1024u * 1024u)
/* include/linux/exportfs.h: a kernfs node id as a file handle. */
#define FILEID_KERNFS 0xfe

enum { P_NEW, P_SCANNED, P_DENIED, P_GONE };

typedef struct want {
	uint64_t inode;
	size_t sock; /* index into snapshot->sockets */
	bool found;
} want;

typedef struct proc_ent {
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
	bool cg; /* in the cgroup of a wanted socket (step 0) */
} proc_ent;

typedef struct cand {
	uint64_t key;
	size_t idx; /* into ctx.p */
} cand;

typedef struct ctx {
	pd_snapshot *s;
	int procfd;
	want *w;
	size_t n_w;
	size_t missing;
	int64_t *uids; /* distinct uids of the wanted sockets */
	size_t n_uids;
	proc_ent *p; /* sorted by pid */
	size_t n_p;
	cand *cand;
	bool fd_count;  /* fstat of /proc/PID/fd gives the fd count */
	uint64_t n_fds; /* their sum */
	long budget;    /* readlinks left for the targeted search */
	size_t n_denied;
	int first_denied;
	bool cg_done; /* step 0 ran on some members */
	char *dents; /* DENTS_SIZE scratch for getdents64 */
} ctx;

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static long getdents64_(int fd, char *buf, size_t size)
{
	return syscall(SYS_getdents64, fd, buf, size);
}

/* A positive decimal pid name; anything else (".", "self", ...) is not. */
static int name_pid(const char *name)
{
	long v = 0;

	if (!*name)
		return -1;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || v > 0x3fffffff)
			return -1;
		v = v * 10 + (*name - '0');
	}
	return v > 0 ? (int)v : -1;
}

/* The inode of the socket fd 'name' (relative to dirfd), or 0 for
 * anything else: another kind of file, no such fd, a process gone.
 * *ret_err gets the errno of readlinkat, 0 when it succeeded. */
static uint64_t fd_socket_inode(int dirfd, const char *name, int *ret_err)
{
	char link[64];
	uint64_t v = 0;
	ssize_t n;
	ssize_t i;

	n = readlinkat(dirfd, name, link, sizeof(link));
	*ret_err = n < 0 ? errno : 0;
	if (n < 10 || n >= (ssize_t)sizeof(link) || memcmp(link, "socket:[", 8) != 0)
		return 0;
	for (i = 8; i < n && link[i] >= '0' && link[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(link[i] - '0');
	}
	return i == n - 1 && link[i] == ']' ? v : 0;
}

/* PID 1 here lists its fds but refuses every readlink, even to root. */
static bool err_denied(int err)
{
	return err == EACCES || err == EPERM;
}

static int cmp_want(const void *a, const void *b)
{
	const want *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/* First want with inode >= ino. */
static size_t want_lower(const ctx *c, uint64_t ino)
{
	size_t lo = 0, hi = c->n_w, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->w[mid].inode < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t want_distance(const ctx *c, uint64_t ino)
{
	size_t i = want_lower(c, ino);
	uint64_t d = UINT64_MAX;

	if (i < c->n_w)
		d = c->w[i].inode - ino;
	if (i > 0 && ino - c->w[i - 1].inode < d)
		d = ino - c->w[i - 1].inode;
	return d;
}

/* e holds the socket inode ino: e becomes a holder of every wanted socket
 * with that inode (none when ino is not wanted). */
static int record(ctx *c, proc_ent *e, uint64_t ino)
{
	size_t i;
	int r;

	for (i = want_lower(c, ino); i < c->n_w && c->w[i].inode == ino; i++) {
		r = pd_socket_add_pid(&c->s->sockets[c->w[i].sock], e->pid);
		if (r < 0)
			return r;
		e->holder = true;
		if (!c->w[i].found) {
			c->w[i].found = true;
			c->missing--;
		}
	}
	return 0;
}

static void mark_denied(ctx *c, proc_ent *e)
{
	e->state = P_DENIED;
	if (c->n_denied++ == 0)
		c->first_denied = e->pid;
}

static int cmp_pid(const void *a, const void *b)
{
	const proc_ent *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static proc_ent *find_pid(ctx *c, int pid)
{
	proc_ent key;

	key.pid = pid;
	return bsearch(&key, c->p, c->n_p, sizeof(*c->p), cmp_pid);
}

static int list_pids(ctx *c)
{
	struct linux_dirent64 *d;
	proc_ent *tmp;
	size_t cap = 0;
	long n, off;
	int pid;

	for (;;) {
		n = getdents64_(c->procfd, c->dents, DENTS_SIZE);
		if (n < 0)
			return pd__errno_to_pd(errno);
		if (n == 0)
			break;
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct linux_dirent64 *)(void *)(c->dents + off);
			pid = name_pid(d->d_name);
			if (pid < 0)
				continue;
			if (c->n_p == cap) {
				if (cap >= MAX_PROCS)
					return PD_ETOOBIG;
				cap = cap ? cap * 2 : 256;
				tmp = realloc(c->p, cap * sizeof(*tmp));
				if (!tmp)
					return PD_ENOMEM;
				c->p = tmp;
			}
			c->p[c->n_p++] = (proc_ent){pid,        -1, NULL,  0,     -1,
			                            0,          UINT64_MAX, 1, P_NEW,
			                            false,      false, false};
		}
	}
	/* /proc lists pids in order; find_pid() must not depend on it. */
	qsort(c->p, c->n_p, sizeof(*c->p), cmp_pid);
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* The fd number of fd index i of e. */
static int fd_at(const proc_ent *e, long i)
{
	return e->fds ? e->fds[i] : (int)i;
}

/* Socket inode of fd index i of e, 0 for anything else; *ret_err as
 * fd_socket_inode(). */
static uint64_t probe_fd(ctx *c, const proc_ent *e, long i, int *ret_err)
{
	char name[40];

	snprintf(name, sizeof(name), "%d/fd/%d", e->pid, fd_at(e, i));
	return fd_socket_inode(c->procfd, name, ret_err);
}

/* Replaces the guess "fds 0..n-1" by the fd numbers read from
 * /proc/PID/fd, for a process found to have holes; the sample keeps its
 * fd.  Only PD_ENOMEM is an error; a process gone or denied changes
 * state. */
static int list_fds(ctx *c, proc_ent *e)
{
	struct linux_dirent64 *d;
	char path[32];
	int fd, top_fd, *tmp, *fds = NULL, r = 0;
	size_t n_fds = 0, cap = 0;
	long n, off, v;
	const char *s;

	top_fd = e->top >= 0 ? fd_at(e, e->top) : -1;
	snprintf(path, sizeof(path), "%d/fd", e->pid);
	fd = openat(c->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			mark_denied(c, e);
		else
			e->state = P_GONE;
		return 0;
	}
	while (r == 0 && (n = getdents64_(fd, c->dents, DENTS_SIZE)) > 0) {
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct linux_dirent64 *)(void *)(c->dents + off);
			for (v = 0, s = d->d_name; *s >= '0' && *s <= '9' && v <= INT_MAX / 10;
			     s++)
				v = v * 10 + (*s - '0');
			if (*s || s == d->d_name || v > INT_MAX)
				continue;
			if (n_fds == cap) {
				cap = cap ? cap * 2 : 64;
				tmp = realloc(fds, cap * sizeof(*tmp));
				if (!tmp) {
					r = PD_ENOMEM;
					break;
				}
				fds = tmp;
			}
			fds[n_fds++] = (int)v;
		}
	}
	close(fd);
	if (r < 0 || n_fds > INT_MAX) {
		free(fds);
		return r;
	}
	/* No fd at all (the process is exiting): fds is NULL, which qsort()
	 * and bsearch() must not get, even with a count of 0. */
	if (n_fds > 0)
		qsort(fds, n_fds, sizeof(*fds), cmp_int);
	free(e->fds);
	e->fds = fds;
	e->n = (int)n_fds;
	e->top = -1;
	tmp = top_fd < 0 || n_fds == 0 ? NULL :
	      bsearch(&top_fd, fds, n_fds, sizeof(*fds), cmp_int);
	if (tmp)
		e->top = (int)(tmp - fds);
	else
		e->hi = 0;
	return 0;
}

/* Step 1 for one process: one fstatat() and a readlinkat() or a few. */
static int survey(ctx *c, proc_ent *e)
{
	char name[40];
	struct stat st;
	uint64_t ino;
	size_t i;
	long k;
	int err, tries = 0, holes = 0, r;

	snprintf(name, sizeof(name), "%d/fd", e->pid);
	if (fstatat(c->procfd, name, &st, 0) < 0) {
		if (errno == EACCES || errno == EPERM)
			mark_denied(c, e);
		else
			e->state = P_GONE;
		return 0;
	}
	/* The fd directory belongs to the uid the process runs as.  A
	 * process that changed its ids is not dumpable and shows root: that
	 * still matches a socket it created as root before dropping them. */
	for (i = 0; i < c->n_uids; i++)
		if ((int64_t)st.st_uid == c->uids[i])
			e->tier = 0;
	if (!c->fd_count)
		return 0;
	if (st.st_size <= 0) {
		/* No fds: a kernel thread, a zombie. */
		e->state = P_GONE;
		return 0;
	}
	c->n_fds += (uint64_t)st.st_size;
	e->n = st.st_size > INT_MAX ? INT_MAX : (int)st.st_size;
	/* Fds are handed out lowest first: with n open, fd n-1 is usually
	 * the highest and the newest, and often a socket for a server.
	 * Otherwise the next lower ones are tried; a second hole means fds
	 * above n-1, and the real fd numbers are listed. */
	for (k = e->n - 1; k >= 0 && tries < SAMPLE_TRIES; k--) {
		ino = probe_fd(c, e, k, &err);
		tries++;
		if (err_denied(err)) {
			mark_denied(c, e);
			return 0;
		}
		if (ino) {
			e->top = (int)k;
			e->hi = ino;
			e->dist = want_distance(c, ino);
			return record(c, e, ino);
		}
		if (err == ENOENT && !e->fds && ++holes == 2) {
			r = list_fds(c, e);
			if (r < 0 || e->state != P_NEW)
				return r;
			k = e->n; /* k-- */
			tries = 0;
		}
	}
	return 0;
}

/* ---------------------------------------------------- targeted search */

/* Step 2 for one process and one wanted inode t: a search over the fds
 * from FIRST_SEARCHED_FD to the sampled one that assumes the socket
 * inodes grow with the fd number, at most a few readlinks.  Finding t
 * proves e holds it; not finding it proves nothing (the full walk
 * decides).  Other wanted inodes met on the way are recorded too. */
static int search_proc(ctx *c, proc_ent *e, uint64_t t)
{
	long lo = 0, hi, flo = -1, fhi, p, q, width, left;
	uint64_t vlo = 0, vhi, v = 0;
	bool interp = false, bisect = false;
	int err, r;

	if (e->top < 0 || e->hi < t || e->state != P_NEW)
		return 0;
	while (lo < e->top && fd_at(e, lo) < FIRST_SEARCHED_FD)
		lo++;
	hi = (long)e->top - 1;
	fhi = e->top;
	vhi = e->hi;
	for (left = 4, p = e->top; p > 0; p >>= 1)
		left += 2;
	while (lo <= hi && left > 0 && c->budget > 0) {
		width = hi - lo + 1;
		interp = false;
		if (flo < 0) {
			/* First probe: a process whose sockets are all newer
			 * than t is ruled out by its lowest one. */
			p = lo;
		} else if (!bisect) {
			/* Interpolation: inodes are handed out machine-wide,
			 * so those of one process are spread evenly if it
			 * made its sockets at a steady pace. */
			p = flo + (long)((double)(t - vlo) / (double)(vhi - vlo) *
			                 (double)(fhi - flo));
			p = p < lo ? lo : p > hi ? hi : p;
			interp = true;
		} else {
			p = lo + (hi - lo) / 2;
		}
		/* Not a socket at p: the first socket above it stands in. */
		for (q = p;; q++) {
			v = probe_fd(c, e, q, &err);
			left--;
			c->budget--;
			if (err_denied(err)) {
				mark_denied(c, e);
				return 0;
			}
			if (err == ENOENT && !e->fds) {
				/* A hole: the fds are not 0..n-1 after all. */
				r = list_fds(c, e);
				if (r < 0)
					return r;
				return search_proc(c, e, t);
			}
			if (v || q >= hi || left <= 0 || c->budget <= 0)
				break;
		}
		if (!v) {
			hi = p - 1;
			continue;
		}
		r = record(c, e, v);
		if (r < 0)
			return r;
		if (v == t)
			return 1;
		if (v < t) {
			lo = q + 1;
			flo = q;
			vlo = v;
		} else {
			hi = p - 1;
			fhi = q;
			vhi = v;
		}
		/* An interpolation that did not halve the range is followed
		 * by a bisection: no worse than twice a binary search. */
		bisect = interp && (hi - lo + 1) * 2 > width;
	}
	return 0;
}

static int cmp_cand(const void *a, const void *b)
{
	const cand *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

#define KEY_DIST_MAX ((UINT64_C(1) << 60) - 1)

/* Step 2: each missing inode in turn, over the processes in order of
 * likelihood, within the budget.  cg_only: only the cgroup members (step
 * 0); otherwise only the others (the members were searched already). */
static int targeted(ctx *c, bool cg_only)
{
	uint64_t t, d;
	size_t i, j, n;
	proc_ent *e;
	int r;

	c->budget = (long)(c->n_fds / TARGET_SHARE);
	if (c->budget < TARGET_MIN_BUDGET)
		c->budget = TARGET_MIN_BUDGET;
	for (i = 0; i < c->n_w && c->missing > 0 && c->budget > 0; i++) {
		if (c->w[i].found)
			continue;
		t = c->w[i].inode;
		n = 0;
		for (j = 0; j < c->n_p; j++) {
			e = &c->p[j];
			if (e->state != P_NEW || e->top < 0 || e->cg != cg_only)
				continue;
			if (e->holder) {
				/* A socket is often not alone: v4 and v6. */
				c->cand[n++] = (cand){0, j};
				continue;
			}
			/* Only those whose newest socket is newer than t. */
			if (e->hi < t)
				continue;
			d = e->hi - t;
			c->cand[n++] = (cand){(uint64_t)e->tier << 62 | (uint64_t)1 << 60 |
			                          (d < KEY_DIST_MAX ? d : KEY_DIST_MAX),
			                      j};
		}
		qsort(c->cand, n, sizeof(*c->cand), cmp_cand);
		for (j = 0; j < n && !c->w[i].found && c->budget > 0; j++) {
			r = search_proc(c, &c->p[c->cand[j].idx], t);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---------------------------------------------------------- full walk */

/* Steps 3 and 4 for one process: every fd. */
static int scan(ctx *c, proc_ent *e)
{
	struct linux_dirent64 *d;
	char path[32];
	long n, off;
	uint64_t ino;
	int err, fd, r = 0;

	if (e->state != P_NEW)
		return 0;
	snprintf(path, sizeof(path), "%d/fd", e->pid);
	fd = openat(c->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			mark_denied(c, e);
		else
			e->state = P_GONE;
		return 0;
	}
	e->state = P_SCANNED;
	for (;;) {
		n = getdents64_(fd, c->dents, DENTS_SIZE);
		if (n <= 0) /* error: the process went away mid-read */
			break;
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct linux_dirent64 *)(void *)(c->dents + off);
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			ino = fd_socket_inode(fd, d->d_name, &err);
			if (err_denied(err)) {
				/* Whatever we found so far stays found. */
				mark_denied(c, e);
				goto out;
			}
			if (ino) {
				r = record(c, e, ino);
				if (r < 0)
					goto out;
			}
		}
	}
out:
	close(fd);
	return r;
}

/* Step 3: every process, likeliest first, until each inode has a holder. */
static int full_walk(ctx *c)
{
	size_t i, n = 0;
	proc_ent *e;
	int r;

	for (i = 0; i < c->n_p; i++) {
		e = &c->p[i];
		if (e->state != P_NEW)
			continue;
		c->cand[n++] = (cand){(uint64_t)e->tier << 63 |
		                          (e->dist < (UINT64_C(1) << 63)
		                               ? e->dist
		                               : (UINT64_C(1) << 63) - 1),
		                      i};
	}
	qsort(c->cand, n, sizeof(*c->cand), cmp_cand);
	for (i = 0; i < n && c->missing > 0; i++) {
		r = scan(c, &c->p[c->cand[i].idx]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------- cgroup members */

/* A cgroup v2 id as a file handle of the cgroup2 filesystem: kernfs
 * exports its nodes with handle type FILEID_KERNFS and the 64-bit node id
 * (the cgroup id) as the handle.  Laid out as struct file_handle. */
struct kernfs_handle {
	unsigned int handle_bytes;
	int handle_type;
	uint64_t id;
};
_Static_assert(offsetof(struct kernfs_handle, id) == 8,
               "f_handle follows handle_bytes and handle_type");

/* The fd of the cgroup2 mount (from /proc/self/mountinfo), or -1. */
static int open_cgroup2(void)
{
	char *text = NULL, *path = NULL;
	struct statfs sf;
	size_t len;
	bool trunc;
	int fd = -1;

	if (pd__read_alloc_at(AT_FDCWD, "/proc/self/mountinfo", MOUNTINFO_MAX,
	                      &text, &len, &trunc) < 0)
		return -1;
	if (pd_mountinfo_cgroup2(text, len, &path) == 0)
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && (fstatfs(fd, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)) {
		close(fd);
		fd = -1;
	}
	free(text);
	free(path);
	return fd;
}

/* Marks the processes of cgroup id (its cgroup.procs: the processes
 * directly in it, pids as this process sees them) as members.  Only
 * PD_ENOMEM is an error; a cgroup gone or not reachable marks none. */
static int mark_members(ctx *c, int mntfd, uint64_t id, size_t *n_members)
{
	struct kernfs_handle h = {sizeof(h.id), FILEID_KERNFS, id};
	char *buf = NULL, *p;
	proc_ent *e;
	size_t len;
	bool trunc;
	long v;
	int dfd, r;

	/* EPERM without CAP_DAC_READ_SEARCH (in the initial user namespace),
	 * ESTALE for a cgroup removed since the socket was made. */
	dfd = (int)syscall(SYS_open_by_handle_at, mntfd, &h,
	                   O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	r = pd__read_alloc_at(dfd, "cgroup.procs", CG_PROCS_MAX, &buf, &len,
	                      &trunc);
	close(dfd);
	if (r < 0)
		return r == PD_ENOMEM ? r : 0;
	/* A cut list still names candidates; the rest are walked later. */
	for (p = buf; *p;) {
		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		for (v = 0; *p >= '0' && *p <= '9'; p++)
			if (v < INT_MAX / 10)
				v = v * 10 + (*p - '0');
		e = find_pid(c, (int)v);
		if (e && !e->cg && e->state == P_NEW) {
			e->cg = true;
			(*n_members)++;
		}
	}
	free(buf);
	return 0;
}

/* Step 0: the processes of the cgroups the kernel reports for the wanted
 * sockets (INET_DIAG_CGROUP_ID: the cgroup of the process that created
 * the socket), before anyone else.  Why: the survey alone costs a
 * readlink per process of the machine, while the creator, or a sibling
 * it was handed to, is in that cgroup far more often than not (a service,
 * a container); its members are surveyed, searched and then scanned in
 * full, and when that finds every socket, nobody else is looked at.
 * Members are only candidates: a socket passed to a process of another
 * cgroup is still found by the steps after.  Needs root (open_by_handle_at
 * wants CAP_DAC_READ_SEARCH) and cgroup v2; otherwise a no-op. */
static int cgroup_first(ctx *c)
{
	uint64_t ids[CG_MAX_IDS], id;
	size_t i, j, n_ids = 0, n_members = 0;
	int mntfd, r = 0;

	for (i = 0; i < c->n_w && n_ids < CG_MAX_IDS; i++) {
		id = c->s->sockets[c->w[i].sock].cgroup_id;
		/* 0: not reported (cgroup v1 socket data, /proc/net
		 * fallback); 1: the root cgroup, where everything
		 * unconfined runs: no narrowing. */
		if (c->w[i].found || id <= 1)
			continue;
		for (j = 0; j < n_ids && ids[j] != id; j++)
			;
		if (j == n_ids)
			ids[n_ids++] = id;
	}
	if (n_ids == 0 || geteuid() != 0)
		return 0;
	mntfd = open_cgroup2();
	if (mntfd < 0)
		return 0;
	for (i = 0; i < n_ids && r == 0; i++)
		r = mark_members(c, mntfd, ids[i], &n_members);
	close(mntfd);
	if (r < 0 || n_members == 0)
		return r;
	c->cg_done = true;
	for (i = 0; i < c->n_p && c->missing > 0; i++) {
		if (!c->p[i].cg)
			continue;
		r = survey(c, &c->p[i]);
		if (r < 0)
			return r;
	}
	if (c->missing > 0 && c->fd_count && c->missing <= TARGET_MAX_WANTS) {
		r = targeted(c, true);
		if (r < 0)
			return r;
	}
	for (i = 0; i < c->n_p && c->missing > 0; i++) {
		if (!c->p[i].cg)
			continue;
		r = scan(c, &c->p[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The children of process pid (the natural ones, of every thread) from
 * /proc/PID/task/TID/children, appended to *kids.  Only PD_ENOMEM is an
 * error: a process gone has no children. */
static int read_children(ctx *c, int pid, int **kids, size_t *n_kids,
                         size_t *cap)
{
	struct linux_dirent64 *d;
	char dents[4096], path[64], *buf = NULL, *s;
	size_t len;
	long n, off, v;
	bool trunc;
	int dfd, *tmp, r = 0;

	snprintf(path, sizeof(path), "%d/task", pid);
	dfd = openat(c->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	while (r == 0 && (n = getdents64_(dfd, dents, sizeof(dents))) > 0) {
		for (off = 0; r == 0 && off < n; off += d->d_reclen) {
			d = (struct linux_dirent64 *)(void *)(dents + off);
			if (name_pid(d->d_name) < 0)
				continue;
			snprintf(path, sizeof(path), "%s/children", d->d_name);
			if (pd__read_alloc_at(dfd, path, CHILDREN_MAX, &buf, &len, &trunc) <
			    0)
				continue;
			for (s = buf; *s;) {
				if (*s < '0' || *s > '9') {
					s++;
					continue;
				}
				for (v = 0; *s >= '0' && *s <= '9'; s++)
					if (v < INT_MAX / 10)
						v = v * 10 + (*s - '0');
				if (*n_kids == *cap) {
					*cap = *cap ? *cap * 2 : 16;
					tmp = realloc(*kids, *cap * sizeof(*tmp));
					if (!tmp) {
						r = PD_ENOMEM;
						break;
					}
					*kids = tmp;
				}
				(*kids)[(*n_kids)++] = (int)v;
			}
			free(buf);
			buf = NULL;
		}
	}
	close(dfd);
	return r;
}

/* Step 4 with the children files: the children of every holder are
 * scanned in full, and theirs if they hold one of the sockets. */
static int scan_children_files(ctx *c)
{
	int *kids = NULL;
	size_t i, k, n_kids, cap = 0;
	bool again = true;
	proc_ent *e;
	int r = 0;

	while (again && r == 0) {
		again = false;
		for (i = 0; i < c->n_p && r == 0; i++) {
			if (!c->p[i].holder || c->p[i].kids_done)
				continue;
			c->p[i].kids_done = true;
			n_kids = 0;
			r = read_children(c, c->p[i].pid, &kids, &n_kids, &cap);
			for (k = 0; k < n_kids && r == 0; k++) {
				e = find_pid(c, kids[k]);
				if (!e || e->state != P_NEW)
					continue;
				r = scan(c, e);
				if (e->holder)
					again = true;
			}
		}
	}
	free(kids);
	return r;
}

/* The ppid of e from /proc/PID/stat, or -1. */
static int read_ppid(ctx *c, proc_ent *e)
{
	char name[24], buf[1024];
	pd_proc_stat ps;
	size_t len;

	if (e->ppid >= 0)
		return e->ppid;
	snprintf(name, sizeof(name), "%d/stat", e->pid);
	if (pd__read_at(c->procfd, name, buf, sizeof(buf), &len) < 0 ||
	    pd_proc_stat_parse(buf, len, &ps) < 0 || (ps.flags & PF_KTHREAD)) {
		e->state = P_GONE;
		return -1;
	}
	e->ppid = ps.ppid;
	return e->ppid;
}

/* Step 4 without them (CONFIG_PROC_CHILDREN off): the ppid of every
 * process not scanned yet. */
static int scan_children_ppid(ctx *c)
{
	size_t i;
	bool again = true;
	proc_ent *e, *parent;
	int ppid, r;

	while (again) {
		again = false;
		for (i = 0; i < c->n_p; i++) {
			e = &c->p[i];
			if (e->state != P_NEW)
				continue;
			ppid = read_ppid(c, e);
			if (ppid <= 0)
				continue;
			parent = find_pid(c, ppid);
			if (!parent || !parent->holder)
				continue;
			r = scan(c, e);
			if (r < 0)
				return r;
			if (e->holder)
				again = true;
		}
	}
	return 0;
}

static int scan_children(ctx *c)
{
	struct stat st;
	size_t i;

	for (i = 0; i < c->n_p; i++)
		if (c->p[i].holder)
			break;
	if (i == c->n_p)
		return 0;
	if (fstatat(c->procfd, "thread-self/children", &st, 0) == 0)
		return scan_children_files(c);
	return scan_children_ppid(c);
}

/* ------------------------------------------------- process details */

typedef struct details {
	int64_t btime; /* -1 unknown */
	long clk_tck;
	char *passwd;
	size_t passwd_len;
	bool passwd_read;
} details;

static int read_link_dup(int dirfd, const char *name, char **ret)
{
	char buf[LINK_MAX_LEN];
	ssize_t n;

	n = readlinkat(dirfd, name, buf, sizeof(buf));
	if (n < 0)
		return pd__errno_to_pd(errno);
	/* readlink does not say whether it cut the path: keep what fits. */
	return pd_proc_text_dup(buf, (size_t)n, ret);
}

static int fill_user(details *dt, pd_process *p)
{
	bool trunc;
	int r;

	if (!dt->passwd_read) {
		dt->passwd_read = true;
		if (pd__read_alloc_at(AT_FDCWD, "/etc/passwd", PASSWD_MAX, &dt->passwd,
		                      &dt->passwd_len, &trunc) < 0)
			dt->passwd = NULL;
	}
	if (!dt->passwd || p->uid < 0)
		return 0;
	r = pd_passwd_lookup(dt->passwd, dt->passwd_len, p->uid, &p->user);
	return r == PD_ENOMEM ? r : 0;
}

/* Everything we show of one holder.  Missing pieces (the process exited,
 * or hides them) stay NULL / -1; only PD_ENOMEM is an error. */
static int fill_process(ctx *c, details *dt, int pid)
{
	char name[16], buf[16384], *raw = NULL;
	pd_proc_stat st;
	pd_process *p;
	size_t len;
	bool trunc;
	int dfd, r;

	r = pd_snapshot_add_process(c->s, &p);
	if (r < 0)
		return r;
	p->pid = pid;
	p->ppid = -1;
	p->uid = -1;
	p->start_time = -1;
	snprintf(name, sizeof(name), "%d", pid);
	dfd = openat(c->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	if (pd__read_at(dfd, "stat", buf, sizeof(buf), &len) == 0 &&
	    pd_proc_stat_parse(buf, len, &st) == 0) {
		p->ppid = st.ppid;
		p->name = strdup(st.comm);
		if (!p->name)
			goto nomem;
		if (dt->btime >= 0 && dt->clk_tck > 0)
			p->start_time = dt->btime + (int64_t)(st.starttime /
			                                      (uint64_t)dt->clk_tck);
	}
	if (pd__read_at(dfd, "status", buf, sizeof(buf), &len) == 0)
		(void)pd_proc_status_uid(buf, len, &p->uid);
	if (pd__read_alloc_at(dfd, "cmdline", CMDLINE_MAX, &raw, &len, &trunc) ==
	    0) {
		r = pd_proc_cmdline_join(raw, len, CMDLINE_MAX, &p->cmdline);
		if (r == PD_ENOMEM)
			goto nomem;
	}
	if (read_link_dup(dfd, "exe", &p->exe) == PD_ENOMEM ||
	    read_link_dup(dfd, "cwd", &p->cwd) == PD_ENOMEM)
		goto nomem;
	if (pd__read_at(dfd, "cgroup", buf, sizeof(buf), &len) == 0 &&
	    pd_proc_cgroup_path(buf, len, &p->cgroup) == PD_ENOMEM)
		goto nomem;
	if (p->cgroup &&
	    pd_cgroup_service(p->cgroup, strlen(p->cgroup), &p->service) ==
	        PD_ENOMEM)
		goto nomem;
	r = fill_user(dt, p);
	goto out;
nomem:
	r = PD_ENOMEM;
out:
	free(raw);
	close(dfd);
	return r;
}

static int fill_holders(ctx *c)
{
	details dt = {-1, sysconf(_SC_CLK_TCK), NULL, 0, false};
	char *stat = NULL;
	size_t i, len;
	bool trunc;
	int r = 0;

	for (i = 0; i < c->n_p && r == 0; i++) {
		if (!c->p[i].holder)
			continue;
		if (!stat && pd__read_alloc_at(c->procfd, "stat", PROC_STAT_MAX, &stat,
		                               &len, &trunc) == 0)
			(void)pd_proc_stat_btime(stat, len, &dt.btime);
		r = fill_process(c, &dt, c->p[i].pid);
	}
	free(stat);
	free(dt.passwd);
	return r;
}

/* ------------------------------------------------------------ walk */

static int collect_wants(ctx *c, const pd_probe_opts *opts)
{
	size_t i, j;

	c->w = calloc(c->s->n_sockets ? c->s->n_sockets : 1, sizeof(*c->w));
	c->uids = calloc(c->s->n_sockets ? c->s->n_sockets : 1, sizeof(*c->uids));
	if (!c->w || !c->uids)
		return PD_ENOMEM;
	for (i = 0; i < c->s->n_sockets; i++) {
		pd_socket *sk = &c->s->sockets[i];

		if (sk->inode == 0)
			continue; /* TIME_WAIT, request socks: held by no file */
		if (opts->owners < 2 &&
		    !pd__port_of_interest(opts, sk->proto, sk->local.family,
		                          sk->local_port))
			continue;
		sk->owner_status = PD_OWNER_UNKNOWN;
		c->w[c->n_w++] = (want){sk->inode, i, false};
		for (j = 0; j < c->n_uids && c->uids[j] != sk->uid; j++)
			;
		if (j == c->n_uids && sk->uid >= 0)
			c->uids[c->n_uids++] = sk->uid;
	}
	qsort(c->w, c->n_w, sizeof(*c->w), cmp_want);
	c->missing = c->n_w;
	/* The same inode twice (a socket dumped twice) counts once. */
	for (i = 1; i < c->n_w; i++)
		if (c->w[i].inode == c->w[i - 1].inode) {
			c->w[i].found = true;
			c->missing--;
		}
	return 0;
}

static int finish(ctx *c)
{
	bool root = geteuid() == 0;
	size_t i, n_unknown = 0;
	int r;

	for (i = 0; i < c->n_w; i++) {
		pd_socket *sk = &c->s->sockets[c->w[i].sock];

		if (sk->owner_status == PD_OWNER_FOUND)
			continue;
		/* Without root, other users' processes may be hidden from us
		 * altogether (hidepid), not just denied. */
		if (c->n_denied > 0 || !root) {
			sk->owner_status = PD_OWNER_DENIED;
			c->s->owners_partial = true;
			n_unknown++;
		}
	}
	if (!root) {
		r = pd_snapshot_add_note(
		    c->s, "not_root",
		    "not running as root: the processes of other users cannot be "
		    "inspected, so some owners are unknown; rerun as root");
		if (r < 0)
			return r;
	}
	if (n_unknown > 0 && c->n_denied > 0) {
		char msg[200];

		snprintf(msg, sizeof(msg),
		         "%zu processes could not be inspected (first: PID %d); "
		         "%zu sockets may be held by one of them",
		         c->n_denied, c->first_denied, n_unknown);
		r = pd_snapshot_add_note(c->s, "owners_denied", msg);
		if (r < 0)
			return r;
	}
	return 0;
}

int pd__linux_owners(pd_snapshot *s, const pd_probe_opts *opts)
{
	struct statfs sf;
	struct stat st;
	ctx c;
	size_t i;
	int r;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.procfd = -1;
	r = collect_wants(&c, opts);
	if (r < 0 || c.n_w == 0)
		goto out;
	c.dents = malloc(DENTS_SIZE);
	if (!c.dents) {
		r = PD_ENOMEM;
		goto out;
	}
	c.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* A masked /proc (an empty tmpfs mounted over it, as some container
	 * sandboxes do) opens fine but lists no process: not procfs. */
	if (c.procfd >= 0 && fstatfs(c.procfd, &sf) == 0 &&
	    sf.f_type != PROC_SUPER_MAGIC) {
		close(c.procfd);
		c.procfd = -1;
	}
	if (c.procfd < 0) {
		s->owners_partial = true;
		r = pd_snapshot_add_note(s, "proc_unreadable",
		                         "/proc could not be read: owners unknown");
		goto out;
	}
	r = list_pids(&c);
	if (r < 0)
		goto out;
	c.cand = malloc((c.n_p ? c.n_p : 1) * sizeof(*c.cand));
	if (!c.cand) {
		r = PD_ENOMEM;
		goto out;
	}
	/* Linux 6.2+ gives the number of open fds as the size of
	 * /proc/PID/fd; before, 0 (we have c.procfd open: never 0 then). */
	c.fd_count = fstatat(c.procfd, "self/fd", &st, 0) == 0 && st.st_size > 0;
	r = cgroup_first(&c);
	if (r < 0)
		goto out;
	/* Everything found among the cgroup members: nobody else is looked
	 * at (their children still are, step 4).  Otherwise everyone is
	 * surveyed, as without step 0. */
	for (i = 0; i < c.n_p && (c.missing > 0 || !c.cg_done); i++) {
		if (c.p[i].cg)
			continue;
		r = survey(&c, &c.p[i]);
		if (r < 0)
			goto out;
	}
	if (c.missing > 0 && c.fd_count && c.missing <= TARGET_MAX_WANTS) {
		r = targeted(&c, false);
		if (r < 0)
			goto out;
	}
	if (c.missing > 0) {
		r = full_walk(&c);
		if (r < 0)
			goto out;
	}
	r = scan_children(&c);
	if (r < 0)
		goto out;
	r = finish(&c);
	if (r < 0)
		goto out;
	r = fill_holders(&c);
out:
	if (c.procfd >= 0)
		close(c.procfd);
	free(c.dents);
	free(c.cand);
	for (i = 0; i < c.n_p; i++)
		free(c.p[i].fds);
	free(c.p);
	free(c.w);
	free(c.uids);
	return r;
}
