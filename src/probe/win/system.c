/*
 * The machine around the sockets: interface addresses, Windows version,
 * host name, elevation, and the context that explains excluded ranges
 * (WinNAT, Hyper-V, WSL and its networking mode, Docker Desktop).
 *
 * Each context field is 1, 0 or -1 (unknown).  A service that does not
 * exist is a firm 0; a service manager we cannot open leaves -1, because
 * "not seen" is then not "absent".
 *
 * WSL counts as present when it can run something: a registered
 * distribution, or its service (WslService for WSL from the Store,
 * LxssManager for the inbox feature).  wsl.exe in System32 proves nothing:
 * Windows 10 2004+ and 11 ship it as a stub that offers to install WSL
 * (https://learn.microsoft.com/en-us/windows/wsl/install: "wsl --install"
 * works on a machine without WSL).  Distributions are registered per user
 * under HKCU\Software\Microsoft\Windows\CurrentVersion\Lxss, one
 * subkey each; Microsoft does not document the key (it is what
 * `wsl --list` reads, see patrickwu.space "WSL-related Registry"), so an
 * unreadable key only leaves the services to decide.
 *
 * Docker Desktop counts as present when it is installed (its uninstall
 * entry, or Docker Desktop.exe under Program Files) or running (its
 * service, or its backend process: com.docker.backend.exe since 4.x,
 * "Docker Desktop.exe", vpnkit.exe before); com.docker.service alone
 * misses installs that run without it.
 */
#include "win.h"
#include "wsl/wsl.h"

#include <iphlpapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* A machine with thousands of addresses is possible (Hyper-V hosts); more
 * than this is not. */
#define ADAPTERS_MAX (16u * 1024u * 1024u)

/* The size GetAdaptersAddresses asks for can grow before the second call
 * (an adapter comes up in between), so the call is retried with the new
 * size a few times, as libuv does in uv_interface_addresses. */
static int read_adapters(IP_ADAPTER_ADDRESSES **ret)
{
	ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST |
	              GAA_FLAG_SKIP_DNS_SERVER;
	ULONG size = 16 * 1024, rc = ERROR_BUFFER_OVERFLOW;
	IP_ADAPTER_ADDRESSES *buf = NULL;
	int tries;

	for (tries = 0; tries < 5 && rc == ERROR_BUFFER_OVERFLOW; tries++) {
		void *nb;

		if (size > ADAPTERS_MAX)
			break;
		nb = realloc(buf, size);
		if (!nb) {
			free(buf);
			return PD_ENOMEM;
		}
		buf = nb;
		rc = GetAdaptersAddresses(AF_UNSPEC, flags, NULL, buf, &size);
	}
	if (rc == ERROR_NO_DATA) {
		free(buf);
		*ret = NULL;
		return 0;
	}
	if (rc != NO_ERROR) {
		free(buf);
		return PD_EIO;
	}
	*ret = buf;
	return 0;
}

static bool sockaddr_to_pd(const SOCKADDR *sa, pd_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		a->family = PD_FAMILY_V4;
		memcpy(a->bytes, &in->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		a->family = PD_FAMILY_V6;
		memcpy(a->bytes, &in6->sin6_addr, 16);
		a->scope_id = in6->sin6_scope_id;
		return true;
	}
	return false;
}

int pd__win_addrs(pd_snapshot *snap)
{
	IP_ADAPTER_ADDRESSES *list = NULL, *ad;
	int rc = read_adapters(&list);

	if (rc == PD_ENOMEM)
		return rc;
	if (rc < 0)
		return pd_snapshot_add_note(snap, "addresses_failed",
		                            "the interface addresses could not be "
		                            "read");
	for (ad = list; ad && rc == 0; ad = ad->Next) {
		IP_ADAPTER_UNICAST_ADDRESS *u;
		char *name = pd__win_utf8(ad->FriendlyName, -1);

		if (!name) {
			rc = PD_ENOMEM;
			break;
		}
		for (u = ad->FirstUnicastAddress; u && rc == 0; u = u->Next) {
			pd_addr a;

			if (!u->Address.lpSockaddr ||
			    !sockaddr_to_pd(u->Address.lpSockaddr, &a))
				continue;
			rc = pd_snapshot_add_addr(snap, name, &a,
			                          (int)u->OnLinkPrefixLength,
			                          ad->OperStatus == IfOperStatusUp);
		}
		free(name);
	}
	free(list);
	return rc;
}

/* ------------------------------------------------------------- context */

/* 1 exists, 0 does not, -1 cannot tell.  *ret_running gets 1/0/-1 too. */
static int service_state(SC_HANDLE scm, const wchar_t *name, int *ret_running)
{
	SERVICE_STATUS st;
	SC_HANDLE svc;

	*ret_running = -1;
	if (!scm)
		return -1;
	svc = OpenServiceW(scm, name, SERVICE_QUERY_STATUS);
	if (!svc) {
		DWORD e = GetLastError();

		if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
			*ret_running = 0;
			return 0;
		}
		/* ERROR_ACCESS_DENIED still proves the service exists. */
		return e == ERROR_ACCESS_DENIED ? 1 : -1;
	}
	if (QueryServiceStatus(svc, &st))
		*ret_running = st.dwCurrentState == SERVICE_RUNNING ? 1 : 0;
	CloseServiceHandle(svc);
	return 1;
}

/* Combines two tri-state answers with "or": 1 wins, then -1, then 0. */
static int tri_or(int a, int b)
{
	if (a == 1 || b == 1)
		return 1;
	if (a < 0 || b < 0)
		return -1;
	return 0;
}

/* 1 when a registry key exists (and, with subkeys, has one), 0 when it
 * does not, -1 when it cannot be read. */
static int reg_key(HKEY root, const wchar_t *path, bool need_subkey)
{
	DWORD n = 0;
	HKEY k;
	LONG rc = RegOpenKeyExW(root, path, 0, KEY_READ, &k);

	if (rc == ERROR_FILE_NOT_FOUND)
		return 0;
	if (rc != ERROR_SUCCESS)
		return -1;
	if (need_subkey)
		rc = RegQueryInfoKeyW(k, NULL, NULL, NULL, &n, NULL, NULL, NULL,
		                      NULL, NULL, NULL, NULL);
	RegCloseKey(k);
	if (rc != ERROR_SUCCESS)
		return -1;
	return !need_subkey || n > 0 ? 1 : 0;
}

/* A file named by a path with %VARIABLES% in it exists. */
static bool file_exists(const wchar_t *templ)
{
	wchar_t path[MAX_PATH + 1];
	DWORD n = ExpandEnvironmentStringsW(templ, path, MAX_PATH + 1);
	DWORD attr;

	if (n == 0 || n > MAX_PATH + 1)
		return false;
	attr = GetFileAttributesW(path);
	return attr != INVALID_FILE_ATTRIBUTES &&
	       !(attr & FILE_ATTRIBUTE_DIRECTORY);
}

static int wsl_present(SC_HANDLE scm)
{
	int run;
	int distros = reg_key(HKEY_CURRENT_USER,
	                      L"Software\\Microsoft\\Windows\\CurrentVersion\\Lxss",
	                      true);
	int store = service_state(scm, L"WslService", &run);
	int inbox = service_state(scm, L"LxssManager", &run);

	return tri_or(distros, tri_or(store, inbox));
}

static int docker_desktop_present(SC_HANDLE scm, const pd_win_procs *ps)
{
	static const char *const procs[] = {"com.docker.backend.exe",
	                                    "Docker Desktop.exe", "vpnkit.exe"};
	int run, svc = service_state(scm, L"com.docker.service", &run);
	int installed = reg_key(
		HKEY_LOCAL_MACHINE,
		L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\"
		L"Docker Desktop",
		false);
	size_t i;

	if (installed != 1 &&
	    file_exists(L"%ProgramFiles%\\Docker\\Docker\\Docker Desktop.exe"))
		installed = 1;
	for (i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
		if (ps->n && pd__win_procs_has_name(ps, procs[i]))
			return 1;
	return tri_or(svc, installed);
}

/* The networking mode %UserProfile%\.wslconfig sets
 * (https://learn.microsoft.com/en-us/windows/wsl/wsl-config): 1 mirrored,
 * 0 not (no file is the default, NAT), -1 unreadable.  Read as bytes and
 * parsed by src/wsl. */
static int wsl_mirrored(void)
{
	wchar_t path[MAX_PATH + 1];
	DWORD n = ExpandEnvironmentStringsW(L"%UserProfile%\\.wslconfig", path,
	                                    MAX_PATH + 1);
	char buf[64 * 1024];
	DWORD got = 0;
	pd_wsl_netmode mode;
	HANDLE h;
	BOOL ok;

	if (n == 0 || n > MAX_PATH + 1 || wcschr(path, L'%'))
		return -1;
	h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
	                NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : -1;
	ok = ReadFile(h, buf, sizeof(buf), &got, NULL);
	CloseHandle(h);
	if (!ok || pd_wslconfig_netmode(buf, got, &mode) < 0)
		return -1;
	return mode == PD_WSL_NET_MIRRORED;
}

static int is_elevated(void)
{
	TOKEN_ELEVATION te;
	HANDLE tok;
	DWORD got;
	int r = -1;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return -1;
	if (GetTokenInformation(tok, TokenElevation, &te, sizeof(te), &got))
		r = te.TokenIsElevated ? 1 : 0;
	CloseHandle(tok);
	return r;
}

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);

/* "10.0.22631": GetVersionEx lies to programs without a manifest, so ask
 * ntdll's RtlGetVersion, resolved at run time. */
static char *os_version(void)
{
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");
	rtl_get_version_fn fn = NULL;
	OSVERSIONINFOW vi;
	char buf[64];

	if (nt)
		fn = (rtl_get_version_fn)(void (*)(void))GetProcAddress(
			nt, "RtlGetVersion");
	memset(&vi, 0, sizeof(vi));
	vi.dwOSVersionInfoSize = sizeof(vi);
	if (!fn || fn(&vi) != 0)
		return pd__strdup("");
	snprintf(buf, sizeof(buf), "%lu.%lu.%lu", (unsigned long)vi.dwMajorVersion,
	         (unsigned long)vi.dwMinorVersion, (unsigned long)vi.dwBuildNumber);
	return pd__strdup(buf);
}

static char *host_name(void)
{
	wchar_t w[256];
	DWORD n = 256;

	if (!GetComputerNameExW(ComputerNameDnsHostname, w, &n))
		return pd__strdup("");
	return pd__win_utf8(w, (int)n);
}

int pd__win_context(pd_snapshot *snap, const pd_win_procs *ps)
{
	SC_HANDLE scm;
	int elevated, run, winnat, vmms, hns;

	snap->os = pd__strdup("windows");
	snap->os_detail = os_version();
	snap->hostname = host_name();
	if (!snap->os || !snap->os_detail || !snap->hostname)
		return PD_ENOMEM;
	elevated = is_elevated();
	snap->privileged = elevated == 1;
	/* Windows has no privileged ports: any user may bind below 1024. */
	snap->can_bind_privileged = true;
	snap->uid = -1;

	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	winnat = service_state(scm, L"winnat", &run);
	snap->winnat_running = winnat == 0 ? 0 : run;
	vmms = service_state(scm, L"vmms", &run);
	hns = service_state(scm, L"hns", &run);
	snap->hyperv_present = tri_or(vmms, hns);
	snap->wsl_present = wsl_present(scm);
	snap->wsl_mirrored = snap->wsl_present == 0 ? 0 : wsl_mirrored();
	snap->docker_desktop_present = docker_desktop_present(scm, ps);
	if (scm)
		CloseServiceHandle(scm);
	if (elevated != 1)
		return pd_snapshot_add_note(
			snap, "not_elevated",
			"not running elevated: processes of other users and some "
			"services cannot be inspected");
	return 0;
}
