/*
 * Reading the fds of one process for the owner search (owners.c):
 * the survey of step 1, the fd listing for processes with holes, the full
 * scan of steps 3 and 4, and the bookkeeping of each hit.
 *
 *  1. Survey, per process: fstatat() of /proc/PID/fd gives the uid the
 *     process runs as and (Linux 6.2+) its number of open fds n; then
 *     readlinkat() of fd n-1, usually the highest and newest fd, samples
 *     the newest socket it holds (up to SAMPLE_TRIES fds down if it is
 *     not a socket).  Two holes (ENOENT) mean fds above n-1 (often an
 *     inherited high fd): then the fd numbers are listed once and the
 *     sample is taken from the real top.  No /proc/PID/stat is read: a
 *     kernel thread shows 0 fds, and ppids are only needed for holders
 *     (step 4).  A sample that is a wanted inode is a holder already.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux.h"

/* readlinks the survey spends looking for a socket among the top fds. */
#define SAMPLE_TRIES 3

long pd__getdents64(int fd, char *buf, size_t size)
{
	return syscall(SYS_getdents64, fd, buf, size);
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

/* First want with inode >= ino. */
static size_t want_lower(const pd__owners *c, uint64_t ino)
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

static uint64_t want_distance(const pd__owners *c, uint64_t ino)
{
	size_t i = want_lower(c, ino);
	uint64_t d = UINT64_MAX;

	if (i < c->n_w)
		d = c->w[i].inode - ino;
	if (i > 0 && ino - c->w[i - 1].inode < d)
		d = ino - c->w[i - 1].inode;
	return d;
}

int pd__owners_record(pd__owners *c, pd__proc_ent *e, uint64_t ino)
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

void pd__owners_mark_denied(pd__owners *c, pd__proc_ent *e)
{
	e->state = PD__P_DENIED;
	if (c->n_denied++ == 0)
		c->first_denied = e->pid;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

uint64_t pd__owners_probe_fd(pd__owners *c, const pd__proc_ent *e, long i,
                             int *ret_err)
{
	char name[40];

	snprintf(name, sizeof(name), "%d/fd/%d", e->pid, pd__fd_at(e, i));
	return fd_socket_inode(c->procfd, name, ret_err);
}

/* The fd numbers of the open directory fd, ascending, into a malloc'ed
 * *ret_fds (NULL when there are none).  Only PD_ENOMEM is an error. */
static int read_fd_numbers(pd__owners *c, int fd, int **ret_fds,
                           size_t *ret_n)
{
	struct linux_dirent64 *d;
	int *tmp, *fds = NULL, r = 0;
	size_t n_fds = 0, cap = 0;
	long n, off, v;
	const char *s;

	while (r == 0 && (n = pd__getdents64(fd, c->dents, PD__DENTS_SIZE)) > 0) {
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
	if (r < 0) {
		free(fds);
		return r;
	}
	/* No fd at all (the process is exiting): fds is NULL, which qsort()
	 * and bsearch() must not get, even with a count of 0. */
	if (n_fds > 0)
		qsort(fds, n_fds, sizeof(*fds), cmp_int);
	*ret_fds = fds;
	*ret_n = n_fds;
	return 0;
}

int pd__owners_list_fds(pd__owners *c, pd__proc_ent *e)
{
	char path[32];
	int fd, top_fd, *tmp, *fds = NULL, r;
	size_t n_fds = 0;

	top_fd = e->top >= 0 ? pd__fd_at(e, e->top) : -1;
	snprintf(path, sizeof(path), "%d/fd", e->pid);
	fd = openat(c->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			pd__owners_mark_denied(c, e);
		else
			e->state = PD__P_GONE;
		return 0;
	}
	r = read_fd_numbers(c, fd, &fds, &n_fds);
	close(fd);
	if (r < 0 || n_fds > INT_MAX) {
		free(fds);
		return r;
	}
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

int pd__owners_survey(pd__owners *c, pd__proc_ent *e)
{
	char name[40];
	struct stat st;
	uint64_t ino;
	size_t i;
	long k;
	int err, tries = 0, holes = 0, r;

	if (e->surveyed)
		return 0;
	e->surveyed = true;
	snprintf(name, sizeof(name), "%d/fd", e->pid);
	if (fstatat(c->procfd, name, &st, 0) < 0) {
		if (errno == EACCES || errno == EPERM)
			pd__owners_mark_denied(c, e);
		else
			e->state = PD__P_GONE;
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
		e->state = PD__P_GONE;
		return 0;
	}
	c->n_fds += (uint64_t)st.st_size;
	e->n = st.st_size > INT_MAX ? INT_MAX : (int)st.st_size;
	/* Fds are handed out lowest first: with n open, fd n-1 is usually
	 * the highest and the newest, and often a socket for a server.
	 * Otherwise the next lower ones are tried; a second hole means fds
	 * above n-1, and the real fd numbers are listed. */
	for (k = e->n - 1; k >= 0 && tries < SAMPLE_TRIES; k--) {
		ino = pd__owners_probe_fd(c, e, k, &err);
		tries++;
		if (pd__err_denied(err)) {
			pd__owners_mark_denied(c, e);
			return 0;
		}
		if (ino) {
			e->top = (int)k;
			e->hi = ino;
			e->dist = want_distance(c, ino);
			return pd__owners_record(c, e, ino);
		}
		if (err == ENOENT && !e->fds && ++holes == 2) {
			r = pd__owners_list_fds(c, e);
			if (r < 0 || e->state != PD__P_NEW)
				return r;
			k = e->n; /* k-- */
			tries = 0;
		}
	}
	return 0;
}

int pd__owners_scan(pd__owners *c, pd__proc_ent *e)
{
	struct linux_dirent64 *d;
	char path[32];
	long n, off;
	uint64_t ino;
	int err, fd, r = 0;

	if (e->state != PD__P_NEW)
		return 0;
	snprintf(path, sizeof(path), "%d/fd", e->pid);
	fd = openat(c->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			pd__owners_mark_denied(c, e);
		else
			e->state = PD__P_GONE;
		return 0;
	}
	e->state = PD__P_SCANNED;
	for (;;) {
		n = pd__getdents64(fd, c->dents, PD__DENTS_SIZE);
		if (n <= 0) /* error: the process went away mid-read */
			break;
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct linux_dirent64 *)(void *)(c->dents + off);
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			ino = fd_socket_inode(fd, d->d_name, &err);
			if (pd__err_denied(err)) {
				/* Whatever we found so far stays found. */
				pd__owners_mark_denied(c, e);
				goto out;
			}
			if (ino) {
				r = pd__owners_record(c, e, ino);
				if (r < 0)
					goto out;
			}
		}
	}
out:
	close(fd);
	return r;
}
