/*
 * The Linux actuator: carries out the steps of a remedy plan.
 *
 * Sections: helpers, run a program, write a file, sysctls, reserved ports,
 * end a process, clock.
 *
 * Every step checks its own result and says what it did.  Files are
 * written to a temporary file in the same directory, flushed, renamed, and
 * the directory flushed, so a failure never leaves half a file and a crash
 * right after does not lose the rename.  Sysctls are read back after the
 * write.  A process is ended through a pidfd opened first and checked
 * against the start time and name recorded in the plan, so a PID reused
 * by another process since the snapshot is never signalled.  Run-time
 * sysctls are those of the network namespace this process runs in.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux.h"
#include "procfs/procfs.h"

#define RUN_TIMEOUT_MS 120000
#define RUN_OUTPUT_MAX (64u * 1024u)
#define PF_KTHREAD_FLAG 0x00200000u
#define RESERVED_MAX (512u * 1024u)

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static int fail(char *err, size_t errsize, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errsize, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return code;
}

/* ----------------------------------------------------------------- run */

static int run(const pd_step *st, pd_buf *log, char *err, size_t errsize)
{
	int pfd[2], status = 0, e;
	pid_t pid;
	uint64_t deadline = pd_probe_mono_ms() + RUN_TIMEOUT_MS;
	char chunk[4096];
	size_t got = 0;

	if (!st->argv || !st->argc)
		return fail(err, errsize, PD_EINVAL, "no program to run");
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return fail(err, errsize, pd__errno_to_pd(errno), "pipe: %s",
		            strerror(errno));
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return fail(err, errsize, pd__errno_to_pd(e), "fork: %s", strerror(e));
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(st->argv[0], st->argv);
		dprintf(2, "cannot run %s: %s\n", st->argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		struct pollfd p = {pfd[0], POLLIN, 0};
		uint64_t now = pd_probe_mono_ms();
		int left = now >= deadline ? 0 : (int)(deadline - now);
		ssize_t n;

		if (poll(&p, 1, left) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			close(pfd[0]);
			return fail(err, errsize, PD_ETIMEDOUT,
			            "%s did not finish in %d s", st->argv[0],
			            RUN_TIMEOUT_MS / 1000);
		}
		n = read(pfd[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got < RUN_OUTPUT_MAX)
			pd_buf_append(log, chunk, (size_t)n);
		got += (size_t)n;
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return fail(err, errsize, PD_ENOENT, "%s could not be started",
		            st->argv[0]);
	if (WIFEXITED(status))
		return fail(err, errsize, PD_EIO, "%s exited with status %d",
		            st->argv[0], WEXITSTATUS(status));
	return fail(err, errsize, PD_EIO, "%s was killed by signal %d",
	            st->argv[0], WTERMSIG(status));
}

/* ---------------------------------------------------------- write file */

static int mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* Flushes the directory that holds path (dir is a copy of path that
 * mkdirs() left intact), so the rename itself is on disk.  The file is in
 * place by then, so a failure is said in the log, not undone. */
static void sync_dir(char *dir, pd_buf *log)
{
	char *slash = strrchr(dir, '/');
	int fd, e;

	if (!slash)
		return;
	*slash = '\0';
	fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		e = errno;
		/* Some file systems cannot flush a directory (EINVAL): nothing more
		 * can be done there. */
		if (e != EINVAL)
			pd_buf_printf(log, "warning: the folder %s could not be flushed "
			              "(%s): the new file may not survive a crash\n", dir,
			              strerror(e));
	}
	if (fd >= 0)
		close(fd);
	*slash = '/';
}

/* Writes content to path through a temporary file beside it. */
static int write_atomic(const char *path, const char *content, pd_buf *log,
                        char *err, size_t errsize)
{
	size_t n = strlen(content), plen = strlen(path), off = 0;
	char *tmp = malloc(plen + 32), *dir = strdup(path);
	int fd = -1, r = 0, e;

	if (!tmp || !dir) {
		r = fail(err, errsize, PD_ENOMEM, "out of memory");
		goto out;
	}
	if (mkdirs(dir) < 0) {
		e = errno;
		r = fail(err, errsize, pd__errno_to_pd(e), "cannot make the folder "
		         "of %s: %s", path, strerror(e));
		goto out;
	}
	snprintf(tmp, plen + 32, "%s.pd-tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		r = fail(err, errsize, pd__errno_to_pd(e), "%s: %s", tmp, strerror(e));
		goto out;
	}
	while (off < n) {
		ssize_t w = write(fd, content + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	e = errno;
	if (off < n || fsync(fd) < 0 || close(fd) < 0) {
		if (off == n)
			e = errno;
		fd = -1;
		unlink(tmp);
		r = fail(err, errsize, pd__errno_to_pd(e), "%s: %s", path,
		         strerror(e));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		r = fail(err, errsize, pd__errno_to_pd(e), "%s: %s", path,
		         strerror(e));
		goto out;
	}
	sync_dir(dir, log);
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	free(dir);
	return r;
}

/* ------------------------------------------------------------- sysctl */

/* "net.ipv4.ip_unprivileged_port_start" -> its /proc/sys file.  Only
 * net.* names of letters, digits, '_' and '.' are accepted. */
static int sysctl_path(const char *name, char *buf, size_t size)
{
	size_t i, n = strlen(name);

	if (strncmp(name, "net.", 4) != 0 || n + 11 > size)
		return PD_EINVAL;
	memcpy(buf, "/proc/sys/", 10);
	for (i = 0; i <= n; i++) {
		char c = name[i];

		if (c == '.')
			c = '/';
		else if (c && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		                c == '_'))
			return PD_EINVAL;
		buf[10 + i] = c;
	}
	return 0;
}

static int sysctl_write(const char *name, const char *value, char *err,
                        size_t errsize)
{
	char path[256];
	size_t n = strlen(value);
	int fd, e;
	ssize_t w;
	char *line;

	if (sysctl_path(name, path, sizeof(path)) < 0)
		return fail(err, errsize, PD_EINVAL, "not a network sysctl: %s", name);
	line = malloc(n + 2);
	if (!line)
		return fail(err, errsize, PD_ENOMEM, "out of memory");
	memcpy(line, value, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		free(line);
		return fail(err, errsize, pd__errno_to_pd(e), "%s: %s", path,
		            strerror(e));
	}
	/* A sysctl value must arrive in one write. */
	w = write(fd, line, n + 1);
	e = errno;
	close(fd);
	free(line);
	if (w != (ssize_t)(n + 1))
		return fail(err, errsize, pd__errno_to_pd(e), "%s: %s", path,
		            w < 0 ? strerror(e) : "short write");
	return 0;
}

/* The value a sysctl holds now (malloc'ed, without the newline). */
static int sysctl_read(const char *name, char **ret, char *err,
                       size_t errsize)
{
	char path[256];
	size_t len;
	bool trunc;
	int r;

	if (sysctl_path(name, path, sizeof(path)) < 0)
		return fail(err, errsize, PD_EINVAL, "not a network sysctl: %s", name);
	r = pd__read_alloc_at(AT_FDCWD, path, RESERVED_MAX, ret, &len, &trunc);
	if (r < 0)
		return fail(err, errsize, r, "%s: %s", path, pd_strerror(r));
	while (len > 0 && ((*ret)[len - 1] == '\n' || (*ret)[len - 1] == ' '))
		(*ret)[--len] = '\0';
	return 0;
}

static int set_sysctl(const pd_step *st, pd_buf *log, char *err,
                      size_t errsize)
{
	char *now = NULL;
	int r;

	r = sysctl_write(st->name, st->value, err, errsize);
	if (r < 0)
		return r;
	r = sysctl_read(st->name, &now, err, errsize);
	if (r < 0)
		return r;
	if (strcmp(now, st->value) != 0) {
		r = fail(err, errsize, PD_EIO, "%s reads %s after writing %s",
		         st->name, now, st->value);
	} else {
		pd_buf_printf(log, "%s = %s\n", st->name, now);
	}
	free(now);
	return r;
}

/* ------------------------------------------------------ reserved ports */

/* An exclusive flock on path (made, with its folders, when missing): two
 * reserve runs read, merge and write one after the other, never both from
 * the same old list.  Returns the descriptor to close, or a PD_E*. */
static int take_lock(const char *path, char *err, size_t errsize)
{
	char *dir = strdup(path);
	int fd, e;

	if (!dir)
		return fail(err, errsize, PD_ENOMEM, "out of memory");
	e = mkdirs(dir) < 0 ? errno : 0;
	free(dir);
	fd = e ? -1 : open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = e ? e : errno;
		return fail(err, errsize, pd__errno_to_pd(e), "cannot take the lock "
		            "%s: %s; nothing was changed", path, strerror(e));
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		e = errno;
		close(fd);
		return fail(err, errsize, pd__errno_to_pd(e), "cannot take the lock "
		            "%s: %s; nothing was changed", path, strerror(e));
	}
	return fd;
}

/* The file could not be written: the run-time list goes back to what it
 * was (old), and err says exactly where things stand. */
static int roll_back(const char *name, const char *old, const char *path,
                     int code, pd_buf *log, char *err, size_t errsize)
{
	char why[256], tmp[256], *now = NULL;
	int r;

	snprintf(why, sizeof(why), "%s", err);
	r = sysctl_write(name, old, tmp, sizeof(tmp));
	if (r == 0)
		r = sysctl_read(name, &now, tmp, sizeof(tmp));
	if (r == 0 && strcmp(now, old) != 0)
		r = fail(tmp, sizeof(tmp), PD_EIO, "it reads \"%.80s\"", now);
	free(now);
	if (r == 0) {
		pd_buf_printf(log, "%s = %s (put back)\n", name, *old ? old : "empty");
		return fail(err, errsize, code, "%s; %s was put back as it was, so "
		            "nothing was changed", why, name);
	}
	return fail(err, errsize, code, "%s, and %s could not be put back (%s): "
	            "the new list holds at run time until a reboot, and %s was "
	            "not written", why, name, tmp, path);
}

/* Read, merge and write ip_local_reserved_ports, under the lock: the run
 * time first (read back), then the file, which then holds exactly what
 * the kernel holds; if the file fails, the run-time list is put back. */
static int reserve(const pd_step *st, pd_buf *log, char *err, size_t errsize)
{
	static const char name[] = "net.ipv4.ip_local_reserved_ports";
	char *cur = NULL, *want = NULL, *now = NULL, *content = NULL;
	pd_range *list = NULL;
	size_t n = 0;
	int r, lock = -1;

	if (st->lock_path) {
		lock = take_lock(st->lock_path, err, errsize);
		if (lock < 0)
			return lock;
	}
	/* Merged with what is there at this moment, never clobbered; an
	 * unreadable list stops here, before anything is written. */
	r = sysctl_read(name, &cur, err, errsize);
	if (r < 0)
		goto out;
	r = pd_sysctl_port_list(cur, strlen(cur), &list, &n);
	if (r < 0) {
		r = fail(err, errsize, r, "cannot read %s: %s", name, cur);
		goto out;
	}
	r = pd_portlist_edit(list, n, st->ranges, st->n_ranges, st->remove,
	                     &want);
	if (r < 0)
		goto out;
	if (st->path) {
		r = pd_reserved_file_content(want, &content);
		if (r < 0)
			goto out;
	}
	r = sysctl_write(name, want, err, errsize);
	if (r < 0)
		goto out;
	r = sysctl_read(name, &now, err, errsize);
	if (r == 0 && strcmp(now, want) != 0)
		r = fail(err, errsize, PD_EIO, "%s reads \"%s\" after writing "
		         "\"%s\"", name, now, want);
	if (r < 0) {
		r = roll_back(name, cur, st->path ? st->path : "the file", r, log,
		              err, errsize);
		goto out;
	}
	pd_buf_printf(log, "%s = %s (was: %s)\n", name, now, *cur ? cur : "empty");
	if (st->path) {
		r = write_atomic(st->path, content, log, err, errsize);
		if (r < 0) {
			r = roll_back(name, cur, st->path, r, log, err, errsize);
			goto out;
		}
		pd_buf_printf(log, "wrote %s\n", st->path);
	}
out:
	if (lock >= 0)
		close(lock); /* releases the flock */
	free(cur);
	free(want);
	free(now);
	free(content);
	free(list);
	return r;
}

/* ------------------------------------------------------------------ kill */

/* Start time (epoch seconds) and flags of pid, as the probe computes
 * them. */
static int proc_identity(int pid, int64_t *ret_start, pd_proc_stat *ret_st)
{
	char name[32], buf[1024];
	char *stat = NULL;
	size_t len;
	bool trunc;
	int64_t btime = -1;
	long tck = sysconf(_SC_CLK_TCK);
	int r;

	snprintf(name, sizeof(name), "/proc/%d/stat", pid);
	r = pd__read_at(AT_FDCWD, name, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	r = pd_proc_stat_parse(buf, len, ret_st);
	if (r < 0)
		return r;
	if (pd__read_alloc_at(AT_FDCWD, "/proc/stat", 1u << 20, &stat, &len,
	                      &trunc) == 0)
		(void)pd_proc_stat_btime(stat, len, &btime);
	free(stat);
	*ret_start = btime >= 0 && tck > 0 ?
	             btime + (int64_t)(ret_st->starttime / (uint64_t)tck) : -1;
	return 0;
}

static int kill_step(const pd_step *st, const pd_apply_opts *o, pd_buf *log,
                     char *err, size_t errsize)
{
	unsigned wait_ms = o && o->wait_ms ? o->wait_ms : 5000;
	pd_proc_stat ps;
	int64_t start;
	int pidfd, r, e;
	struct pollfd p;

	if (st->pid <= 1)
		return fail(err, errsize, PD_EACCES, "PID %d is never ended",
		            st->pid);
	if (st->pid == getpid() || st->pid == getppid())
		return fail(err, errsize, PD_EACCES, "pid %d is portdoctor or its "
		            "parent", st->pid);
	pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (pidfd < 0) {
		e = errno;
		if (e == ESRCH)
			return fail(err, errsize, PD_ENOENT, "pid %d has already ended",
			            st->pid);
		return fail(err, errsize, pd__errno_to_pd(e),
		            "pidfd_open(%d): %s (Linux 5.3 or later is needed to end "
		            "a process safely)", st->pid, strerror(e));
	}
	/* The pidfd holds the process it was opened on; /proc/PID now shows
	 * that process or, if it has ended since, none or another one: either
	 * way a mismatch stops us. */
	r = proc_identity(st->pid, &start, &ps);
	if (r < 0) {
		r = fail(err, errsize, PD_ENOENT, "pid %d has already ended",
		         st->pid);
		goto out;
	}
	if (ps.flags & PF_KTHREAD_FLAG || ps.ppid == 2) {
		r = fail(err, errsize, PD_EACCES, "pid %d is a kernel thread",
		         st->pid);
		goto out;
	}
	if ((st->start_time >= 0 && start >= 0 && start != st->start_time) ||
	    (st->proc_name && strcmp(st->proc_name, ps.comm) != 0)) {
		r = fail(err, errsize, PD_ENOENT, "pid %d is another process now "
		         "(%s); nothing was signalled", st->pid, ps.comm);
		goto out;
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, st->signal, NULL, 0) < 0) {
		e = errno;
		r = fail(err, errsize, e == ESRCH ? PD_ENOENT : pd__errno_to_pd(e),
		         "signal to pid %d: %s", st->pid, strerror(e));
		goto out;
	}
	pd_buf_printf(log, "sent SIG%s to %s (pid %d)\n",
	              pd_signal_name(st->signal) ? pd_signal_name(st->signal) :
	              "?", ps.comm, st->pid);
	p.fd = pidfd;
	p.events = POLLIN;
	p.revents = 0;
	for (;;) {
		r = poll(&p, 1, (int)wait_ms);
		if (r < 0 && errno == EINTR)
			continue;
		break;
	}
	if (r > 0) {
		pd_buf_printf(log, "pid %d has ended\n", st->pid);
		r = 0;
	} else {
		r = fail(err, errsize, PD_ETIMEDOUT, "pid %d is still running after "
		         "%u ms (try --signal KILL)", st->pid, wait_ms);
	}
out:
	close(pidfd);
	return r;
}

/* ------------------------------------------------------------ dispatch */

int pd_apply_step(const pd_step *st, const pd_apply_opts *o, pd_buf *log,
                  char *err, size_t errsize)
{
	int r;

	if (!st || !log || !err)
		return PD_EINVAL;
	err[0] = '\0';
	switch (st->kind) {
	case PD_STEP_RUN:
		return run(st, log, err, errsize);
	case PD_STEP_WRITE_FILE:
		if (!st->path || !st->content)
			return fail(err, errsize, PD_EINVAL, "nothing to write");
		r = write_atomic(st->path, st->content, log, err, errsize);
		if (r == 0)
			pd_buf_printf(log, "wrote %s\n", st->path);
		return r;
	case PD_STEP_SYSCTL:
		if (!st->name || !st->value)
			return fail(err, errsize, PD_EINVAL, "no sysctl");
		return set_sysctl(st, log, err, errsize);
	case PD_STEP_RESERVE:
		return reserve(st, log, err, errsize);
	case PD_STEP_KILL:
		return kill_step(st, o, log, err, errsize);
	case PD_STEP_MANUAL:
		return 0;
	}
	return PD_EINVAL;
}

/* --------------------------------------------------------------- clock */

void pd_probe_self(int *ret_pid, int *ret_ppid)
{
	*ret_pid = (int)getpid();
	*ret_ppid = (int)getppid();
}

int64_t pd_probe_now(void)
{
	return (int64_t)time(NULL);
}

uint64_t pd_probe_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void pd_probe_sleep_ms(unsigned ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

	/* Not resumed after EINTR: a signal (Ctrl-C in watch) ends the wait. */
	nanosleep(&ts, NULL);
}
