/*
 * Running another program with every wait bounded: WSL interop can hang
 * while Windows is busy, and a stand-in or a broken tool must never hang
 * portdoctor.  The child gets /dev/null as standard input (nothing can
 * wait for an answer), its own process group (so a timeout ends what it
 * started too), and its standard output and error are read through pipes
 * up to a ceiling.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "linux.h"

#define ERR_MAX 4096

static void drain(int fd, pd_buf *b, size_t max, size_t *got, bool *open_)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		*open_ = false;
		return;
	}
	if (*got < max)
		pd_buf_append(b, chunk, (size_t)n < max - *got ? (size_t)n :
		              max - *got);
	*got += (size_t)n;
}

int pd_probe_run(char *const argv[], unsigned timeout_ms, size_t max,
                 char **ret_out, size_t *ret_len, int *ret_status, char *err,
                 size_t errsize)
{
	int out[2] = {-1, -1}, eout[2] = {-1, -1}, status = 0, rc = 0;
	uint64_t deadline = pd_probe_mono_ms() + timeout_ms;
	bool o_open = true, e_open = true;
	size_t got = 0, egot = 0;
	pd_buf b, eb;
	pid_t pid;

	if (!argv || !argv[0])
		return PD_EINVAL;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(eout, O_CLOEXEC) < 0) {
		snprintf(err, errsize, "pipe: %s", strerror(errno));
		if (out[0] >= 0) {
			close(out[0]);
			close(out[1]);
		}
		return PD_EIO;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		close(out[0]), close(out[1]), close(eout[0]), close(eout[1]);
		return PD_EIO;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(out[1], 1);
		dup2(eout[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(out[1]);
	close(eout[1]);
	pd_buf_init(&b, max + 1);
	pd_buf_init(&eb, ERR_MAX + 1);
	while (o_open || e_open) {
		struct pollfd p[2] = {{o_open ? out[0] : -1, POLLIN, 0},
		                      {e_open ? eout[0] : -1, POLLIN, 0}};
		uint64_t now = pd_probe_mono_ms();
		int left = now >= deadline ? 0 : (int)(deadline - now), n;

		n = poll(p, 2, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = PD_ETIMEDOUT;
			break;
		}
		if (p[0].revents)
			drain(out[0], &b, max, &got, &o_open);
		if (p[1].revents)
			drain(eout[0], &eb, ERR_MAX, &egot, &e_open);
	}
	close(out[0]);
	close(eout[0]);
	if (rc == PD_ETIMEDOUT) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		snprintf(err, errsize, "%s did not answer within %u s", argv[0],
		         (timeout_ms + 999) / 1000);
	}
	/* The pipes are closed, or the child was killed: it ends now. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && got > max) {
		snprintf(err, errsize, "%s wrote more than %zu bytes", argv[0], max);
		rc = PD_ETOOBIG;
	}
	if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127 &&
	    got == 0) {
		snprintf(err, errsize, "%s could not be started", argv[0]);
		rc = PD_ENOENT;
	}
	if (rc == 0 && !WIFEXITED(status)) {
		snprintf(err, errsize, "%s was killed by signal %d", argv[0],
		         WTERMSIG(status));
		rc = PD_EIO;
	}
	if (rc == 0 && pd_buf_error(&b))
		rc = PD_ENOMEM;
	if (rc == 0) {
		*ret_status = WEXITSTATUS(status);
		*ret_len = b.len;
		*ret_out = b.data ? pd_buf_steal(&b) : pd__strdup("");
		if (!*ret_out)
			rc = PD_ENOMEM;
		/* The first line of what it said on standard error, for a note. */
		if (*ret_status != 0 && eb.len && eb.data) {
			size_t n = strcspn(eb.data, "\r\n");

			snprintf(err, errsize, "%s exited with status %d: %.*s",
			         argv[0], *ret_status, (int)(n > 200 ? 200 : n),
			         eb.data);
		} else if (*ret_status != 0) {
			snprintf(err, errsize, "%s exited with status %d", argv[0],
			         *ret_status);
		}
	}
	pd_buf_done(&b);
	pd_buf_done(&eb);
	return rc;
}
