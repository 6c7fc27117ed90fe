/*
 * Engine transports on Windows: Docker Desktop's named pipe
 * (\\.\pipe\docker_engine) and TCP, with overlapped I/O so that every wait
 * is bounded by the collection's deadline.  Unix sockets are not used
 * here (Windows has AF_UNIX, but no engine listens on one).
 *
 * Only compiled and started under Wine so far: there is no engine to
 * answer on the build machines.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pd_engine_conn {
	pd_engine_kind kind;
	SOCKET sock;
	HANDLE pipe;
	HANDLE event;
};

uint64_t pd__engine_now_ms(void)
{
	return (uint64_t)GetTickCount64();
}

static DWORD left_ms(uint64_t deadline)
{
	uint64_t now = pd__engine_now_ms();

	return now >= deadline ? 0 : (DWORD)(deadline - now);
}

static int win_to_pd(DWORD e)
{
	switch (e) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case WSAECONNREFUSED:
		return PD_ENOENT;
	case ERROR_ACCESS_DENIED:
	case WSAEACCES:
		return PD_EACCES;
	case ERROR_SEM_TIMEOUT:
	case WSAETIMEDOUT:
		return PD_ETIMEDOUT;
	case ERROR_NOT_ENOUGH_MEMORY:
	case WSAENOBUFS:
		return PD_ENOMEM;
	default:
		return PD_EIO;
	}
}

static int connect_pipe(const char *name, uint64_t deadline, HANDLE *ret,
                        char *why, size_t n)
{
	wchar_t w[512];
	HANDLE h;
	DWORD e;

	if (!MultiByteToWideChar(CP_UTF8, 0, name, -1, w, 512)) {
		snprintf(why, n, "bad pipe name");
		return PD_EINVAL;
	}
	for (;;) {
		h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE, 0, NULL,
		                OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
		if (h != INVALID_HANDLE_VALUE)
			break;
		e = GetLastError();
		/* Every instance busy: wait for one, within the deadline. */
		if (e == ERROR_PIPE_BUSY && left_ms(deadline) > 0 &&
		    WaitNamedPipeW(w, left_ms(deadline)))
			continue;
		snprintf(why, n, e == ERROR_FILE_NOT_FOUND ? "no such pipe" :
		         e == ERROR_PIPE_BUSY ? "the pipe stayed busy" :
		         e == ERROR_ACCESS_DENIED ? "access denied" :
		         "cannot open the pipe");
		return e == ERROR_PIPE_BUSY ? PD_ETIMEDOUT : win_to_pd(e);
	}
	*ret = h;
	return 0;
}

/* Only numeric addresses and localhost (see posix.c). */
static int connect_tcp(const char *host, const char *port, uint64_t deadline,
                       SOCKET *ret, char *why, size_t n)
{
	struct addrinfo hints, *ai = NULL, *p;
	SOCKET s = INVALID_SOCKET;
	u_long nb = 1;
	int r = PD_ENOENT;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (getaddrinfo(host, port, &hints, &ai) != 0) {
		snprintf(why, n, "%s is not a numeric address (only those and "
		                 "localhost are asked)", host);
		return PD_EUNSUPPORTED;
	}
	for (p = ai; p; p = p->ai_next) {
		WSAPOLLFD pf;
		int e = 0, len = sizeof(e);

		s = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
		if (s == INVALID_SOCKET)
			continue;
		ioctlsocket(s, FIONBIO, &nb);
		if (connect(s, p->ai_addr, (int)p->ai_addrlen) == 0) {
			r = 0;
			break;
		}
		if (WSAGetLastError() != WSAEWOULDBLOCK) {
			r = win_to_pd((DWORD)WSAGetLastError());
		} else {
			pf.fd = s;
			pf.events = POLLOUT;
			pf.revents = 0;
			if (WSAPoll(&pf, 1, (INT)left_ms(deadline)) <= 0) {
				r = PD_ETIMEDOUT;
				snprintf(why, n, "no connection in time");
			} else if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&e,
			                      &len) == 0 && e == 0) {
				r = 0;
				break;
			} else {
				r = win_to_pd((DWORD)e);
			}
		}
		closesocket(s);
		s = INVALID_SOCKET;
	}
	freeaddrinfo(ai);
	if (r < 0) {
		if (!*why)
			snprintf(why, n, r == PD_ENOENT ? "connection refused" :
			         "cannot connect");
		return r;
	}
	*ret = s;
	return 0;
}

int pd__engine_connect(pd_engine_kind kind, const char *where,
                       const char *port, uint64_t deadline,
                       pd_engine_conn **ret, char *why, size_t whysize)
{
	pd_engine_conn *c = calloc(1, sizeof(*c));
	WSADATA wsa;
	int r;

	if (!c)
		return PD_ENOMEM;
	c->kind = kind;
	c->sock = INVALID_SOCKET;
	c->pipe = INVALID_HANDLE_VALUE;
	if (kind == PD_ENGINE_NPIPE) {
		c->event = CreateEventW(NULL, TRUE, FALSE, NULL);
		r = c->event ? connect_pipe(where, deadline, &c->pipe, why, whysize) :
		    PD_ENOMEM;
	} else if (kind == PD_ENGINE_TCP) {
		r = WSAStartup(MAKEWORD(2, 2), &wsa) == 0 ?
		    connect_tcp(where, port, deadline, &c->sock, why, whysize) :
		    PD_EIO;
		if (r < 0)
			WSACleanup();
	} else {
		snprintf(why, whysize, "unix sockets are not used on Windows");
		r = PD_EUNSUPPORTED;
	}
	if (r < 0) {
		if (c->event)
			CloseHandle(c->event);
		free(c);
		return r;
	}
	*ret = c;
	return 0;
}

/* One overlapped read or write on the pipe, waited for by the deadline. */
static int pipe_io(pd_engine_conn *c, bool write, void *buf, DWORD len,
                   uint64_t deadline, DWORD *ret_n)
{
	OVERLAPPED ov;
	DWORD n = 0, e;
	BOOL ok;

	memset(&ov, 0, sizeof(ov));
	ov.hEvent = c->event;
	ResetEvent(c->event);
	ok = write ? WriteFile(c->pipe, buf, len, NULL, &ov) :
	     ReadFile(c->pipe, buf, len, NULL, &ov);
	e = ok ? 0 : GetLastError();
	if (!ok && e != ERROR_IO_PENDING && e != ERROR_MORE_DATA) {
		if (e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF) {
			*ret_n = 0;
			return 0;
		}
		return win_to_pd(e);
	}
	if (e == ERROR_IO_PENDING &&
	    WaitForSingleObject(c->event, left_ms(deadline)) != WAIT_OBJECT_0) {
		/* Cancel, and wait for the cancellation to land: the buffer
		 * must not be written after we return. */
		CancelIo(c->pipe);
		GetOverlappedResult(c->pipe, &ov, &n, TRUE);
		return PD_ETIMEDOUT;
	}
	if (!GetOverlappedResult(c->pipe, &ov, &n, FALSE)) {
		e = GetLastError();
		if (e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF) {
			*ret_n = 0;
			return 0;
		}
		if (e != ERROR_MORE_DATA)
			return win_to_pd(e);
	}
	*ret_n = n;
	return 0;
}

static int sock_wait(SOCKET s, short events, uint64_t deadline)
{
	WSAPOLLFD pf;
	int r;

	pf.fd = s;
	pf.events = events;
	pf.revents = 0;
	r = WSAPoll(&pf, 1, (INT)left_ms(deadline));
	return r > 0 ? 0 : r == 0 ? PD_ETIMEDOUT : PD_EIO;
}

int pd__engine_send(pd_engine_conn *c, const char *buf, size_t len,
                    uint64_t deadline)
{
	while (len) {
		DWORD n = 0;
		int r;

		if (c->kind == PD_ENGINE_NPIPE) {
			r = pipe_io(c, true, (void *)buf, (DWORD)len, deadline, &n);
			if (r < 0)
				return r;
			if (!n)
				return PD_EIO;
		} else {
			int k = send(c->sock, buf, (int)len, 0);

			if (k < 0) {
				if (WSAGetLastError() != WSAEWOULDBLOCK)
					return win_to_pd((DWORD)WSAGetLastError());
				r = sock_wait(c->sock, POLLOUT, deadline);
				if (r < 0)
					return r;
				continue;
			}
			n = (DWORD)k;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

int pd__engine_recv(pd_engine_conn *c, char *buf, size_t size,
                    uint64_t deadline, size_t *ret_n)
{
	DWORD n = 0;
	int r;

	if (size > 1u << 30)
		size = 1u << 30;
	if (c->kind == PD_ENGINE_NPIPE) {
		r = pipe_io(c, false, buf, (DWORD)size, deadline, &n);
		if (r < 0)
			return r;
		*ret_n = n;
		return 0;
	}
	for (;;) {
		int k = recv(c->sock, buf, (int)size, 0);

		if (k >= 0) {
			*ret_n = (size_t)k;
			return 0;
		}
		if (WSAGetLastError() == WSAECONNRESET) {
			*ret_n = 0;
			return 0;
		}
		if (WSAGetLastError() != WSAEWOULDBLOCK)
			return win_to_pd((DWORD)WSAGetLastError());
		r = sock_wait(c->sock, POLLIN, deadline);
		if (r < 0)
			return r;
	}
}

void pd__engine_close(pd_engine_conn *c)
{
	if (!c)
		return;
	if (c->pipe != INVALID_HANDLE_VALUE)
		CloseHandle(c->pipe);
	if (c->event)
		CloseHandle(c->event);
	if (c->sock != INVALID_SOCKET) {
		closesocket(c->sock);
		WSACleanup();
	}
	free(c);
}

size_t pd__engine_defaults(char (*out)[512], size_t max)
{
	/* Docker Desktop, then Podman Desktop's default machine.  Whether a
	 * pipe exists shows only when it is opened: an absent one is
	 * skipped quietly then. */
	static const char *const pipes[] = {
		"npipe:////./pipe/docker_engine",
		"npipe:////./pipe/podman-machine-default",
	};
	size_t n = 0;

	for (; n < max && n < sizeof(pipes) / sizeof(pipes[0]); n++)
		snprintf(out[n], 512, "%s", pipes[n]);
	return n;
}

/* Podman on Windows is always remote: its CLI follows its own connection
 * list, not DOCKER_HOST, so an endpoint found another way is named. */
bool pd__engine_own_podman(const char *url)
{
	(void)url;
	return false;
}

bool pd__engine_config_dir(char *buf, size_t size)
{
	const char *d = getenv("DOCKER_CONFIG"), *home = getenv("USERPROFILE");
	int n;

	if (d && *d)
		n = snprintf(buf, size, "%s", d);
	else if (home && *home)
		n = snprintf(buf, size, "%s\\.docker", home);
	else
		return false;
	return n > 0 && (size_t)n < size;
}
