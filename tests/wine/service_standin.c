/*
 * A stand-in Windows service for the `fix --apply` tests under Wine, which
 * has no WinNAT: registered in the throw-away prefix as "winnat", it makes
 * the probe see WinNAT running, as on a real machine.  It reports
 * SERVICE_RUNNING and stops when told to.  The service name is the
 * one the service manager passes (argv[0] of ServiceMain).
 */
#include <windows.h>
static SERVICE_STATUS_HANDLE h;
static SERVICE_STATUS st;
static HANDLE stop_ev;
static DWORD WINAPI ctrl(DWORD c, DWORD t, LPVOID d, LPVOID x)
{
	(void)t; (void)d; (void)x;
	if (c == SERVICE_CONTROL_STOP) {
		st.dwCurrentState = SERVICE_STOP_PENDING;
		SetServiceStatus(h, &st);
		SetEvent(stop_ev);
	}
	return NO_ERROR;
}
static void WINAPI svc_main(DWORD argc, LPWSTR *argv)
{
	(void)argc;
	h = RegisterServiceCtrlHandlerExW(argv[0], ctrl, NULL);
	st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	st.dwControlsAccepted = SERVICE_ACCEPT_STOP;
	st.dwCurrentState = SERVICE_RUNNING;
	stop_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	SetServiceStatus(h, &st);
	WaitForSingleObject(stop_ev, INFINITE);
	st.dwCurrentState = SERVICE_STOPPED;
	SetServiceStatus(h, &st);
}
int wmain(void)
{
	SERVICE_TABLE_ENTRYW t[] = {{(LPWSTR)L"", svc_main}, {NULL, NULL}};
	return StartServiceCtrlDispatcherW(t) ? 0 : 1;
}
