/*
 * The machine around the sockets: interface addresses, Windows version,
 * host name, elevation, and the context that explains excluded ranges
 * (WinNAT, Hyper-V, WSL, Docker Desktop).
 *
 * Each context field is 1, 0 or -1 (unknown).  A service that does not
 * exist is a firm 0; a service manager we cannot open leaves -1, because
 * "not seen" is then not "absent".
 */
#include "core/i18n.h"
#include "win.h"

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
		                            _("the interface addresses could not be "
		                            "read"));
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

static bool system_file_exists(const wchar_t *leaf)
{
	wchar_t path[MAX_PATH + 32];
	UINT n = GetSystemDirectoryW(path, MAX_PATH);
	DWORD attr;

	if (n == 0 || n >= MAX_PATH || wcslen(leaf) + n + 2 > MAX_PATH + 32)
		return false;
	path[n] = L'\\';
	wcscpy(path + n + 1, leaf);
	attr = GetFileAttributesW(path);
	return attr != INVALID_FILE_ATTRIBUTES &&
	       !(attr & FILE_ATTRIBUTE_DIRECTORY);
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
	int elevated, run, winnat, vmms, hns, lxss, docker;

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
	lxss = service_state(scm, L"LxssManager", &run);
	snap->wsl_present = tri_or(lxss, system_file_exists(L"wsl.exe") ? 1 : 0);
	docker = service_state(scm, L"com.docker.service", &run);
	snap->docker_desktop_present = tri_or(
		docker, ps->n && pd__win_procs_has_name(ps, "com.docker.backend.exe")
		            ? 1
		            : 0);
	if (scm)
		CloseServiceHandle(scm);
	if (elevated != 1)
		return pd_snapshot_add_note(
			snap, "not_elevated",
			"not running elevated: processes of other users and some "
			"services cannot be inspected");
	return 0;
}
