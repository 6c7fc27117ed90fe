/*
 * Processes and the services they host.
 *
 * One Toolhelp walk gives every pid with its parent and image name; it needs
 * no rights over the processes, so even a protected process gets a name.
 * Details (full path, command line, user, start time) need a handle opened
 * with PROCESS_QUERY_LIMITED_INFORMATION, which an unelevated caller gets
 * only for its own user's processes: a refusal leaves those fields empty
 * and one "process_denied" note.  Services are read once, and only when a
 * socket owner is looked up, from the service manager.
 */
#include "win.h"

#include <winternl.h>
#include <tlhelp32.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* More processes than this means a corrupt walk, not a real machine. */
#define MAX_PROCS (1u << 20)
/* Enough for the longest command line Windows allows (32767 UTF-16 units)
 * plus the UNICODE_STRING in front of it. */
#define CMDLINE_MAX (70u * 1024u)
/* The longest path QueryFullProcessImageNameW can return, in UTF-16 units. */
#define PATH_MAX_W 32768u

static void *grow(void *arr, size_t n, size_t sz)
{
	/* Doubling: grow when n is 0 or a power of two. */
	if (n != 0 && (n & (n - 1)) != 0)
		return arr;
	return pd__reallocarray(arr, n ? n * 2 : 64, sz);
}

int pd__win_procs_load(pd_win_procs *ps)
{
	PROCESSENTRY32W pe;
	HANDLE snap;
	int rc = 0;
	BOOL more;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (snap == INVALID_HANDLE_VALUE)
		return PD_EIO;
	pe.dwSize = sizeof(pe);
	for (more = Process32FirstW(snap, &pe); more;
	     more = Process32NextW(snap, &pe)) {
		pd_win_proc *list;
		char *name;

		if (ps->n >= MAX_PROCS)
			break;
		list = grow(ps->list, ps->n, sizeof(*list));
		if (!list) {
			rc = PD_ENOMEM;
			break;
		}
		ps->list = list;
		name = pd__win_utf8(pe.szExeFile, -1);
		if (!name) {
			rc = PD_ENOMEM;
			break;
		}
		list[ps->n].pid = pe.th32ProcessID;
		list[ps->n].ppid = pe.th32ParentProcessID;
		list[ps->n].name = name;
		ps->n++;
	}
	CloseHandle(snap);
	return rc;
}

void pd__win_procs_done(pd_win_procs *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		free(ps->list[i].name);
	free(ps->list);
	for (i = 0; i < ps->n_services; i++)
		free(ps->services[i].name);
	free(ps->services);
	memset(ps, 0, sizeof(*ps));
}

/* ASCII-only case folding: image names are compared against fixed ASCII
 * names, and tolower() would depend on the locale. */
static bool eq_ascii_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

bool pd__win_procs_has_name(const pd_win_procs *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (eq_ascii_nocase(ps->list[i].name, name))
			return true;
	return false;
}

static const pd_win_proc *find_proc(const pd_win_procs *ps, DWORD pid)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->list[i].pid == pid)
			return &ps->list[i];
	return NULL;
}

bool pd__win_procs_known(const pd_win_procs *ps, DWORD pid)
{
	return find_proc(ps, pid) != NULL;
}

/* Active Win32 services with their pids.  EnumServicesStatusExW fills at
 * most 256 KiB per call and continues from a resume handle, so loop until
 * it stops asking for more. */
static int load_services(pd_win_procs *ps)
{
	enum { BUF_SIZE = 256 * 1024 };
	SC_HANDLE scm;
	BYTE *buf;
	DWORD needed, count, resume = 0, i;
	BOOL ok;
	int rc = 0;

	ps->services_read = true;
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ENUMERATE_SERVICE);
	if (!scm)
		return 0; /* no services known: fields stay NULL */
	buf = malloc(BUF_SIZE);
	if (!buf) {
		CloseServiceHandle(scm);
		return PD_ENOMEM;
	}
	do {
		const ENUM_SERVICE_STATUS_PROCESSW *e =
			(const ENUM_SERVICE_STATUS_PROCESSW *)buf;

		count = 0;
		ok = EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32,
		                           SERVICE_ACTIVE, buf, BUF_SIZE, &needed,
		                           &count, &resume, NULL);
		if (!ok && GetLastError() != ERROR_MORE_DATA)
			break;
		for (i = 0; i < count && rc == 0; i++) {
			pd_win_service *sv;
			char *name;

			if (e[i].ServiceStatusProcess.dwProcessId == 0)
				continue;
			sv = grow(ps->services, ps->n_services, sizeof(*sv));
			if (!sv) {
				rc = PD_ENOMEM;
				break;
			}
			ps->services = sv;
			name = pd__win_utf8(e[i].lpServiceName, -1);
			if (!name) {
				rc = PD_ENOMEM;
				break;
			}
			sv[ps->n_services].pid = e[i].ServiceStatusProcess.dwProcessId;
			sv[ps->n_services].name = name;
			ps->n_services++;
		}
	} while (!ok && rc == 0 && count > 0);
	free(buf);
	CloseServiceHandle(scm);
	return rc;
}

/* "svc1, svc2" for the services pid hosts, or NULL (also on no memory:
 * the caller cannot tell, and a missing service name is harmless). */
static char *services_of(const pd_win_procs *ps, DWORD pid)
{
	pd_buf b;
	size_t i;

	pd_buf_init(&b, 64 * 1024);
	for (i = 0; i < ps->n_services; i++) {
		if (ps->services[i].pid != pid)
			continue;
		if (b.len)
			pd_buf_puts(&b, ", ");
		pd_buf_puts(&b, ps->services[i].name);
	}
	if (b.len == 0 || pd_buf_error(&b)) {
		pd_buf_done(&b);
		return NULL;
	}
	return pd_buf_steal(&b);
}

typedef NTSTATUS(NTAPI *nqip_fn)(HANDLE, ULONG, PVOID, ULONG, PULONG);

/* ProcessCommandLineInformation (60) is undocumented and only answers on
 * Windows 8.1 and later; reading the PEB instead would need
 * PROCESS_VM_READ, which we rarely have.  Resolved at run time so that a
 * system without it only loses the command line. */
static char *read_cmdline(HANDLE h)
{
	/* ntdll is mapped into every process; looking the function up per
	 * call is cheap and needs no shared state between threads. */
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");
	nqip_fn nqip = NULL;
	ULONG len = 1024, got = 0;
	NTSTATUS st;
	BYTE *buf;
	const UNICODE_STRING *us;
	char *s = NULL;
	size_t end;

	if (nt)
		nqip = (nqip_fn)(void (*)(void))GetProcAddress(
			nt, "NtQueryInformationProcess");
	if (!nqip)
		return NULL;
	for (;;) {
		buf = malloc(len);
		if (!buf)
			return NULL;
		st = nqip(h, 60, buf, len, &got);
		if (st >= 0)
			break;
		free(buf);
		/* STATUS_INFO_LENGTH_MISMATCH: got says how much is needed. */
		if ((ULONG)st != 0xC0000004UL || got <= len || got > CMDLINE_MAX)
			return NULL;
		len = got;
	}
	us = (const UNICODE_STRING *)(void *)buf;
	/* The string must lie inside what was returned. */
	if (us->Buffer && us->Length > 0 && (const BYTE *)us->Buffer >= buf) {
		end = (size_t)((const BYTE *)us->Buffer - buf) + us->Length;
		if (end <= len)
			s = pd__win_utf8(us->Buffer, (int)(us->Length / 2));
	}
	free(buf);
	return s;
}

/* "DOMAIN\user" of the process token, or NULL. */
static char *read_user(HANDLE h)
{
	HANDLE tok;
	/* A TOKEN_USER is a pointer plus a SID of at most 68 bytes; the union
	 * keeps the buffer aligned for the pointer. */
	union {
		TOKEN_USER tu;
		BYTE raw[256];
	} u;
	wchar_t name[256], dom[256], full[514];
	DWORD got, nlen = 256, dlen = 256;
	SID_NAME_USE use;
	char *s = NULL;

	if (!OpenProcessToken(h, TOKEN_QUERY, &tok))
		return NULL;
	if (GetTokenInformation(tok, TokenUser, &u, sizeof(u), &got) &&
	    LookupAccountSidW(NULL, u.tu.User.Sid, name,
	                      &nlen, dom, &dlen, &use)) {
		if (dlen > 0) {
			memcpy(full, dom, dlen * sizeof(wchar_t));
			full[dlen] = L'\\';
			memcpy(full + dlen + 1, name, (nlen + 1) * sizeof(wchar_t));
			s = pd__win_utf8(full, -1);
		} else {
			s = pd__win_utf8(name, -1);
		}
	}
	CloseHandle(tok);
	return s;
}

int64_t pd__win_process_start(HANDLE h)
{
	FILETIME c, e, k, u;
	ULARGE_INTEGER t;

	if (!GetProcessTimes(h, &c, &e, &k, &u))
		return -1;
	t.LowPart = c.dwLowDateTime;
	t.HighPart = c.dwHighDateTime;
	/* FILETIME counts 100 ns since 1601; the epoch is 11644473600 s on. */
	if (t.QuadPart < 116444736000000000ULL)
		return -1;
	return (int64_t)((t.QuadPart - 116444736000000000ULL) / 10000000ULL);
}

static char *read_exe(HANDLE h)
{
	wchar_t *w = pd__reallocarray(NULL, PATH_MAX_W, sizeof(*w));
	DWORD n = PATH_MAX_W;
	char *s = NULL;

	if (!w)
		return NULL;
	if (QueryFullProcessImageNameW(h, 0, w, &n) && n > 0)
		s = pd__win_utf8(w, (int)n);
	free(w);
	return s;
}

static void tmp_done(pd_process *p)
{
	free(p->name);
	free(p->exe);
	free(p->cmdline);
	free(p->user);
	free(p->service);
}

static int note_denied(pd_win_procs *ps, pd_snapshot *snap)
{
	if (ps->denied_noted)
		return 0;
	ps->denied_noted = true;
	return pd_snapshot_add_note(
		snap, "process_denied",
		snap->privileged
			? "some processes could not be opened; their path, command "
			  "line and user are missing"
			: "some processes could not be opened (not elevated); their "
			  "path, command line and user are missing");
}

int pd__win_procs_add(pd_win_procs *ps, pd_snapshot *snap, DWORD pid)
{
	const pd_win_proc *wp = find_proc(ps, pid);
	pd_process tmp, *p;
	HANDLE h;
	int rc;

	if (pd_snapshot_find_process(snap, (int)pid))
		return 0;
	if (!ps->services_read) {
		rc = load_services(ps);
		if (rc < 0)
			return rc;
	}
	memset(&tmp, 0, sizeof(tmp));
	tmp.pid = (int)pid;
	tmp.ppid = wp ? (int)wp->ppid : -1;
	tmp.uid = -1;
	tmp.start_time = -1;
	/* PID 4 is the kernel: it holds the listeners of kernel drivers,
	 * http.sys (IIS, WinRM, WSDAPI, SSDP...) but also SMB on 445 and
	 * NetBIOS on 139.  Which one is for diagnose to say, from the URLs
	 * netsh lists on the port. */
	if (pid == 4)
		tmp.name = pd__strdup("System (kernel)");
	else if (wp)
		tmp.name = pd__strdup(wp->name);
	h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
	if (h) {
		tmp.exe = read_exe(h);
		tmp.cmdline = read_cmdline(h);
		tmp.user = read_user(h);
		tmp.start_time = pd__win_process_start(h);
		CloseHandle(h);
	} else if (pid != 4) {
		rc = note_denied(ps, snap);
		if (rc < 0) {
			tmp_done(&tmp);
			return rc;
		}
	}
	tmp.service = services_of(ps, pid);
	if ((pid == 4 || wp) && !tmp.name) {
		tmp_done(&tmp);
		return PD_ENOMEM;
	}
	rc = pd_snapshot_add_process(snap, &p);
	if (rc < 0) {
		tmp_done(&tmp);
		return rc;
	}
	*p = tmp;
	return 0;
}
