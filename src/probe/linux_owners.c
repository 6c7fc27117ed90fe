/*
 * Which processes hold the sockets: a walk over /proc/PID/fd, done only as
 * far as needed.
 *
 * The kernel has no socket -> process map; the only way is to read the
 * fd symlinks ("socket:[INODE]") of processes, and on this kind of machine
 * a readlink of a /proc fd costs about 3-4 us, so reading every fd of a
 * busy host (what ss -p, fuser and lsof do) takes tens of milliseconds.
 * We read as few as we can:
 *
 *  1. Survey (cheap, per process): fstatat() of /proc/PID gives the uid
 *     the process runs as; fstat() of /proc/PID/fd gives the number of
 *     open fds (kernel 6.2+), and one readlinkat() of the highest fd
 *     samples an inode the process holds.  Fds are handed out lowest
 *     first, so the highest is usually the newest, and socket inodes are
 *     numbered in creation order: a process whose sample is close to a
 *     wanted inode most likely created it around the same time.
 *  2. Scan processes fully (getdents64 + readlinkat on the fd dirfd, no
 *     path strings) in this order: same uid as a wanted socket first,
 *     then by distance between the sample and the nearest wanted inode,
 *     then by pid.  Stop once every wanted inode has a holder.  The order
 *     only decides how soon we stop; when a socket has no holder, every
 *     process has been scanned.
 *  3. Sharing rule: a socket may be held by several processes.  Sockets
 *     are shared mostly by fork (a pre-forking server and its workers), so
 *     after stopping we read the ppid of the processes not yet scanned and
 *     also scan the children of every holder, recursively.  The holders
 *     recorded are: every scanned process that has the socket, which
 *     includes the first one found and all its descendants that still
 *     have it.  A socket passed to an unrelated process (SCM_RIGHTS,
 *     systemd socket activation when PID 1 is not the first found) may
 *     list fewer holders than exist.
 *
 * The cgroup id the kernel reports is not used for narrowing: turning a
 * process into a cgroup id costs a read of /proc/PID/cgroup and a stat on
 * the cgroup2 tree (more than the survey), and cgroup v1 hosts (such as
 * this one) have no such id at all.
 *
 * Denied processes (EACCES: PID 1 here even for root; everyone else's
 * processes without root) make a socket that is found nowhere
 * PD_OWNER_DENIED, never a failed scan.  Processes that vanish mid-walk
 * (ENOENT, ESRCH) are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux.h"
#include "parse_proc.h"

#define DENTS_SIZE (32u * 1024u)
#define MAX_PROCS (4u * 1024u * 1024u)
/* Survey dirfds kept open for the scan; beyond, they are reopened. */
#define MAX_OPEN_DIRS 256u
#define CMDLINE_MAX (64u * 1024u)
#define PASSWD_MAX (4u * 1024u * 1024u)
#define PROC_STAT_MAX (4u * 1024u * 1024u)
#define LINK_MAX_LEN 4096u
/* include/linux/sched.h: the task is a kernel thread. */
#define PF_KTHREAD 0x00200000u

enum { P_NEW, P_SCANNED, P_DENIED, P_GONE };

typedef struct want {
	uint64_t inode;
	size_t sock; /* index into snapshot->sockets */
	bool found;
} want;

typedef struct proc_ent {
	int pid;
	int ppid;   /* -1 not read yet */
	int dirfd;  /* /proc/PID/fd kept from the survey, or -1 */
	uint8_t tier;
	uint8_t state;
	bool holder;
	uint64_t dist;
} proc_ent;

typedef struct ctx {
	pd_snapshot *s;
	int procfd;
	want *w;
	size_t n_w;
	size_t missing;
	int64_t *uids; /* distinct uids of the wanted sockets */
	size_t n_uids;
	proc_ent *p;
	size_t n_p;
	size_t open_dirs;
	size_t n_denied;
	int first_denied;
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

/* The inode of the socket fd 'name' in an fd dirfd, or 0.  *ret_denied
 * is set when the kernel refuses (PID 1 here lists its fds but refuses
 * every readlink, even to root). */
static uint64_t fd_socket_inode(int dirfd, const char *name, bool *ret_denied)
{
	char link[64];
	uint64_t v = 0;
	ssize_t n;
	ssize_t i;

	n = readlinkat(dirfd, name, link, sizeof(link));
	if (n < 0 && (errno == EACCES || errno == EPERM))
		*ret_denied = true;
	if (n < 10 || n >= (ssize_t)sizeof(link) || memcmp(link, "socket:[", 8) != 0)
		return 0;
	for (i = 8; i < n && link[i] >= '0' && link[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(link[i] - '0');
	}
	return i == n - 1 && link[i] == ']' ? v : 0;
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

static void mark_denied(ctx *c, proc_ent *e)
{
	e->state = P_DENIED;
	if (c->n_denied++ == 0)
		c->first_denied = e->pid;
}

static int open_fd_dir(ctx *c, proc_ent *e)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "%d/fd", e->pid);
	fd = openat(c->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			mark_denied(c, e);
		else
			e->state = P_GONE;
	}
	return fd;
}

static void close_dir(ctx *c, proc_ent *e)
{
	if (e->dirfd >= 0) {
		close(e->dirfd);
		e->dirfd = -1;
		c->open_dirs--;
	}
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
			return 0;
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
			c->p[c->n_p++] = (proc_ent){pid, -1, -1, 1, P_NEW, false,
			                            UINT64_MAX};
		}
	}
}

/* Step 1 for one process. */
static void survey(ctx *c, proc_ent *e)
{
	char name[24], buf[1024];
	struct stat st;
	pd_proc_stat ps;
	bool denied = false;
	uint64_t ino;
	size_t i, len;
	int fd;

	/* stat first: it gives the ppid (for the sharing rule) and tells
	 * kernel threads (no fds at all) from processes. */
	snprintf(name, sizeof(name), "%d/stat", e->pid);
	if (pd__read_at(c->procfd, name, buf, sizeof(buf), &len) < 0 ||
	    pd_proc_stat_parse(buf, len, &ps) < 0) {
		e->state = P_GONE;
		return;
	}
	e->ppid = ps.ppid;
	if (ps.flags & PF_KTHREAD) {
		e->state = P_GONE;
		return;
	}

	snprintf(name, sizeof(name), "%d", e->pid);
	if (fstatat(c->procfd, name, &st, 0) < 0) {
		e->state = P_GONE;
		return;
	}
	/* A process that changed its ids is not dumpable and its /proc
	 * directory shows root: that still matches a socket it created as
	 * root before dropping privileges. */
	for (i = 0; i < c->n_uids; i++)
		if ((int64_t)st.st_uid == c->uids[i])
			e->tier = 0;
	fd = open_fd_dir(c, e);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		snprintf(name, sizeof(name), "%lld", (long long)st.st_size - 1);
		ino = fd_socket_inode(fd, name, &denied);
		if (ino)
			e->dist = want_distance(c, ino);
		if (denied) {
			close(fd);
			mark_denied(c, e);
			return;
		}
	}
	if (c->open_dirs < MAX_OPEN_DIRS) {
		e->dirfd = fd;
		c->open_dirs++;
	} else {
		close(fd);
	}
}

static int cmp_order(const void *a, const void *b)
{
	const proc_ent *x = a, *y = b;

	if (x->tier != y->tier)
		return x->tier < y->tier ? -1 : 1;
	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Step 2 for one process: every fd. */
static int scan(ctx *c, proc_ent *e)
{
	struct linux_dirent64 *d;
	long n, off;
	uint64_t ino;
	size_t i;
	bool denied = false;
	int fd = e->dirfd, r;

	if (e->state != P_NEW)
		return 0;
	if (fd < 0) {
		fd = open_fd_dir(c, e);
		if (fd < 0)
			return 0;
	} else {
		e->dirfd = -1;
		c->open_dirs--;
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
			ino = fd_socket_inode(fd, d->d_name, &denied);
			if (denied) {
				/* Whatever we found so far stays found. */
				e->state = P_SCANNED;
				mark_denied(c, e);
				r = 0;
				goto out;
			}
			if (!ino)
				continue;
			for (i = want_lower(c, ino); i < c->n_w && c->w[i].inode == ino;
			     i++) {
				r = pd_socket_add_pid(&c->s->sockets[c->w[i].sock], e->pid);
				if (r < 0)
					goto out;
				e->holder = true;
				if (!c->w[i].found) {
					c->w[i].found = true;
					c->missing--;
				}
			}
		}
	}
	r = 0;
out:
	close(fd);
	return r;
}

/* Step 3: children of holders, until no new holder appears. */
static int scan_children(ctx *c)
{
	size_t i, j;
	bool again = false;
	int r;

	for (i = 0; i < c->n_p && !again; i++)
		again = c->p[i].holder;
	while (again) {
		again = false;
		for (i = 0; i < c->n_p; i++) {
			proc_ent *e = &c->p[i];

			if (e->state != P_NEW || e->ppid <= 0)
				continue;
			for (j = 0; j < c->n_p; j++)
				if (c->p[j].holder && c->p[j].pid == e->ppid)
					break;
			if (j == c->n_p)
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
	if (c.procfd < 0) {
		r = pd_snapshot_add_note(s, "proc_unreadable",
		                         "/proc could not be opened: owners unknown");
		goto out;
	}
	r = list_pids(&c);
	if (r < 0)
		goto out;
	for (i = 0; i < c.n_p; i++)
		survey(&c, &c.p[i]);
	qsort(c.p, c.n_p, sizeof(*c.p), cmp_order);
	for (i = 0; i < c.n_p && c.missing > 0; i++) {
		r = scan(&c, &c.p[i]);
		if (r < 0)
			goto out;
	}
	r = scan_children(&c);
	if (r < 0)
		goto out;
	for (i = 0; i < c.n_p; i++)
		close_dir(&c, &c.p[i]);
	r = finish(&c);
	if (r < 0)
		goto out;
	r = fill_holders(&c);
out:
	for (i = 0; i < c.n_p; i++)
		close_dir(&c, &c.p[i]);
	if (c.procfd >= 0)
		close(c.procfd);
	free(c.dents);
	free(c.p);
	free(c.w);
	free(c.uids);
	return r;
}
