/*
 * The Windows console: arguments in UTF-8, text out through the console's
 * own UTF-16 interface, colour only where the console understands it, the
 * double-click case, and running portdoctor again elevated.  Built only
 * for Windows (src/cli/meson.build); cli.h gives the other systems
 * no-op versions.
 *
 * Why each part exists:
 *   - main()'s argv is in the ANSI code page, so Chinese arguments arrive
 *     as "????" on a machine whose code page lacks them.  The command line
 *     is taken as UTF-16 (GetCommandLineW) and split by CommandLineToArgvW
 *     (https://learn.microsoft.com/en-us/windows/win32/api/shellapi/nf-shellapi-commandlinetoargvw),
 *     then made UTF-8 (src/core/utf16.c).
 *   - Bytes written to a console are read in its output code page (often
 *     437, 850 or 936), so UTF-8 shows as mojibake.  WriteConsoleW takes
 *     UTF-16 whatever the code page
 *     (https://learn.microsoft.com/en-us/windows/console/writeconsole).
 *     It works only on a console handle, so a redirected stream (GetConsoleMode
 *     fails on it) gets the UTF-8 bytes unchanged.
 *   - Escape codes show as garbage on a console without
 *     ENABLE_VIRTUAL_TERMINAL_PROCESSING; colour is used only once
 *     SetConsoleMode has turned it on
 *     (https://learn.microsoft.com/en-us/windows/console/setconsolemode).
 *   - A program started from Explorer gets a console of its own that closes
 *     with it; GetConsoleProcessList then lists only this process
 *     (https://learn.microsoft.com/en-us/windows/console/getconsoleprocesslist).
 *   - ShellExecuteEx with the "runas" verb starts a program elevated after
 *     the UAC prompt; SEE_MASK_NOCLOSEPROCESS gives its handle to wait on,
 *     and ERROR_CANCELLED means the user said no
 *     (https://learn.microsoft.com/en-us/windows/win32/api/shellapi/nf-shellapi-shellexecuteexw,
 *     https://learn.microsoft.com/en-us/windows/win32/api/shellapi/ns-shellapi-shellexecuteinfow).
 */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <shellapi.h>
#include <conio.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli.h"
#include "core/utf16.h"

int cli_os_args(int *argc, char ***argv)
{
	/* Kept for the life of the process, as the C runtime keeps its own
	 * argv. */
	static char **v;
	wchar_t **wv;
	int n, i;

	wv = CommandLineToArgvW(GetCommandLineW(), &n);
	if (!wv || n < 1)
		return -1;
	v = calloc((size_t)n + 1, sizeof(*v));
	for (i = 0; v && i < n; i++) {
		v[i] = pd__utf16_to_utf8((const uint16_t *)wv[i], wcslen(wv[i]),
		                         NULL);
		if (!v[i]) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			v = NULL;
		}
	}
	LocalFree(wv);
	if (!v)
		return -1;
	*argc = n;
	*argv = v;
	return 0;
}

static HANDLE handle_of(FILE *f)
{
	if (f == stdout)
		return GetStdHandle(STD_OUTPUT_HANDLE);
	if (f == stderr)
		return GetStdHandle(STD_ERROR_HANDLE);
	return INVALID_HANDLE_VALUE;
}

static bool is_console(HANDLE h)
{
	DWORD mode;

	return h != INVALID_HANDLE_VALUE && h != NULL && GetConsoleMode(h, &mode);
}

int cli_console_write(FILE *f, const char *s, size_t n)
{
	HANDLE h = handle_of(f);
	uint16_t *w;
	size_t nw, off = 0;
	bool ok = true;

	if (!is_console(h))
		return 0;
	w = pd__utf8_to_utf16(s, n, &nw);
	if (!w)
		return -1;
	fflush(f);
	/* Pieces of 8 Ki units: old consoles fail on very large writes.  A
	 * piece never ends between the two halves of a surrogate pair. */
	while (ok && off < nw) {
		DWORD put = 0, want = (DWORD)(nw - off < 8192 ? nw - off : 8192);

		if (want > 1 && off + want < nw && w[off + want - 1] >= 0xD800 &&
		    w[off + want - 1] <= 0xDBFF)
			want--;
		ok = WriteConsoleW(h, (const wchar_t *)w + off, want, &put, NULL) &&
		     put > 0;
		off += put;
	}
	free(w);
	return ok ? 1 : -1;
}

/* Typed or pasted text, line by line (ReadConsoleW in the console's line
 * mode), up to Ctrl-Z (typed, then Enter) or the end of input
 * (https://learn.microsoft.com/en-us/windows/console/readconsole). */
int cli_console_read(size_t max, char **ret, size_t *ret_len)
{
	HANDLE h = GetStdHandle(STD_INPUT_HANDLE);
	wchar_t chunk[1024];
	uint16_t *all = NULL;
	size_t n = 0;
	DWORD got;
	bool done = false;
	char *s;

	if (!is_console(h))
		return 0;
	while (!done && ReadConsoleW(h, chunk, 1024, &got, NULL) && got > 0) {
		uint16_t *grown;
		DWORD i;

		for (i = 0; i < got && chunk[i] != 0x1A; i++)
			;
		done = i < got;
		got = i;
		if (n + got > max) {
			free(all);
			return -1;
		}
		grown = realloc(all, (n + got) * sizeof(*all));
		if (!grown) {
			free(all);
			return -1;
		}
		all = grown;
		memcpy(all + n, chunk, got * sizeof(*all));
		n += got;
	}
	s = pd__utf16_to_utf8(all ? all : (const uint16_t *)L"", n, ret_len);
	free(all);
	if (!s)
		return -1;
	*ret = s;
	return 1;
}

bool cli_console_color_ok(void)
{
	HANDLE h = GetStdHandle(STD_OUTPUT_HANDLE);
	DWORD mode;

	if (!is_console(h))
		return true; /* a file or pipe: colour only when asked for */
	if (!GetConsoleMode(h, &mode))
		return false;
	if (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING)
		return true;
	return SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

bool cli_console_alone(void)
{
	DWORD list[2];

	return GetConsoleProcessList(list, 2) == 1;
}

int cli_console_key(void)
{
	wint_t c = _getwch();

	/* Function and arrow keys come as two reads: 0 or 0xE0, then a code. */
	if (c == 0 || c == 0xE0) {
		_getwch();
		return 0;
	}
	return (int)c;
}

/* What follows the program name on the command line, exactly as typed:
 * the program name is one quoted or unquoted word, as CommandLineToArgvW
 * reads argv[0]. */
static const wchar_t *args_after_program(const wchar_t *cl)
{
	if (*cl == L'"') {
		cl++;
		while (*cl && *cl != L'"')
			cl++;
		if (*cl)
			cl++;
	} else {
		while (*cl && *cl != L' ' && *cl != L'\t')
			cl++;
	}
	while (*cl == L' ' || *cl == L'\t')
		cl++;
	return cl;
}

static wchar_t *own_path(void)
{
	DWORD cap = MAX_PATH, n;
	wchar_t *p = NULL;

	for (;;) {
		wchar_t *np = realloc(p, cap * sizeof(*p));

		if (!np) {
			free(p);
			return NULL;
		}
		p = np;
		n = GetModuleFileNameW(NULL, p, cap);
		if (n == 0) {
			free(p);
			return NULL;
		}
		if (n < cap)
			return p;
		if (cap >= 32768) {
			free(p);
			return NULL;
		}
		cap *= 2;
	}
}

bool cli_elevated(void)
{
	TOKEN_ELEVATION te;
	HANDLE tok;
	DWORD got;
	bool r = false;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return false;
	if (GetTokenInformation(tok, TokenElevation, &te, sizeof(te), &got))
		r = te.TokenIsElevated != 0;
	CloseHandle(tok);
	return r;
}

bool cli_relaunched(void)
{
	return GetEnvironmentVariableW(L"PORTDOCTOR_RELAUNCHED", NULL, 0) > 0;
}

int cli_run_elevated(const char *args, int *ret_exit)
{
	SHELLEXECUTEINFOW sei;
	wchar_t *exe = own_path(), *params = NULL;
	uint16_t *conv = NULL;
	DWORD code = 0, err;
	BOOL ok;
	int r = -1;

	if (!exe)
		return -1;
	if (args) {
		conv = pd__utf8_to_utf16(args, strlen(args), NULL);
		params = (wchar_t *)conv;
	} else {
		params = (wchar_t *)args_after_program(GetCommandLineW());
	}
	if (!params)
		goto out;
	memset(&sei, 0, sizeof(sei));
	sei.cbSize = sizeof(sei);
	sei.fMask = SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC;
	sei.lpVerb = L"runas";
	sei.lpFile = exe;
	sei.lpParameters = params;
	sei.nShow = SW_SHOWNORMAL;
	/* Where the new process inherits this environment (no UAC prompt,
	 * e.g. UAC turned off), the mark keeps a run that is still not
	 * elevated from offering the same again: no chain of relaunches. */
	SetEnvironmentVariableW(L"PORTDOCTOR_RELAUNCHED", L"1");
	ok = ShellExecuteExW(&sei);
	err = GetLastError();
	SetEnvironmentVariableW(L"PORTDOCTOR_RELAUNCHED", NULL);
	if (!ok) {
		r = err == ERROR_CANCELLED ? 1 : -1;
		goto out;
	}
	if (!sei.hProcess)
		goto out;
	WaitForSingleObject(sei.hProcess, INFINITE);
	/* Read only once the process has ended: before that the code is
	 * STILL_ACTIVE, not a status. */
	if (GetExitCodeProcess(sei.hProcess, &code) && code != STILL_ACTIVE) {
		*ret_exit = (int)code;
		r = 0;
	}
	CloseHandle(sei.hProcess);
out:
	free(conv);
	free(exe);
	return r;
}
