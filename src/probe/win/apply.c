/*
 * The Windows actuator: carries out the steps of a remedy plan.
 *
 * Programs (net, netsh, docker, ...) are started with CreateProcessW and
 * the argument vector quoted for the C runtime (netsh.c), never as a
 * cmd.exe string, so nothing in an argument is interpreted by a shell;
 * the exit code is checked and the output kept for the log.  net.exe and
 * netsh.exe are taken from the system directory unless a test stand-in is
 * named ($PORTDOCTOR_NET, $PORTDOCTOR_NETSH, or the options).  A process is
 * ended only after checking that the pid still belongs to the process the
 * plan names (creation time and image name).
 */
#include "win.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define RUN_TIMEOUT_MS 120000u
#define RUN_OUTPUT_MAX (64u * 1024u)

static int fail(char *err, size_t errsize, int code, const char *fmt, ...)
	PD_PRINTF(4, 5);

static int fail(char *err, size_t errsize, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return code;
}

static wchar_t *env_program(const wchar_t *var)
{
	DWORD n = GetEnvironmentVariableW(var, NULL, 0);
	wchar_t *w;

	if (n <= 1)
		return NULL;
	w = pd__reallocarray(NULL, n, sizeof(*w));
	if (w && GetEnvironmentVariableW(var, w, n) == n - 1)
		return w;
	free(w);
	return NULL;
}

static wchar_t *system_program(const wchar_t *exe)
{
	DWORD n = GetSystemDirectoryW(NULL, 0);
	size_t el = wcslen(exe);
	wchar_t *w;

	if (n == 0)
		return NULL;
	w = pd__reallocarray(NULL, (size_t)n + el + 2, sizeof(*w));
	if (!w)
		return NULL;
	n = GetSystemDirectoryW(w, n);
	w[n] = L'\\';
	wcscpy(w + n + 1, exe);
	return w;
}

/* The full path of argv[0]: net and netsh from the system directory (or
 * their stand-ins), anything else searched on PATH. */
static wchar_t *resolve(const char *name, const pd_apply_opts *o)
{
	wchar_t *w, *found;
	DWORD n;

	if (strcmp(name, "netsh") == 0) {
		if (o && o->netsh_program)
			return pd__win_utf16(o->netsh_program);
		w = env_program(L"PORTDOCTOR_NETSH");
		return w ? w : system_program(L"netsh.exe");
	}
	if (strcmp(name, "net") == 0) {
		if (o && o->net_program)
			return pd__win_utf16(o->net_program);
		w = env_program(L"PORTDOCTOR_NET");
		return w ? w : system_program(L"net.exe");
	}
	w = pd__win_utf16(name);
	if (!w)
		return NULL;
	n = SearchPathW(NULL, w, L".exe", 0, NULL, NULL);
	if (n == 0)
		return w; /* CreateProcessW will say it cannot start it */
	found = pd__reallocarray(NULL, n, sizeof(*found));
	if (found && SearchPathW(NULL, w, L".exe", n, found, NULL) > 0) {
		free(w);
		return found;
	}
	free(found);
	return w;
}

static int run(const pd_step *st, const pd_apply_opts *o, pd_buf *log,
               char *err, size_t errsize)
{
	wchar_t *prog = NULL, **args = NULL;
	pd_buf out;
	DWORD code = 0;
	size_t i;
	int r;

	if (!st->argv || !st->argc)
		return fail(err, errsize, PD_EINVAL, "no program to run");
	prog = resolve(st->argv[0], o);
	args = calloc(st->argc, sizeof(*args));
	if (!prog || !args) {
		r = fail(err, errsize, PD_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 1; i < st->argc; i++) {
		args[i - 1] = pd__win_utf16(st->argv[i]);
		if (!args[i - 1]) {
			r = fail(err, errsize, PD_ENOMEM, "out of memory");
			goto out;
		}
	}
	pd_buf_init(&out, RUN_OUTPUT_MAX);
	r = pd__win_run_capture(prog, (const wchar_t *const *)args,
	                        RUN_TIMEOUT_MS, true, &out, &code);
	if (out.len)
		pd_buf_append(log, out.data, out.len);
	pd_buf_done(&out);
	if (r == PD_ENOENT)
		r = fail(err, errsize, r, "%s could not be started", st->argv[0]);
	else if (r == PD_ETIMEDOUT)
		r = fail(err, errsize, r, "%s did not finish in time", st->argv[0]);
	else if (r < 0)
		r = fail(err, errsize, r, "%s: %s", st->argv[0], pd_strerror(r));
	else if (code != 0)
		r = fail(err, errsize, PD_EIO, "%s exited with status %lu",
		         st->argv[0], (unsigned long)code);
out:
	for (i = 0; args && i + 1 < st->argc; i++)
		free(args[i]);
	free(args);
	free(prog);
	return r;
}

/* TerminateProcess on the handle we checked: a handle, like a pidfd, keeps
 * naming the process it was opened on. */
static int kill_step(const pd_step *st, const pd_apply_opts *o, pd_buf *log,
                     char *err, size_t errsize)
{
	DWORD wait_ms = o && o->wait_ms ? o->wait_ms : 5000;
	HANDLE h;
	int64_t start;
	int r = 0;

	if (st->pid <= 4)
		return fail(err, errsize, PD_EACCES, "PID %d is the system's",
		            st->pid);
	if ((DWORD)st->pid == GetCurrentProcessId())
		return fail(err, errsize, PD_EACCES, "pid %d is portdoctor", st->pid);
	h = OpenProcess(PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION |
	                SYNCHRONIZE, FALSE, (DWORD)st->pid);
	if (!h) {
		DWORD e = GetLastError();

		return fail(err, errsize, e == ERROR_ACCESS_DENIED ? PD_EACCES :
		            PD_ENOENT, "cannot open pid %d (error %lu)", st->pid,
		            (unsigned long)e);
	}
	start = pd__win_process_start(h);
	if (st->start_time >= 0 && start >= 0 && start != st->start_time) {
		r = fail(err, errsize, PD_ENOENT, "pid %d is another process now; "
		         "nothing was ended", st->pid);
		goto out;
	}
	if (!TerminateProcess(h, 1)) {
		r = fail(err, errsize, PD_EACCES, "cannot end pid %d (error %lu)",
		         st->pid, (unsigned long)GetLastError());
		goto out;
	}
	pd_buf_printf(log, "ended pid %d\n", st->pid);
	if (WaitForSingleObject(h, wait_ms) != WAIT_OBJECT_0)
		r = fail(err, errsize, PD_ETIMEDOUT, "pid %d is still running",
		         st->pid);
out:
	CloseHandle(h);
	return r;
}

int pd_apply_step(const pd_step *st, const pd_apply_opts *o, pd_buf *log,
                  char *err, size_t errsize)
{
	if (!st || !log || !err)
		return PD_EINVAL;
	err[0] = '\0';
	switch (st->kind) {
	case PD_STEP_RUN:
		return run(st, o, log, err, errsize);
	case PD_STEP_KILL:
		return kill_step(st, o, log, err, errsize);
	case PD_STEP_MANUAL:
		return 0;
	case PD_STEP_WRITE_FILE:
	case PD_STEP_SYSCTL:
	case PD_STEP_RESERVE:
		break;
	}
	return fail(err, errsize, PD_EUNSUPPORTED, "a %s step is for Linux",
	            pd_step_kind_name(st->kind));
}

void pd_probe_self(int *ret_pid, int *ret_ppid)
{
	*ret_pid = (int)GetCurrentProcessId();
	*ret_ppid = -1;
}

int64_t pd_probe_now(void)
{
	FILETIME ft;
	ULARGE_INTEGER t;

	GetSystemTimeAsFileTime(&ft);
	t.LowPart = ft.dwLowDateTime;
	t.HighPart = ft.dwHighDateTime;
	return (int64_t)((t.QuadPart - 116444736000000000ULL) / 10000000ULL);
}

uint64_t pd_probe_mono_ms(void)
{
	return (uint64_t)GetTickCount64();
}

void pd_probe_sleep_ms(unsigned ms)
{
	/* Ctrl-C runs the handler on another thread; watch checks its flag
	 * after each short sleep. */
	Sleep(ms);
}
