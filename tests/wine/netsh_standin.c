/*
 * A stand-in for netsh.exe in tests: prints a recorded netsh output byte
 * for byte, so the Windows probe can be tested under Wine (whose netsh
 * prints nothing) and on CI machines whose ranges are unknown.
 *
 * PORTDOCTOR_NETSH_FIXTURE names either a file, printed for every command,
 * or a folder holding one file per command, named from the arguments
 * `int <ipv4|ipv6> show <excludedportrange|dynamicport> <proto>`:
 * <ipv4|ipv6>-<excludedportrange|dynamicport>-<tcp|udp>.txt
 * ("protocol=" is dropped); `http show servicestate ...` reads
 * http-servicestate.txt and `interface portproxy show all`
 * portproxy-show-all.txt.  A missing per-command file prints nothing,
 * as Wine's netsh does.  Exit status 0, or 1 when the variable is unset or
 * the named file cannot be read.  PORTDOCTOR_NETSH_SLEEP_MS makes it wait
 * that long first, to test the probe's timeout.
 */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

static int print_file(const wchar_t *path, int missing_ok)
{
	char buf[4096];
	size_t n;
	FILE *f = _wfopen(path, L"rb");

	if (!f)
		return missing_ok ? 0 : 1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			break;
	fclose(f);
	return fflush(stdout) == 0 ? 0 : 1;
}

int wmain(int argc, wchar_t **argv)
{
	const wchar_t *fixture = _wgetenv(L"PORTDOCTOR_NETSH_FIXTURE");
	wchar_t path[1024];
	const wchar_t *proto;
	const wchar_t *sleep_ms = _wgetenv(L"PORTDOCTOR_NETSH_SLEEP_MS");
	DWORD attr;

	if (sleep_ms && *sleep_ms)
		Sleep((DWORD)wcstoul(sleep_ms, NULL, 10));
	if (!fixture || !*fixture)
		return 1;
	/* Text mode would turn LF into CRLF: the fixture must pass unchanged. */
	_setmode(_fileno(stdout), _O_BINARY);
	attr = GetFileAttributesW(fixture);
	if (attr == INVALID_FILE_ATTRIBUTES || !(attr & FILE_ATTRIBUTE_DIRECTORY))
		return print_file(fixture, 0);
	if (argc >= 4 && _wcsicmp(argv[1], L"http") == 0) {
		_snwprintf(path, sizeof(path) / sizeof(path[0]),
		           L"%ls\\http-servicestate.txt", fixture);
		path[sizeof(path) / sizeof(path[0]) - 1] = L'\0';
		return print_file(path, 1);
	}
	if (argc >= 5 && _wcsicmp(argv[2], L"portproxy") == 0) {
		_snwprintf(path, sizeof(path) / sizeof(path[0]),
		           L"%ls\\portproxy-show-%ls.txt", fixture, argv[4]);
		path[sizeof(path) / sizeof(path[0]) - 1] = L'\0';
		return print_file(path, 1);
	}
	if (argc < 6)
		return 0;
	proto = argv[5];
	if (wcsncmp(proto, L"protocol=", 9) == 0)
		proto += 9;
	if (_snwprintf(path, sizeof(path) / sizeof(path[0]), L"%ls\\%ls-%ls-%ls.txt",
	               fixture, argv[2], argv[4], proto) < 0)
		return 1;
	path[sizeof(path) / sizeof(path[0]) - 1] = L'\0';
	return print_file(path, 1);
}
