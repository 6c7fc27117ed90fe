/*
 * .wslconfig: the one setting portdoctor needs, networkingMode.
 *
 * The file is INI-like (https://learn.microsoft.com/en-us/windows/wsl/wsl-config,
 * ".wslconfig"): "[section]" lines, "key = value" lines, comments from
 * '#' to the end of the line.  networkingMode belongs to [wsl2]; WSL 2.0
 * read it from [experimental] (the documentation's first version of
 * mirrored mode, and many pasted files still have it there), so that
 * place counts when [wsl2] does not set it.  Keys and values are compared
 * without case ("Mirrored" occurs in real files); a value may be quoted.
 * Of several assignments the last one wins.  A UTF-8 byte order mark
 * (Notepad writes one) is skipped.
 */
#include "wsl.h"

#include <string.h>

typedef struct span {
	const char *p;
	size_t n;
} span;

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static span trim(span s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* ASCII-only case folding: tolower() depends on the locale. */
static bool ieq(span s, const char *word)
{
	size_t i, n = strlen(word);

	if (s.n != n)
		return false;
	for (i = 0; i < n; i++) {
		char c = s.p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return true;
}

static pd_wsl_netmode mode_of(span v)
{
	if (v.n >= 2 && ((v.p[0] == '"' && v.p[v.n - 1] == '"') ||
	                 (v.p[0] == '\'' && v.p[v.n - 1] == '\''))) {
		v.p++;
		v.n -= 2;
		v = trim(v);
	}
	if (ieq(v, "mirrored"))
		return PD_WSL_NET_MIRRORED;
	if (v.n == 0 || ieq(v, "nat"))
		return PD_WSL_NET_NAT;
	return PD_WSL_NET_OTHER;
}

enum { SEC_OTHER, SEC_WSL2, SEC_EXPERIMENTAL };

int pd_wslconfig_netmode(const char *text, size_t len,
                         pd_wsl_netmode *ret_mode)
{
	pd_wsl_netmode in_wsl2 = PD_WSL_NET_NAT, in_exp = PD_WSL_NET_NAT;
	bool set_wsl2 = false, set_exp = false;
	int sec = SEC_OTHER;
	size_t i = 0;

	if (!text || !ret_mode)
		return PD_EINVAL;
	if (len > PD_WSLCONFIG_MAX_INPUT)
		return PD_ETOOBIG;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		span line = {text + i, nl ? (size_t)(nl - (text + i)) : len - i};
		const char *hash = memchr(line.p, '#', line.n);
		const char *eq;
		span key, value;

		i += line.n + 1;
		if (hash)
			line.n = (size_t)(hash - line.p);
		line = trim(line);
		if (line.n >= 2 && line.p[0] == '[' && line.p[line.n - 1] == ']') {
			span name = trim((span){line.p + 1, line.n - 2});

			sec = ieq(name, "wsl2") ? SEC_WSL2 :
			      ieq(name, "experimental") ? SEC_EXPERIMENTAL : SEC_OTHER;
			continue;
		}
		eq = memchr(line.p, '=', line.n);
		if (!eq || sec == SEC_OTHER)
			continue;
		key = trim((span){line.p, (size_t)(eq - line.p)});
		value = trim((span){eq + 1, (size_t)(line.p + line.n - eq - 1)});
		if (!ieq(key, "networkingmode"))
			continue;
		if (sec == SEC_WSL2) {
			in_wsl2 = mode_of(value);
			set_wsl2 = true;
		} else {
			in_exp = mode_of(value);
			set_exp = true;
		}
	}
	*ret_mode = set_wsl2 ? in_wsl2 : set_exp ? in_exp : PD_WSL_NET_NAT;
	return 0;
}
