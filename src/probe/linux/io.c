/*
 * The Linux probe's file helpers (no stdio: one open, a few reads, one
 * close) and the errno names its notes and JSON use.  Used by every file
 * of src/probe/linux/ through linux.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux.h"

/* ------------------------------------------------------------ files */

int pd__errno_to_pd(int e)
{
	switch (e) {
	case ENOENT:
	case ESRCH:
		return PD_ENOENT;
	case EACCES:
	case EPERM:
		return PD_EACCES;
	case ENOMEM:
	case ENOBUFS:
		return PD_ENOMEM;
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		return PD_EAFNOSUPPORT;
	case EADDRINUSE:
		return PD_EADDRINUSE;
	case EADDRNOTAVAIL:
		return PD_EADDRNOTAVAIL;
	case ETIMEDOUT:
	case EAGAIN:
		return PD_ETIMEDOUT;
	case EIO:
		return PD_EIO;
	default:
		return PD_EOTHER;
	}
}

/* Reads until WANT bytes or the end of the file, retrying EINTR; 0 or a
 * PD_E* code.  A process that exits between open and read gives ESRCH on
 * some files: the same as gone. */
static int read_full(int fd, char *buf, size_t want, size_t *ret_n)
{
	size_t got = 0;
	ssize_t n;

	while (got < want) {
		n = read(fd, buf + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pd__errno_to_pd(errno);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*ret_n = got;
	return 0;
}

int pd__read_at(int dirfd, const char *path, char *buf, size_t size,
                size_t *ret_len)
{
	size_t len = 0;
	int fd, r;

	if (size == 0)
		return PD_EINVAL;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return pd__errno_to_pd(errno);
	r = read_full(fd, buf, size - 1, &len);
	if (r == 0) {
		buf[len] = '\0';
		*ret_len = len;
	}
	close(fd);
	return r;
}

int pd__read_alloc_at(int dirfd, const char *path, size_t max, char **ret_buf,
                      size_t *ret_len, bool *ret_truncated)
{
	size_t len = 0, cap = 4096;
	char *buf = NULL, *tmp;
	bool trunc = false;
	int fd, r;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return pd__errno_to_pd(errno);
	if (cap > max)
		cap = max;
	buf = malloc(cap + 1);
	if (!buf) {
		r = PD_ENOMEM;
		goto out;
	}
	for (;;) {
		size_t got;

		r = read_full(fd, buf + len, cap - len, &got);
		if (r < 0)
			goto out;
		len += got;
		if (len < cap)
			break; /* the end of the file */
		if (cap >= max) {
			char probe;

			/* /proc files have no size: one more byte tells
			 * whether we stopped short. */
			trunc = read_full(fd, &probe, 1, &got) == 0 && got == 1;
			break;
		}
		cap = cap > max / 2 ? max : cap * 2;
		tmp = realloc(buf, cap + 1);
		if (!tmp) {
			r = PD_ENOMEM;
			goto out;
		}
		buf = tmp;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	*ret_truncated = trunc;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

/* ------------------------------------------------------- errno names */

/* Our own table rather than strerrorname_np(): that is glibc 2.32+ only,
 * absent from musl and the BSDs, and we need only the few errnos the
 * probe reports.  The names are stable (they end up in JSON). */
const char *pd__errno_name(int e)
{
	switch (e) {
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case ENOMEM: return "ENOMEM";
	case ENOBUFS: return "ENOBUFS";
	case EMFILE: return "EMFILE";
	case ENFILE: return "ENFILE";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EIO: return "EIO";
	case ENODEV: return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EBADF: return "EBADF";
	default: return "EOTHER";
	}
}
