/*
 * The Windows actuator: carries out the steps of a remedy plan.
 *
 * Programs (net, netsh, wsl, docker, ...) are started with CreateProcessW
 * and the argument vector quoted for the C runtime (netsh.c), never as a
 * cmd.exe string, so nothing in an argument is interpreted by a shell.
 * Which file runs is pd__win_program's choice: the system's own tools by
 * full path from the system directory, nothing from the current directory,
 * and stand-ins only in a build for tests (meson -Dtest_hooks=true).  The
 * exit code is read after the child has ended, and its output is kept for
 * the report, decoded to UTF-8.  A process is ended only after checking
 * that the pid still belongs to the process the plan names (creation time
 * and image name).
 *
 * Services are stopped and started with net.exe, not sc.exe or
 * ControlService here: `net stop` and `net start` wait until the service
 * has stopped or started (sc.exe returns while it is still STOP_PENDING,
 * and the excluded range added next would meet WinNAT's ports still held),
 * and the plan shows the very command a person would type.  net.exe has
 * one question it may ask, whether to stop the services that depend on
 * the one named ("Do you want to continue this operation? (Y/N)"); it is
 * never caused: before `net stop NAME` the service manager is asked for
 * NAME's active dependents (EnumDependentServicesW), and if there are any
 * the step fails, naming them, without running net.exe.  The SCM refuses
 * such a stop itself with ERROR_DEPENDENT_SERVICES_RUNNING
 * (https://learn.microsoft.com/en-us/windows/win32/services/
 * stopping-a-service).  stdin is NUL as well, so
 * nothing could wait for an answer.  net.exe exits with 2 on every error
 * and names the message in a line whose number is not translated: "More
 * help is available by typing NET HELPMSG 3521." (3521: the service is not
 * started; 2185: the service name is invalid; 2182: the requested
 * service has already been started).  Those are told apart by that
 * number: a service already stopped (or absent) needs no stop, one
 * already running needs no start; pd_apply_step then returns 1, "nothing
 * changed", so the plan does not start a service it did not stop.
 */
#include "win.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define RUN_TIMEOUT_MS 120000u
#define RUN_OUTPUT_MAX (64u * 1024u)

/* net.exe's message numbers (NET HELPMSG). */
#define NET_NOT_STARTED 3521u
#define NET_BAD_SERVICE 2185u
#define NET_ALREADY_STARTED 2182u

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

static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;

	while (i < n) {
		unsigned c = s[i];

		len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
		      (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (len == 0 || (len == 2 && c < 0xc2) || i + len > n)
			return false;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* The system's OEM code page, the one net.exe and netsh.exe write in.
 * Not CP_OEMCP: portdoctor.exe's manifest (activeCodePage UTF-8, see
 * src/cli/portdoctor.manifest) makes this process's ANSI and OEM code
 * pages both 65001, while the children, which have no such manifest,
 * keep the system locale's (checked under Wine: GetOEMCP() 65001, the
 * system default 437 or 850).  LOCALE_IDEFAULTCODEPAGE is that locale's
 * OEM code page
 * (https://learn.microsoft.com/en-us/windows/win32/intl/locale-idefault-constants). */
static UINT system_oem_cp(void)
{
	DWORD cp = 0;

	if (GetLocaleInfoW(LOCALE_SYSTEM_DEFAULT,
	                   LOCALE_IDEFAULTCODEPAGE | LOCALE_RETURN_NUMBER,
	                   (LPWSTR)(void *)&cp, sizeof(cp) / sizeof(WCHAR)) &&
	    cp > 0 && cp != CP_UTF8)
		return (UINT)cp;
	return CP_OEMCP;
}

/* A child's output as UTF-8 for the report, CRs dropped.  net.exe and
 * netsh.exe write bytes in the OEM code page (CP850 for French, CP936
 * for Chinese...), which is neither UTF-8 nor what a JSON report may
 * carry; wsl.exe writes UTF-16LE.  Text that is already valid UTF-8
 * (ASCII, or a system set to UTF-8) is kept as it is. */
static void decode_output(const char *s, size_t n, pd_buf *log)
{
	wchar_t *w = NULL;
	char *u = NULL;
	size_t i;
	int wn;

	if (n >= 2 && n % 2 == 0 &&
	    (((unsigned char)s[0] == 0xff && (unsigned char)s[1] == 0xfe) ||
	     (s[0] != 0 && s[1] == 0))) {
		w = pd__reallocarray(NULL, n / 2 + 1, sizeof(*w));
		if (w) {
			memcpy(w, s, n);
			w[n / 2] = 0;
			u = pd__win_utf8(w[0] == 0xfeff ? w + 1 : w, -1);
		}
	} else if (!valid_utf8((const unsigned char *)s, n)) {
		UINT cp = system_oem_cp();

		wn = n <= 0x7fffffff ?
		     MultiByteToWideChar(cp, 0, s, (int)n, NULL, 0) : 0;
		w = wn > 0 ? pd__reallocarray(NULL, (size_t)wn, sizeof(*w)) : NULL;
		if (w && MultiByteToWideChar(cp, 0, s, (int)n, w, wn) == wn)
			u = pd__win_utf8(w, wn);
	}
	if (u) {
		s = u;
		n = strlen(u);
	}
	/* Blank lines at the end (net.exe ends with two) say nothing. */
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	                 s[n - 1] == ' ' || s[n - 1] == '\0'))
		n--;
	for (i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\0')
			pd_buf_putc(log, s[i]);
	if (n)
		pd_buf_putc(log, '\n');
	free(w);
	free(u);
}

/* The number in "NET HELPMSG 3521" (any case), or 0. */
static unsigned net_helpmsg(const char *s, size_t n)
{
	static const char key[] = "helpmsg ";
	size_t i, k;

	for (i = 0; i + sizeof(key) - 1 < n; i++) {
		unsigned v = 0;

		for (k = 0; k < sizeof(key) - 1; k++) {
			char c = s[i + k];

			if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != key[k])
				break;
		}
		if (k < sizeof(key) - 1)
			continue;
		for (k = i + sizeof(key) - 1; k < n && s[k] >= '0' && s[k] <= '9' &&
		                              v < 100000u; k++)
			v = v * 10u + (unsigned)(s[k] - '0');
		return v;
	}
	return 0;
}

/* The first non-empty line of the decoded output, for the error: net.exe
 * and netsh.exe put the reason there ("The service name is invalid.",
 * "The process cannot access the file because it is being used by another
 * process."). */
static void first_line(const char *s, size_t n, char *out, size_t size)
{
	size_t start = 0, end;

	while (start < n && (s[start] == '\n' || s[start] == ' '))
		start++;
	for (end = start; end < n && s[end] != '\n'; end++)
		;
	snprintf(out, size, "%.*s", (int)(end - start), s + start);
}

/* The services that depend on svc and are running, comma-separated into
 * names; their number (0 when none, or the service cannot be asked). */
static DWORD active_dependents(const char *svc, char *names, size_t size)
{
	SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), h = NULL;
	ENUM_SERVICE_STATUSW *deps = NULL;
	wchar_t *w = pd__win_utf16(svc);
	DWORD need = 0, count = 0, i;
	size_t off = 0;

	names[0] = '\0';
	if (scm && w)
		h = OpenServiceW(scm, w, SERVICE_ENUMERATE_DEPENDENTS);
	if (h && !EnumDependentServicesW(h, SERVICE_ACTIVE, NULL, 0, &need,
	                                 &count) &&
	    GetLastError() == ERROR_MORE_DATA && need > 0)
		deps = malloc(need);
	if (deps && !EnumDependentServicesW(h, SERVICE_ACTIVE, deps, need, &need,
	                                    &count))
		count = 0;
	for (i = 0; deps && i < count && off + 1 < size; i++) {
		char *u = pd__win_utf8(deps[i].lpServiceName, -1);

		off += (size_t)snprintf(names + off, size - off, "%s%s",
		                        i ? ", " : "", u ? u : "?");
		free(u);
	}
	if (!deps)
		count = 0;
	free(deps);
	free(w);
	if (h)
		CloseServiceHandle(h);
	if (scm)
		CloseServiceHandle(scm);
	return count;
}

/* net.exe's answers that mean "already so": 1 with a note in err, or 0
 * when the failure stands. */
static int net_already(const pd_step *st, unsigned msg, char *err,
                       size_t errsize)
{
	bool stop = st->argc >= 3 && strcmp(st->argv[1], "stop") == 0;
	bool start = st->argc >= 3 && strcmp(st->argv[1], "start") == 0;

	if (stop && msg == NET_NOT_STARTED)
		return fail(err, errsize, 1, "%s was not running (NET HELPMSG %u): "
		            "nothing to stop", st->argv[2], msg);
	if (stop && msg == NET_BAD_SERVICE)
		return fail(err, errsize, 1, "there is no service %s (NET HELPMSG "
		            "%u): nothing to stop", st->argv[2], msg);
	if (start && msg == NET_ALREADY_STARTED)
		return fail(err, errsize, 1, "%s was running already (NET HELPMSG "
		            "%u)", st->argv[2], msg);
	return 0;
}

/* Runs a RUN step's program; its output, decoded, goes to log. */
static int capture(const pd_step *st, const wchar_t *prog, pd_buf *log,
                   pd_buf *text, DWORD *code)
{
	wchar_t **args = calloc(st->argc, sizeof(*args));
	pd_buf out;
	size_t i;
	int r = 0;

	if (!args)
		return PD_ENOMEM;
	for (i = 1; i < st->argc && r == 0; i++)
		if (!(args[i - 1] = pd__win_utf16(st->argv[i])))
			r = PD_ENOMEM;
	pd_buf_init(&out, RUN_OUTPUT_MAX);
	if (r == 0)
		r = pd__win_run_capture(prog, (const wchar_t *const *)args,
		                        RUN_TIMEOUT_MS, true, &out, code);
	if (out.len) {
		size_t mark = text->len;

		decode_output(out.data, out.len, text);
		pd_buf_append(log, text->data + mark, text->len - mark);
	}
	pd_buf_done(&out);
	for (i = 0; i + 1 < st->argc; i++)
		free(args[i]);
	free(args);
	return r;
}

static int run(const pd_step *st, const pd_apply_opts *o, pd_buf *log,
               char *err, size_t errsize)
{
	const char *over = NULL;
	wchar_t *prog;
	pd_buf text;
	char deps[256], line[200] = "";
	bool net, unknown;
	DWORD code = 0;
	int r;

	if (!st->argv || !st->argc)
		return fail(err, errsize, PD_EINVAL, "no program to run");
	net = strcmp(st->argv[0], "net") == 0;
	if (o)
		over = net ? o->net_program :
		       strcmp(st->argv[0], "netsh") == 0 ? o->netsh_program : NULL;
	prog = pd__win_program(st->argv[0], over, &unknown);
	if (unknown)
		return fail(err, errsize, PD_EACCES, "%s is not a program portdoctor "
		            "runs", st->argv[0]);
	if (!prog)
		return fail(err, errsize, PD_ENOENT, "%s was not found", st->argv[0]);
	if (net && st->argc >= 3 && strcmp(st->argv[1], "stop") == 0 &&
	    active_dependents(st->argv[2], deps, sizeof(deps)) > 0) {
		free(prog);
		return fail(err, errsize, PD_EACCES, "services that depend on %s "
		            "are running (%s): net stop would ask whether to stop "
		            "them too; nothing was run: stop them first",
		            st->argv[2], deps);
	}
	pd_buf_init(&text, RUN_OUTPUT_MAX);
	r = capture(st, prog, log, &text, &code);
	free(prog);
	if (text.len)
		first_line(text.data, text.len, line, sizeof(line));
	if (r == PD_ENOENT)
		r = fail(err, errsize, r, "%s could not be started", st->argv[0]);
	else if (r == PD_ETIMEDOUT)
		r = fail(err, errsize, r, "%s did not finish in time", st->argv[0]);
	else if (r < 0)
		r = fail(err, errsize, r, "%s: %s", st->argv[0], pd_strerror(r));
	else if (code != 0) {
		r = net ? net_already(st, net_helpmsg(text.data, text.len), err,
		                      errsize) : 0;
		if (r == 0)
			r = fail(err, errsize, PD_EIO, "%s exited with status %lu%s%s",
			         st->argv[0], (unsigned long)code, line[0] ? ": " : "",
			         line);
	}
	pd_buf_done(&text);
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
