/*
 * Which processes hold the sockets: a walk over /proc/PID/fd, done only as
 * far as needed.  This file is the driver (the order of the steps, the
 * full walk, the children of holders, the notes); each other step has its
 * own file.
 *
 * The kernel has no socket -> process map; the only way is to read the
 * fd symlinks ("socket:[INODE]") of processes.  Measured on this kind of
 * machine: a readlinkat() of a /proc fd costs about 2.5-4 us, listing an
 * fd directory (getdents64) about 0.4 us per fd plus 3-4 us for the
 * open and close, reading /proc/PID/stat 10-25 us, a fstatat() 1.3 us.
 * Reading every fd of a busy host (what ss -p, fuser and lsof do) takes
 * tens of milliseconds, so we read as few as we can, using two facts:
 * fds are handed out lowest first, and socket inodes are numbered
 * machine-wide in creation order (each CPU from its own block of 1,024),
 * so within one process the socket inodes grow with the fd number, in a
 * few rising runs.
 *
 *  0. Cgroup members (cgroup.c): the processes of the cgroup
 *     the kernel reports for each wanted socket are surveyed, searched and
 *     scanned in full before anyone else; if that finds every wanted
 *     socket, no other process is looked at.
 * 0b. Network namespace (netns_first below): the processes of our own
 *     network namespace, whose sockets were dumped, are surveyed and
 *     searched before the others; if that finds every wanted socket,
 *     processes of other namespaces (containers, sandboxes) are not
 *     looked at.  Step 0c comes first, testing the namespace of only the
 *     processes it meets; the others are tested when it fails.
 * 0c. Bisection (search.c): over the processes of step 0b (or all, when
 *     nothing narrowed them), in pid order, a few surveyed and searched
 *     where servers started in order would hold the socket; when that
 *     finds every wanted socket, nobody else is surveyed.
 *  1. Survey (fds.c): per process, the uid it runs as, its
 *     number of fds and a sample of its newest socket, for a fstatat()
 *     and a readlinkat() or a few.
 *  2. Targeted search (search.c), for a few sockets: a
 *     search over the fd indices of the likeliest processes, a few
 *     readlinks each, within a budget of readlinks.
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
 * What we show of each holder is read by procinfo.c.
 *
 * Not used: /proc/PID/fdinfo/N (an open, a read and a close per fd:
 * dearer than a readlink); listing every fd directory up front (0.4 us
 * per fd, more than the whole search).  Step 0 notes what it does not do.
 *
 * Denied processes (EACCES: PID 1 here even for root; everyone else's
 * processes without root) make a socket that is found nowhere
 * PD_OWNER_DENIED, never a failed scan.  Processes that vanish mid-walk
 * (ENOENT, ESRCH) are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/i18n.h"
#include "linux.h"
#include "procfs/procfs.h"

#define MAX_PROCS (4u * 1024u * 1024u)
#define CHILDREN_MAX (4u * 1024u * 1024u)
/* include/linux/sched.h: the task is a kernel thread. */
#define PF_KTHREAD 0x00200000u

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

static int cmp_want(const void *a, const void *b)
{
	const pd__want *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static int cmp_pid(const void *a, const void *b)
{
	const pd__proc_ent *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

pd__proc_ent *pd__owners_find_pid(pd__owners *c, int pid)
{
	pd__proc_ent key;

	key.pid = pid;
	return bsearch(&key, c->p, c->n_p, sizeof(*c->p), cmp_pid);
}

static int list_pids(pd__owners *c)
{
	struct linux_dirent64 *d;
	pd__proc_ent *tmp;
	size_t cap = 0;
	long n, off;
	int pid;

	for (;;) {
		n = pd__getdents64(c->procfd, c->dents, PD__DENTS_SIZE);
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
			c->p[c->n_p++] = (pd__proc_ent){pid,        -1, NULL,  0,     -1,
			                                0,          UINT64_MAX, 1, PD__P_NEW,
			                                false,      false, false,
			                                PD__EARLY_NONE, PD__NS_UNKNOWN};
		}
	}
	/* /proc lists pids in order; pd__owners_find_pid() must not depend
	 * on it. */
	qsort(c->p, c->n_p, sizeof(*c->p), cmp_pid);
	return 0;
}

int pd__owners_cmp_cand(const void *a, const void *b)
{
	const pd__cand *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* ---------------------------------------------------------- full walk */

/* Step 3: every process, likeliest first, until each inode has a holder. */
static int full_walk(pd__owners *c)
{
	size_t i, n = 0;
	pd__proc_ent *e;
	int r;

	for (i = 0; i < c->n_p; i++) {
		e = &c->p[i];
		if (e->state != PD__P_NEW)
			continue;
		c->cand[n++] = (pd__cand){(uint64_t)e->tier << 63 |
		                              (e->dist < (UINT64_C(1) << 63)
		                                   ? e->dist
		                                   : (UINT64_C(1) << 63) - 1),
		                          i};
	}
	qsort(c->cand, n, sizeof(*c->cand), pd__owners_cmp_cand);
	for (i = 0; i < n && c->missing > 0; i++) {
		r = pd__owners_scan(c, &c->p[c->cand[i].idx]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------- children of holders */

/* The children of process pid (the natural ones, of every thread) from
 * /proc/PID/task/TID/children, appended to *kids.  Only PD_ENOMEM is an
 * error: a process gone has no children. */
static int read_children(pd__owners *c, int pid, int **kids, size_t *n_kids,
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
	while (r == 0 && (n = pd__getdents64(dfd, dents, sizeof(dents))) > 0) {
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
static int scan_children_files(pd__owners *c)
{
	int *kids = NULL;
	size_t i, k, n_kids, cap = 0;
	bool again = true;
	pd__proc_ent *e;
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
				e = pd__owners_find_pid(c, kids[k]);
				if (!e || e->state != PD__P_NEW)
					continue;
				r = pd__owners_scan(c, e);
				if (e->holder)
					again = true;
			}
		}
	}
	free(kids);
	return r;
}

/* The ppid of e from /proc/PID/stat, or -1. */
static int read_ppid(pd__owners *c, pd__proc_ent *e)
{
	char name[24], buf[1024];
	pd_proc_stat ps;
	size_t len;

	if (e->ppid >= 0)
		return e->ppid;
	snprintf(name, sizeof(name), "%d/stat", e->pid);
	if (pd__read_at(c->procfd, name, buf, sizeof(buf), &len) < 0 ||
	    pd_proc_stat_parse(buf, len, &ps) < 0 || (ps.flags & PF_KTHREAD)) {
		e->state = PD__P_GONE;
		return -1;
	}
	e->ppid = ps.ppid;
	return e->ppid;
}

/* Step 4 without them (CONFIG_PROC_CHILDREN off): the ppid of every
 * process not scanned yet. */
static int scan_children_ppid(pd__owners *c)
{
	size_t i;
	bool again = true;
	pd__proc_ent *e, *parent;
	int ppid, r;

	while (again) {
		again = false;
		for (i = 0; i < c->n_p; i++) {
			e = &c->p[i];
			if (e->state != PD__P_NEW)
				continue;
			ppid = read_ppid(c, e);
			if (ppid <= 0)
				continue;
			parent = pd__owners_find_pid(c, ppid);
			if (!parent || !parent->holder)
				continue;
			r = pd__owners_scan(c, e);
			if (r < 0)
				return r;
			if (e->holder)
				again = true;
		}
	}
	return 0;
}

static int scan_children(pd__owners *c)
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

/* ------------------------------------------------------------ walk */

static int collect_wants(pd__owners *c, const pd_probe_opts *opts)
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
		c->w[c->n_w++] = (pd__want){sk->inode, i, false};
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

static int finish(pd__owners *c)
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
		    _("not running as root: the processes of other users cannot be "
		    "inspected, so some owners are unknown; rerun as root"));
		if (r < 0)
			return r;
	}
	if (n_unknown > 0 && c->n_denied > 0) {
		char msg[300];
		int k = snprintf(msg, sizeof(msg),
		                 ngettext("%zu process could not be inspected "
		                          "(first: PID %d); ",
		                          "%zu processes could not be inspected "
		                          "(first: PID %d); ", c->n_denied),
		                 c->n_denied, c->first_denied);

		if (k < 0 || (size_t)k >= sizeof(msg))
			k = 0;
		snprintf(msg + k, sizeof(msg) - (size_t)k,
		         ngettext("%zu socket may be held by one of them",
		                  "%zu sockets may be held by one of them",
		                  n_unknown), n_unknown);
		r = pd_snapshot_add_note(c->s, "owners_denied", msg);
		if (r < 0)
			return r;
	}
	return 0;
}

/* What we show of every holder, as snapshot->procs. */
static int fill_holders(pd__owners *c)
{
	pd__procinfo pi;
	size_t i;
	int r = 0;

	pd__procinfo_init(&pi, c->procfd);
	for (i = 0; i < c->n_p && r == 0; i++) {
		if (!c->p[i].holder)
			continue;
		r = pd__procinfo_fill(&pi, c->s, c->p[i].pid);
	}
	pd__procinfo_done(&pi);
	return r;
}

/* /proc as a directory fd, or -1 when it cannot be read. */
static int open_proc(void)
{
	struct statfs sf;
	int fd;

	fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* A masked /proc (an empty tmpfs mounted over it, as some container
	 * sandboxes do) opens fine but lists no process: not procfs. */
	if (fd >= 0 && fstatfs(fd, &sf) == 0 && sf.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		fd = -1;
	}
	return fd;
}

bool pd__owners_same_netns(pd__owners *c, pd__proc_ent *e)
{
	struct stat st;
	char name[40];

	if (e->netns == PD__NS_UNKNOWN) {
		snprintf(name, sizeof(name), "%d/ns/net", e->pid);
		e->netns = fstatat(c->procfd, name, &st, 0) == 0 &&
		                   st.st_ino == c->self_ns.st_ino &&
		                   st.st_dev == c->self_ns.st_dev
		               ? PD__NS_SAME
		               : PD__NS_OTHER;
	}
	return e->netns == PD__NS_SAME;
}

/* Step 0b: the processes of our own network namespace first.  The
 * sockets were dumped from the namespace this process runs in, and a
 * socket is nearly always held by a process of the namespace it was made
 * in: processes of other namespaces (containers, sandboxes, test
 * namespaces) hold one only when it was passed to them.  One fstatat()
 * per process tells (the inode of /proc/PID/ns/net; EACCES without
 * ptrace rights counts as another namespace), a fraction of what the
 * survey costs, but still 2 ms on 1,100 processes: so the bisection
 * (step 0c) comes first and tests only the processes it meets
 * (PD__EARLY_LAZY_NS), a dozen or two; when it finds every socket, that
 * is all.  Otherwise every process is tested, and the members are
 * surveyed and searched (step 2) before anyone else; when that finds
 * every socket, the others are not looked at.  When all or none share
 * the namespace there is nothing to narrow and the step is dropped
 * (*ret_bisected: the bisection covered everyone, step 0c need not run
 * again).  A no-op after step 0 found everything. */
static int netns_first(pd__owners *c, bool *ret_bisected)
{
	size_t i, n_same = 0, n_other = 0;
	pd__proc_ent *e;
	int r;

	*ret_bisected = false;
	if (c->missing == 0 || !c->fd_count ||
	    fstatat(c->procfd, "self/ns/net", &c->self_ns, 0) < 0)
		return 0;
	r = pd__owners_bisect(c, PD__EARLY_LAZY_NS);
	if (r < 0)
		return r;
	if (c->missing == 0) {
		c->early_done = true;
		return 0;
	}
	for (i = 0; i < c->n_p; i++) {
		e = &c->p[i];
		if (e->state != PD__P_NEW || e->early)
			continue;
		if (pd__owners_same_netns(c, e)) {
			e->early = PD__EARLY_NS;
			n_same++;
		} else {
			n_other++;
		}
	}
	if (n_same == 0 || n_other == 0) {
		for (i = 0; i < c->n_p; i++)
			if (c->p[i].early == PD__EARLY_NS)
				c->p[i].early = PD__EARLY_NONE;
		*ret_bisected = n_other == 0;
		return 0;
	}
	c->early_done = true;
	for (i = 0; i < c->n_p && c->missing > 0; i++) {
		if (c->p[i].early != PD__EARLY_NS)
			continue;
		r = pd__owners_survey(c, &c->p[i]);
		if (r < 0)
			return r;
	}
	return pd__owners_search(c, PD__EARLY_NS);
}

/* Steps 0 to 4 over the processes of c->procfd.  Only PD_ENOMEM (and a
 * /proc that cannot be listed) are errors. */
static int walk(pd__owners *c)
{
	struct stat st;
	bool bisected;
	size_t i;
	int r;

	r = list_pids(c);
	if (r < 0)
		return r;
	c->cand = malloc((c->n_p ? c->n_p : 1) * sizeof(*c->cand));
	if (!c->cand)
		return PD_ENOMEM;
	/* Linux 6.2+ gives the number of open fds as the size of
	 * /proc/PID/fd; before, 0 (we have c->procfd open: never 0 then). */
	c->fd_count = fstatat(c->procfd, "self/fd", &st, 0) == 0 && st.st_size > 0;
	r = pd__owners_cgroup_first(c);
	if (r < 0)
		return r;
	r = netns_first(c, &bisected);
	if (r < 0)
		return r;
	if (!c->cg_done && !c->early_done && !bisected) {
		/* Nothing narrowed the field: the bisection over everyone. */
		r = pd__owners_bisect(c, PD__EARLY_NONE);
		if (r < 0)
			return r;
		c->early_done = c->missing == 0;
	}
	/* Everything found among the cgroup or namespace members: nobody
	 * else is looked at (their children still are, step 4).  Otherwise
	 * everyone is surveyed, as without steps 0 and 0b. */
	for (i = 0; i < c->n_p &&
	            (c->missing > 0 || !(c->cg_done || c->early_done));
	     i++) {
		if (c->p[i].early)
			continue;
		r = pd__owners_survey(c, &c->p[i]);
		if (r < 0)
			return r;
	}
	r = pd__owners_search(c, PD__EARLY_NONE);
	if (r < 0)
		return r;
	if (c->missing > 0) {
		r = full_walk(c);
		if (r < 0)
			return r;
	}
	return scan_children(c);
}

int pd__linux_owners(pd_snapshot *s, const pd_probe_opts *opts)
{
	pd__owners c;
	size_t i;
	int r;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.procfd = -1;
	r = collect_wants(&c, opts);
	if (r < 0 || c.n_w == 0)
		goto out;
	c.dents = malloc(PD__DENTS_SIZE);
	if (!c.dents) {
		r = PD_ENOMEM;
		goto out;
	}
	c.procfd = open_proc();
	if (c.procfd < 0) {
		s->owners_partial = true;
		r = pd_snapshot_add_note(s, "proc_unreadable",
		                         _("/proc could not be read: owners unknown"));
		goto out;
	}
	r = walk(&c);
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
