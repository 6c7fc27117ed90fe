/*
 * Dynamic and excluded port ranges: run netsh.exe, hand its text to the
 * parser in src/netsh/parse.c, and cross-check the administered
 * exclusions with the registry.
 *
 * No documented API lists the excluded ranges, so every tool runs netsh.
 * Each of the eight commands (ipv4/ipv6 x tcp/udp x excludedportrange/
 * dynamicport) is started directly with CreateProcessW, never through
 * cmd.exe, so nothing in the program path is interpreted by a shell.  The
 * child's stdout is read through a pipe by polling, with a deadline and a
 * size ceiling, so a hung or chatty netsh cannot hang or bloat the probe.
 * The text is kept as bytes: netsh writes in the OEM code page, and the
 * parser recognises rows by shape, not by the translated words.
 *
 * The same runner lists the URLs registered with http.sys and the
 * portproxy rules (pd__win_holders) when a socket's owner calls for them.
 *
 * Which program runs: netsh.exe in the system directory, by full path
 * (pd__win_program).  Only a build for tests (meson -Dtest_hooks=true)
 * honours opts->netsh_program or $PORTDOCTOR_NETSH, a stand-in that
 * prints a recorded output.
 */
#include "win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/buf.h"
#include "netsh/netsh.h"

#define NETSH_TIMEOUT_MS 5000u
/* Real outputs are a few KiB; stop reading well before the parser limit. */
#define NETSH_MAX_OUTPUT (256u * 1024u)
/* CreateProcessW's limit on the command line, in UTF-16 units. */
#define CMDLINE_MAX_W 32767u

/* The administered exclusions, undocumented: value name = 8 hex digits,
 * the start port big-endian then the count little-endian. */
static const wchar_t *const reg_keys[2] = {
	L"SYSTEM\\CurrentControlSet\\Control\\Nsi\\"
	L"{eb004a03-9b1a-11d4-9123-0050047759bc}\\29", /* TCP */
	L"SYSTEM\\CurrentControlSet\\Control\\Nsi\\"
	L"{eb004a02-9b1a-11d4-9123-0050047759bc}\\5", /* UDP */
};

typedef struct wcmd {
	wchar_t *s;
	size_t len;
	size_t cap;
} wcmd;

static int wput(wcmd *c, wchar_t ch, size_t count)
{
	if (count > c->cap - c->len - 1)
		return PD_ETOOBIG;
	while (count--)
		c->s[c->len++] = ch;
	c->s[c->len] = L'\0';
	return 0;
}

/* Appends one argument quoted so that the child's C runtime
 * (CommandLineToArgvW / MSVCRT rules) splits it back into exactly arg:
 * only runs of backslashes right before a quote (or before the closing
 * quote we add) are special, and must be doubled.  Windows passes one
 * string to the child, not an argv, so this is the only way an argument
 * with spaces or quotes arrives intact. */
static int append_arg(wcmd *c, const wchar_t *arg)
{
	const wchar_t *p;
	int rc = 0;

	if (c->len > 0)
		rc = wput(c, L' ', 1);
	if (rc == 0 && *arg && !wcspbrk(arg, L" \t\n\v\"")) {
		for (p = arg; *p && rc == 0; p++)
			rc = wput(c, *p, 1);
		return rc;
	}
	if (rc == 0)
		rc = wput(c, L'"', 1);
	for (p = arg; rc == 0; p++) {
		size_t nbs = 0;

		while (*p == L'\\') {
			p++;
			nbs++;
		}
		if (*p == L'\0') {
			rc = wput(c, L'\\', nbs * 2);
			break;
		}
		if (*p == L'"') {
			rc = wput(c, L'\\', nbs * 2 + 1);
			if (rc == 0)
				rc = wput(c, L'"', 1);
		} else {
			rc = wput(c, L'\\', nbs);
			if (rc == 0)
				rc = wput(c, *p, 1);
		}
	}
	if (rc == 0)
		rc = wput(c, L'"', 1);
	return rc;
}

/* Reads the child's stdout until it exits and the pipe is drained.
 * PeekNamedPipe polling instead of a blocking ReadFile: a blocking read
 * would wait past the deadline, and would never end if another process
 * inherited the write end (handles of other threads' CreateProcess calls
 * can leak into a child). */
static int pump(HANDLE rd, HANDLE proc, pd_buf *out, ULONGLONG deadline)
{
	char chunk[4096];
	bool exited = false;

	for (;;) {
		DWORD avail = 0, got = 0;

		if (!PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL))
			return 0; /* broken pipe: every writer is gone */
		if (avail > 0) {
			if (!ReadFile(rd, chunk,
			              avail < sizeof(chunk) ? avail : sizeof(chunk),
			              &got, NULL))
				return 0;
			if (pd_buf_append(out, chunk, got) < 0)
				return pd_buf_error(out);
			continue;
		}
		if (exited)
			return 0; /* drained after the exit */
		if (WaitForSingleObject(proc, 10) == WAIT_OBJECT_0)
			exited = true; /* one more peek for the last bytes */
		else if (GetTickCount64() > deadline)
			return PD_ETIMEDOUT;
	}
}

/* Waits until the child has ended, by the deadline.  The pipe breaks as
 * soon as the child closes its output, which may be before it exits (a
 * child that closes stdout and goes on working).  GetExitCodeProcess
 * "returns immediately. If the process has not terminated ..., the status
 * returned is STILL_ACTIVE" (259), and a program may also exit with 259
 * itself (https://learn.microsoft.com/en-us/windows/win32/api/
 * processthreadsapi/nf-processthreadsapi-getexitcodeprocess): so the code
 * is read only once the process handle is signalled.  (Wine cannot show
 * the early break: its PeekNamedPipe reports the broken pipe only after
 * the child has exited.) */
static int wait_exit(HANDLE proc, ULONGLONG deadline)
{
	ULONGLONG now = GetTickCount64();
	DWORD left = now >= deadline ? 0 : (DWORD)(deadline - now);

	return WaitForSingleObject(proc, left) == WAIT_OBJECT_0 ? 0 :
	       PD_ETIMEDOUT;
}

/* Runs prog with args and captures stdout (and stderr with with_stderr)
 * into out; stdin is NUL.  *ret_exit (if not NULL) gets the exit code.
 * Fails with PD_ENOENT when the program cannot be started, PD_ETIMEDOUT
 * (the child is killed), PD_ETOOBIG or PD_ENOMEM.  Also used by the
 * actuator (apply.c). */
int pd__win_run_capture(const wchar_t *prog, const wchar_t *const *args,
                        unsigned timeout_ms, bool with_stderr, pd_buf *out,
                        DWORD *ret_exit)
{
	SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	HANDLE rd = NULL, wr = NULL, nul = INVALID_HANDLE_VALUE;
	wcmd cmd = {NULL, 0, CMDLINE_MAX_W + 1};
	ULONGLONG deadline = GetTickCount64() + timeout_ms;
	int rc;

	cmd.s = pd__reallocarray(NULL, cmd.cap, sizeof(wchar_t));
	if (!cmd.s)
		return PD_ENOMEM;
	cmd.s[0] = L'\0';
	rc = append_arg(&cmd, prog);
	for (; rc == 0 && *args; args++)
		rc = append_arg(&cmd, *args);
	if (rc < 0)
		goto out;
	rc = PD_EIO;
	if (!CreatePipe(&rd, &wr, &sa, 0))
		goto out;
	/* Only the child's end may be inherited. */
	SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
	nul = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE,
	                  FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING,
	                  0, NULL);
	if (nul == INVALID_HANDLE_VALUE)
		goto out;
	memset(&si, 0, sizeof(si));
	si.cb = sizeof(si);
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = nul;
	si.hStdOutput = wr;
	si.hStdError = with_stderr ? wr : nul;
	/* CREATE_NO_WINDOW: a GUI caller must not see a console flash. */
	if (!CreateProcessW(prog, cmd.s, NULL, NULL, TRUE, CREATE_NO_WINDOW,
	                    NULL, NULL, &si, &pi)) {
		rc = PD_ENOENT;
		goto out;
	}
	/* Our copy of the write end must go, or the pipe never breaks. */
	CloseHandle(wr);
	wr = NULL;
	CloseHandle(pi.hThread);
	rc = pump(rd, pi.hProcess, out, deadline);
	if (rc == 0)
		rc = wait_exit(pi.hProcess, deadline);
	if (rc < 0) {
		TerminateProcess(pi.hProcess, 1);
		WaitForSingleObject(pi.hProcess, 1000);
	} else if (ret_exit && !GetExitCodeProcess(pi.hProcess, ret_exit)) {
		rc = PD_EIO;
	}
	CloseHandle(pi.hProcess);
out:
	if (nul != INVALID_HANDLE_VALUE)
		CloseHandle(nul);
	if (wr)
		CloseHandle(wr);
	if (rd)
		CloseHandle(rd);
	free(cmd.s);
	return rc;
}

/* ------------------------------------------------- which program runs */

/* The system's own programs, run by full path from the system directory
 * (GetSystemDirectoryW) and never looked up on PATH or in the current
 * directory: portdoctor runs them elevated, so a net.exe planted in a
 * folder of PATH, or in the folder a person happens to be in, must never
 * be the one that runs.  CreateProcessW gets that full path as
 * lpApplicationName, for which "the function will not use the search
 * path" (https://learn.microsoft.com/en-us/windows/win32/api/
 * processthreadsapi/nf-processthreadsapi-createprocessw). */
static const struct {
	const char *name;
	const wchar_t *path; /* below the system directory */
} system_tools[] = {
	{"net", L"net.exe"},
	{"netsh", L"netsh.exe"},
	{"sc", L"sc.exe"},
	{"wsl", L"wsl.exe"},
	{"powershell", L"WindowsPowerShell\\v1.0\\powershell.exe"},
};

/* Container engines' CLIs are not part of Windows: they are found on PATH
 * only.  SearchPathW with lpPath NULL would look in the application's
 * folder and the current directory first; given PATH's value as lpPath it
 * searches those folders only, and only an absolute result is taken. */
static const char *const path_tools[] = {"docker", "podman"};

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

static wchar_t *env_w(const wchar_t *var)
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

static bool absolute_w(const wchar_t *p)
{
	return (((p[0] >= L'A' && p[0] <= L'Z') || (p[0] >= L'a' && p[0] <= L'z')) &&
	        p[1] == L':' && p[2] == L'\\') ||
	       (p[0] == L'\\' && p[1] == L'\\');
}

static wchar_t *path_program(const char *name)
{
	wchar_t *path = env_w(L"PATH"), *w = pd__win_utf16(name), *found = NULL;
	DWORD n;

	if (path && w) {
		n = SearchPathW(path, w, L".exe", 0, NULL, NULL);
		found = n ? pd__reallocarray(NULL, n, sizeof(*found)) : NULL;
		if (found && (SearchPathW(path, w, L".exe", n, found, NULL) == 0 ||
		              !absolute_w(found))) {
			free(found);
			found = NULL;
		}
	}
	free(path);
	free(w);
	return found;
}

#ifdef PD_TEST_HOOKS
/* A build for tests (meson -Dtest_hooks=true) runs stand-ins: the option
 * a test driver passes, else $PORTDOCTOR_<NAME> (PORTDOCTOR_NETSH,
 * PORTDOCTOR_NET, PORTDOCTOR_WSL, ...). */
static wchar_t *test_program(const char *name, const char *override)
{
	wchar_t var[64] = L"PORTDOCTOR_";
	size_t i, k = wcslen(var);

	if (override)
		return pd__win_utf16(override);
	for (i = 0; name[i] && k + 1 < sizeof(var) / sizeof(var[0]); i++)
		var[k++] = (wchar_t)(name[i] >= 'a' && name[i] <= 'z' ?
		                     name[i] - 'a' + 'A' : name[i]);
	var[k] = L'\0';
	return env_w(var);
}
#endif

wchar_t *pd__win_program(const char *name, const char *override,
                         bool *ret_unknown)
{
	size_t i;

	*ret_unknown = false;
#ifdef PD_TEST_HOOKS
	{
		wchar_t *t = test_program(name, override);

		if (t)
			return t;
	}
#else
	(void)override;
#endif
	for (i = 0; i < sizeof(system_tools) / sizeof(system_tools[0]); i++)
		if (strcmp(name, system_tools[i].name) == 0)
			return system_program(system_tools[i].path);
	for (i = 0; i < sizeof(path_tools) / sizeof(path_tools[0]); i++)
		if (strcmp(name, path_tools[i]) == 0)
			return path_program(name);
	*ret_unknown = true;
	return NULL;
}

/* The program to run, malloc'ed UTF-16, or NULL when out of memory. */
static wchar_t *netsh_program(const pd_probe_opts *opts)
{
	bool unknown;

	return pd__win_program("netsh", opts->netsh_program, &unknown);
}

/* Counts over the eight runs, for the notes. */
typedef struct tally {
	int empty;
	int rejected; /* output the parser did not recognise */
	int failed;   /* could not start, timed out, too big */
	int excluded_ok; /* excludedportrange outputs parsed */
	int last_err;
} tally;

static int run_one(const wchar_t *prog, pd_netsh_kind kind, pd_family fam,
                   pd_proto proto, pd_snapshot *snap, tally *t)
{
	const wchar_t *args[6] = {L"int", fam == PD_FAMILY_V4 ? L"ipv4" : L"ipv6",
	                          L"show", NULL, NULL, NULL};
	pd_netsh_hint hint = {kind, proto, fam};
	pd_netsh_result res;
	pd_buf out;
	int rc;

	if (kind == PD_NETSH_EXCLUDED) {
		args[3] = L"excludedportrange";
		args[4] = proto == PD_PROTO_TCP ? L"protocol=tcp" : L"protocol=udp";
	} else {
		args[3] = L"dynamicport";
		args[4] = proto == PD_PROTO_TCP ? L"tcp" : L"udp";
	}
	pd_buf_init(&out, NETSH_MAX_OUTPUT);
	rc = pd__win_run_capture(prog, args, NETSH_TIMEOUT_MS, false, &out,
	                         NULL);
	if (rc == PD_ENOMEM)
		goto out;
	if (rc < 0) {
		t->failed++;
		t->last_err = rc;
		rc = 0;
		goto out;
	}
	if (out.len == 0) {
		t->empty++;
		goto out;
	}
	memset(&res, 0, sizeof(res));
	rc = pd_netsh_parse(out.data, out.len, &hint, &res);
	if (rc == PD_ENOMEM)
		goto out;
	if (rc < 0) {
		t->rejected++;
		rc = 0;
		goto out;
	}
	rc = pd_netsh_result_to_snapshot(&res, snap);
	pd_netsh_result_done(&res);
	if (rc == 0 && kind == PD_NETSH_EXCLUDED)
		t->excluded_ok++;
out:
	pd_buf_done(&out);
	return rc;
}

static int hex4(const wchar_t *s, unsigned *ret)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		wchar_t c = s[i];

		v <<= 4;
		if (c >= L'0' && c <= L'9')
			v |= (unsigned)(c - L'0');
		else if (c >= L'a' && c <= L'f')
			v |= (unsigned)(c - L'a' + 10);
		else if (c >= L'A' && c <= L'F')
			v |= (unsigned)(c - L'A' + 10);
		else
			return PD_EPARSE;
	}
	*ret = v;
	return 0;
}

/* One registry exclusion: mark the netsh rows it matches administered, or
 * add it when netsh gave nothing, or leave a note when they disagree
 * (only when netsh listed both families of the protocol). */
static int apply_reg_range(pd_snapshot *snap, const pd_range *r,
                           bool have_netsh, bool all_families)
{
	size_t i;
	bool found = false;

	for (i = 0; i < snap->n_excluded; i++) {
		pd_range *e = &snap->excluded[i];

		if ((e->proto == r->proto || e->proto == PD_PROTO_NONE) &&
		    e->start == r->start && e->end == r->end) {
			e->administered = true;
			found = true;
		}
	}
	if (found)
		return 0;
	if (!have_netsh)
		return pd_snapshot_add_range(&snap->excluded, &snap->n_excluded, r);
	if (!all_families)
		return 0;
	return pd_snapshot_add_note(
		snap, "excluded_registry_mismatch",
		"an administered port exclusion in the registry is not listed by "
		"netsh");
}

/* Read-only look at the undocumented registry key; a key that is missing or
 * not readable (Wine has none) is skipped without a note. */
static int registry_check(pd_snapshot *snap, bool have_netsh,
                          unsigned queries)
{
	int k, rc = 0;

	for (k = 0; k < 2 && rc == 0; k++) {
		/* The key of tcp, then of udp, against netsh's excluded lists of
		 * that protocol (queries bits k and 2 + k): none asked for, the
		 * key is not read; one family only, an exclusion netsh did not
		 * list may be of the other family: no mismatch note. */
		unsigned fams = ((queries >> k) & 1u) | ((queries >> (2 + k)) & 1u) << 1;
		HKEY key;
		DWORD i;

		if (fams == 0)
			continue;
		if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, reg_keys[k], 0,
		                  KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
			continue;
		for (i = 0; i < 65536 && rc == 0; i++) {
			wchar_t name[32];
			DWORD nlen = 32;
			unsigned start, raw, count;
			pd_range r;
			LONG e = RegEnumValueW(key, i, name, &nlen, NULL, NULL, NULL,
			                       NULL);

			if (e == ERROR_NO_MORE_ITEMS)
				break;
			if (e != ERROR_SUCCESS || nlen != 8 || hex4(name, &start) < 0 ||
			    hex4(name + 4, &raw) < 0)
				continue;
			count = ((raw & 0xffu) << 8) | (raw >> 8);
			if (start == 0 || count == 0 || start + count - 1 > 65535)
				continue;
			memset(&r, 0, sizeof(r));
			r.proto = k == 0 ? PD_PROTO_TCP : PD_PROTO_UDP;
			r.family = PD_FAMILY_ANY;
			r.start = (uint16_t)start;
			r.end = (uint16_t)(start + count - 1);
			r.administered = true;
			rc = apply_reg_range(snap, &r, have_netsh, fams == 3u);
		}
		RegCloseKey(key);
	}
	return rc;
}

static int tally_notes(pd_snapshot *snap, const tally *t)
{
	int rc = 0;

	if (t->failed > 0)
		rc = pd_snapshot_add_note(
			snap, "netsh_failed",
			t->last_err == PD_ETIMEDOUT
				? "netsh did not answer in time; port ranges are incomplete"
			: t->last_err == PD_ENOENT
				? "netsh could not be started; port ranges are unknown"
				: "netsh output could not be read; port ranges are "
				  "incomplete");
	if (rc == 0 && t->empty > 0)
		rc = pd_snapshot_add_note(
			snap, "netsh_empty",
			"netsh printed nothing for some range queries (Wine's netsh "
			"does this); those ranges are unknown");
	if (rc == 0 && t->rejected > 0)
		rc = pd_snapshot_add_note(
			snap, "netsh_unrecognised",
			"netsh output was not recognised for some range queries");
	return rc;
}

/* ------------------------------------------- http.sys and portproxy */

/* Whether a collected socket is owned by pid, or by a process hosting
 * the service svc. */
static bool held_by(const pd_snapshot *snap, int pid, const char *svc)
{
	size_t i, k;

	for (i = 0; i < snap->n_sockets; i++)
		for (k = 0; k < snap->sockets[i].n_pids; k++) {
			const pd_process *p;

			if (pid >= 0 && snap->sockets[i].pids[k] == pid)
				return true;
			p = svc ? pd_snapshot_find_process(snap,
			                                   snap->sockets[i].pids[k])
			        : NULL;
			if (p && p->service && strstr(p->service, svc))
				return true;
		}
	return false;
}

/* Runs one listing command; its rows go into the snapshot, and a failure
 * becomes the note code/what.  An empty output is an empty list (netsh
 * prints nothing when there is no portproxy rule). */
static int run_listing(const wchar_t *prog, const wchar_t *const *args,
                       pd_netsh_kind kind, pd_snapshot *snap,
                       const char *code, const char *shown, const char *what)
{
	pd_netsh_hint hint = {kind, PD_PROTO_NONE, PD_FAMILY_ANY};
	pd_netsh_result res;
	pd_buf out;
	char msg[256];
	int rc;

	pd_buf_init(&out, NETSH_MAX_OUTPUT);
	rc = pd__win_run_capture(prog, args, NETSH_TIMEOUT_MS, false, &out,
	                         NULL);
	if (rc == 0) {
		memset(&res, 0, sizeof(res));
		rc = pd_netsh_parse(out.data ? out.data : "", out.len, &hint, &res);
		if (rc == 0) {
			rc = pd_netsh_result_to_snapshot(&res, snap);
			pd_netsh_result_done(&res);
		}
	}
	pd_buf_done(&out);
	if (rc == 0 || rc == PD_ENOMEM)
		return rc;
	snprintf(msg, sizeof(msg), "`%s` could not be read (%s): %s are unknown",
	         shown, pd_strerror(rc), what);
	return pd_snapshot_add_note(snap, code, msg);
}

int pd__win_holders(const pd_probe_opts *opts, pd_snapshot *snap,
                    bool untested)
{
	/* view=requestq lists each request queue's processes with its URLs
	 * (learn.microsoft.com, "show servicestate"). */
	static const wchar_t *const http_args[] = {
		L"http", L"show", L"servicestate", L"view=requestq", NULL};
	static const wchar_t *const proxy_args[] = {
		L"interface", L"portproxy", L"show", L"all", NULL};
	bool http = opts->listeners || held_by(snap, 4, NULL);
	bool proxy = opts->listeners || untested ||
	             held_by(snap, -1, "iphlpsvc");
	wchar_t *prog;
	int rc = 0;

	if (!http && !proxy)
		return 0;
	prog = netsh_program(opts);
	if (!prog)
		return PD_ENOMEM;
	if (http)
		rc = run_listing(prog, http_args, PD_NETSH_HTTP, snap,
		                 "netsh_http_failed", "netsh http show servicestate",
		                 "the URLs registered with http.sys (PID 4)");
	if (rc == 0 && proxy)
		rc = run_listing(prog, proxy_args, PD_NETSH_PORTPROXY, snap,
		                 "netsh_portproxy_failed",
		                 "netsh interface portproxy show all",
		                 "the portproxy rules");
	free(prog);
	return rc;
}

int pd__win_ranges(const pd_probe_opts *opts, pd_snapshot *snap,
                   unsigned queries)
{
	static const pd_netsh_kind kinds[2] = {PD_NETSH_EXCLUDED,
	                                       PD_NETSH_DYNAMIC};
	static const pd_family fams[2] = {PD_FAMILY_V4, PD_FAMILY_V6};
	static const pd_proto protos[2] = {PD_PROTO_TCP, PD_PROTO_UDP};
	wchar_t *prog = netsh_program(opts);
	tally t;
	int i, rc = 0;

	if (!prog)
		return PD_ENOMEM;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < 8 && rc == 0; i++) {
		if (!((queries >> i) & 1))
			continue;
		rc = run_one(prog, kinds[i / 4], fams[(i / 2) % 2], protos[i % 2],
		             snap, &t);
		/* A program that could not start, or hung, will do the same the
		 * next time: stop rather than wait 5 s more per command. */
		if (t.failed > 0)
			break;
	}
	free(prog);
	if (rc == 0)
		rc = tally_notes(snap, &t);
	if (rc == 0)
		rc = registry_check(snap, t.excluded_ok > 0, queries);
	return rc;
}
