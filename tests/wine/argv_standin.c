/*
 * A stand-in for net.exe and netsh.exe in the `fix --apply` test under
 * Wine: appends the argument vector it received to the file named by
 * PORTDOCTOR_ARGV_LOG, one line per run: the program's file name without
 * ".exe", then each argument in brackets ("netsh [int] [ipv4] [set] ..."),
 * UTF-8.  So the test checks exactly what CreateProcess delivered after
 * portdoctor's quoting and the C runtime's splitting.
 *
 * For `netsh int ipv4|ipv6 show ...` (the probe's queries) it also prints
 * the recorded output from PORTDOCTOR_NETSH_FIXTURE, a folder holding
 * <ipv4|ipv6>-<excludedportrange|dynamicport>-<tcp|udp>.txt, as
 * netsh_standin.c does.
 *
 * Failing on purpose, to test what portdoctor does after a failure:
 *   PORTDOCTOR_ARGV_FAIL=WORD[,WORD...]  a run with one of these words
 *                                        among its arguments fails;
 *   PORTDOCTOR_ARGV_FAIL_CODE=N          with exit status N (default 1);
 *   PORTDOCTOR_ARGV_FAIL_OUT=FILE        printing FILE's bytes as they are
 *                                        (a recorded net.exe or netsh.exe
 *                                        answer, in its code page).
 * So a net.exe that answers "NET HELPMSG 3521" is FAIL=stop, CODE=2 and
 * the recorded text.
 */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>

static void put_utf8(FILE *f, const wchar_t *w)
{
	char buf[4096];
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, sizeof(buf), NULL,
	                            NULL);

	if (n > 0)
		fputs(buf, f);
}

static void print_file(const wchar_t *path)
{
	char buf[4096];
	size_t n;
	FILE *f = _wfopen(path, L"rb");

	if (!f)
		return;
	_setmode(_fileno(stdout), _O_BINARY);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	fflush(stdout);
}

static void print_fixture(const wchar_t *dir, wchar_t **argv, int argc)
{
	wchar_t path[1024];
	const wchar_t *proto;

	if (argc < 6 || wcscmp(argv[3], L"show") != 0)
		return;
	proto = argv[5];
	if (wcsncmp(proto, L"protocol=", 9) == 0)
		proto += 9;
	if (_snwprintf(path, sizeof(path) / sizeof(path[0]),
	               L"%ls\\%ls-%ls-%ls.txt", dir, argv[2], argv[4], proto) < 0)
		return;
	path[sizeof(path) / sizeof(path[0]) - 1] = L'\0';
	print_file(path);
}

/* Whether arg is one of the comma-separated words of list. */
static int listed(const wchar_t *list, const wchar_t *arg)
{
	size_t n = wcslen(arg);
	const wchar_t *p = list;

	while (p && *p) {
		const wchar_t *e = wcschr(p, L',');
		size_t len = e ? (size_t)(e - p) : wcslen(p);

		if (len == n && wcsncmp(p, arg, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

int wmain(int argc, wchar_t **argv)
{
	const wchar_t *log = _wgetenv(L"PORTDOCTOR_ARGV_LOG");
	const wchar_t *fx = _wgetenv(L"PORTDOCTOR_NETSH_FIXTURE");
	const wchar_t *failw = _wgetenv(L"PORTDOCTOR_ARGV_FAIL");
	const wchar_t *base = argv[0], *p;
	wchar_t name[256];
	int i, rc = 0;
	FILE *f;

	for (p = argv[0]; *p; p++)
		if (*p == L'\\' || *p == L'/')
			base = p + 1;
	wcsncpy(name, base, 255);
	name[255] = L'\0';
	if (wcslen(name) > 4 && _wcsicmp(name + wcslen(name) - 4, L".exe") == 0)
		name[wcslen(name) - 4] = L'\0';
	if (log && *log && (f = _wfopen(log, L"ab")) != NULL) {
		put_utf8(f, name);
		for (i = 1; i < argc; i++) {
			fputs(" [", f);
			put_utf8(f, argv[i]);
			fputs("]", f);
			if (failw && *failw && listed(failw, argv[i]))
				rc = 1;
		}
		fputs("\n", f);
		fclose(f);
	}
	if (fx && *fx)
		print_fixture(fx, argv, argc);
	if (rc) {
		const wchar_t *out = _wgetenv(L"PORTDOCTOR_ARGV_FAIL_OUT");
		const wchar_t *code = _wgetenv(L"PORTDOCTOR_ARGV_FAIL_CODE");

		if (out && *out)
			print_file(out);
		else
			printf("stand-in: failing on purpose\n");
		if (code && *code)
			rc = (int)wcstol(code, NULL, 10);
	}
	return rc;
}
