/*
 * The cgroup step of the owner search (step 0, see owners.c): the
 * processes of the wanted sockets' cgroups are looked at before anyone
 * else.
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
 *     (or whose creator moved or exited) is found by the later steps,
 *     which skip the members already scanned.  Without root (EPERM),
 *     without a cgroup2 mount (v1-only hosts) or for a cgroup since
 *     removed (ESTALE), the step does nothing.
 *
 * Not used: the other direction from the cgroup id, process -> cgroup (a
 * read of /proc/PID/cgroup and a stat in the cgroup2 tree per process,
 * dearer than the survey it would order); without root, a walk of the
 * cgroup2 tree to find the directory whose inode is the id (hundreds of
 * stats on a systemd host).
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "linux.h"
#include "procfs/procfs.h"

/* Step 0 resolves at most this many distinct cgroup ids (a `check` has
 * one or two; for many, the survey costs less than the lookups). */
#define CG_MAX_IDS 16u
#define CG_PROCS_MAX (1024u * 1024u)
#define MOUNTINFO_MAX (4u * 1024u * 1024u)
/* include/linux/exportfs.h: a kernfs node id as a file handle. */
#define FILEID_KERNFS 0xfe

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
static int mark_members(pd__owners *c, int mntfd, uint64_t id,
                        size_t *n_members)
{
	struct kernfs_handle h = {sizeof(h.id), FILEID_KERNFS, id};
	char *buf = NULL, *p;
	pd__proc_ent *e;
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
		e = pd__owners_find_pid(c, (int)v);
		if (e && !e->early && e->state == PD__P_NEW) {
			e->early = PD__EARLY_CG;
			(*n_members)++;
		}
	}
	free(buf);
	return 0;
}

/* The distinct cgroup ids (at most CG_MAX_IDS) of the wanted sockets not
 * found yet, into ids; their count. */
static size_t wanted_cgroups(const pd__owners *c, uint64_t *ids)
{
	size_t i, j, n_ids = 0;
	uint64_t id;

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
	return n_ids;
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
int pd__owners_cgroup_first(pd__owners *c)
{
	uint64_t ids[CG_MAX_IDS];
	size_t i, n_ids, n_members = 0;
	int mntfd, r = 0;

	n_ids = wanted_cgroups(c, ids);
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
		if (c->p[i].early != PD__EARLY_CG)
			continue;
		r = pd__owners_survey(c, &c->p[i]);
		if (r < 0)
			return r;
	}
	r = pd__owners_search(c, PD__EARLY_CG);
	if (r < 0)
		return r;
	for (i = 0; i < c->n_p && c->missing > 0; i++) {
		if (c->p[i].early != PD__EARLY_CG)
			continue;
		r = pd__owners_scan(c, &c->p[i]);
		if (r < 0)
			return r;
	}
	return 0;
}
