/*
 * Engine transports on Linux (and other POSIX systems): unix and TCP
 * stream sockets, non-blocking, every wait a poll() bounded by the
 * collection's deadline.  Named pipes are Windows only.
 */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct pd_engine_conn {
	int fd;
};

uint64_t pd__engine_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int left_ms(uint64_t deadline)
{
	uint64_t now = pd__engine_now_ms();

	return now >= deadline ? 0 : (int)(deadline - now);
}

static int errno_to_pd(int e)
{
	switch (e) {
	case ENOENT:
	case ECONNREFUSED:
	case ENOTSOCK:
		return PD_ENOENT;
	case EACCES:
	case EPERM:
		return PD_EACCES;
	case ETIMEDOUT:
		return PD_ETIMEDOUT;
	case ENOMEM:
	case ENOBUFS:
		return PD_ENOMEM;
	default:
		return PD_EIO;
	}
}

/* Waits for events on fd; PD_ETIMEDOUT at the deadline. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd p;
	int r;

	for (;;) {
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		r = poll(&p, 1, left_ms(deadline));
		if (r > 0)
			return 0;
		if (r == 0)
			return PD_ETIMEDOUT;
		if (errno != EINTR)
			return errno_to_pd(errno);
	}
}

static int finish_connect(int fd, uint64_t deadline, char *why, size_t n)
{
	int r = wait_fd(fd, POLLOUT, deadline), e = 0;
	socklen_t len = sizeof(e);

	if (r < 0) {
		snprintf(why, n, "no connection in time");
		return r;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	if (e) {
		snprintf(why, n, "%s", strerror(e));
		return errno_to_pd(e);
	}
	return 0;
}

static int connect_unix(const char *path, uint64_t deadline, int *ret_fd,
                        char *why, size_t n)
{
	struct sockaddr_un sa;
	int fd, r;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, n, "socket path too long");
		return PD_EINVAL;
	}
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(why, n, "%s", strerror(errno));
		return errno_to_pd(errno);
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		*ret_fd = fd;
		return 0;
	}
	/* A unix socket whose backlog is full says EAGAIN: wait as for TCP. */
	if (errno == EINPROGRESS || errno == EAGAIN)
		r = finish_connect(fd, deadline, why, n);
	else {
		snprintf(why, n, "%s", strerror(errno));
		r = errno_to_pd(errno);
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

/* Only numeric addresses and localhost: a name would need a DNS lookup
 * that no deadline bounds, and an engine on another machine publishes
 * its ports there, not here. */
static int connect_tcp(const char *host, const char *port, uint64_t deadline,
                       int *ret_fd, char *why, size_t n)
{
	struct addrinfo hints, *ai = NULL, *p;
	int fd = -1, r, g;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	else
		hints.ai_flags |= AI_NUMERICHOST;
	g = getaddrinfo(host, port, &hints, &ai);
	if (g != 0) {
		snprintf(why, n, "%s is not a numeric address (only those and "
		                 "localhost are asked)", host);
		return PD_EUNSUPPORTED;
	}
	r = PD_ENOENT;
	for (p = ai; p; p = p->ai_next) {
		fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC |
		            SOCK_NONBLOCK, p->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, p->ai_addr, p->ai_addrlen) == 0)
			r = 0;
		else if (errno == EINPROGRESS)
			r = finish_connect(fd, deadline, why, n);
		else {
			snprintf(why, n, "%s", strerror(errno));
			r = errno_to_pd(errno);
		}
		if (r == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (r < 0)
		return r;
	*ret_fd = fd;
	return 0;
}

int pd__engine_connect(pd_engine_kind kind, const char *where,
                       const char *port, uint64_t deadline,
                       pd_engine_conn **ret, char *why, size_t whysize)
{
	pd_engine_conn *c;
	int fd = -1, r;

	if (kind == PD_ENGINE_UNIX)
		r = connect_unix(where, deadline, &fd, why, whysize);
	else if (kind == PD_ENGINE_TCP)
		r = connect_tcp(where, port, deadline, &fd, why, whysize);
	else {
		snprintf(why, whysize, "named pipes exist on Windows only");
		r = PD_EUNSUPPORTED;
	}
	if (r < 0)
		return r;
	c = malloc(sizeof(*c));
	if (!c) {
		close(fd);
		return PD_ENOMEM;
	}
	c->fd = fd;
	*ret = c;
	return 0;
}

int pd__engine_send(pd_engine_conn *c, const char *buf, size_t len,
                    uint64_t deadline)
{
	while (len) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
		int r;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return errno_to_pd(errno);
		r = wait_fd(c->fd, POLLOUT, deadline);
		if (r < 0)
			return r;
	}
	return 0;
}

int pd__engine_recv(pd_engine_conn *c, char *buf, size_t size,
                    uint64_t deadline, size_t *ret_n)
{
	for (;;) {
		ssize_t n = recv(c->fd, buf, size, 0);
		int r;

		if (n >= 0) {
			*ret_n = (size_t)n;
			return 0;
		}
		if (errno == ECONNRESET) {
			/* The engine went away mid-answer: the stream ends here and
			 * the framing decides whether what came is whole. */
			*ret_n = 0;
			return 0;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return errno_to_pd(errno);
		r = wait_fd(c->fd, POLLIN, deadline);
		if (r < 0)
			return r;
	}
}

void pd__engine_close(pd_engine_conn *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

size_t pd__engine_defaults(char (*out)[512], size_t max)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char cand[4][512], real[4][4096];
	size_t n = 0, k = 0, i, j;

	/* Rootful Docker, rootless Docker, rootful Podman, rootless Podman. */
	snprintf(cand[k++], sizeof(cand[0]), "/var/run/docker.sock");
	if (xdg && *xdg == '/')
		snprintf(cand[k++], sizeof(cand[0]), "%s/docker.sock", xdg);
	snprintf(cand[k++], sizeof(cand[0]), "/run/podman/podman.sock");
	if (xdg && *xdg == '/')
		snprintf(cand[k++], sizeof(cand[0]), "%s/podman/podman.sock", xdg);
	for (i = 0; i < k && n < max; i++) {
		if (!is_socket(cand[i]))
			continue;
		/* /var/run is usually /run: one engine, asked once. */
		if (!realpath(cand[i], real[n]))
			snprintf(real[n], sizeof(real[0]), "%s", cand[i]);
		for (j = 0; j < n; j++)
			if (strcmp(real[j], real[n]) == 0)
				break;
		if (j < n)
			continue;
		snprintf(out[n++], 512, "unix://%s", cand[i]);
	}
	return n;
}

bool pd__engine_own_podman(const char *url)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char own[512];

	if (geteuid() == 0)
		return strcmp(url, "unix:///run/podman/podman.sock") == 0 ||
		       strcmp(url, "unix:///var/run/podman/podman.sock") == 0;
	if (!xdg || *xdg != '/')
		return false;
	snprintf(own, sizeof(own), "unix://%s/podman/podman.sock", xdg);
	return strcmp(url, own) == 0;
}

bool pd__engine_config_dir(char *buf, size_t size)
{
	const char *d = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	int n;

	if (d && *d)
		n = snprintf(buf, size, "%s", d);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.docker", home);
	else
		return false;
	return n > 0 && (size_t)n < size;
}
