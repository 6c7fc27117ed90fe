/*
 * Readers of the WSL texts declared in wsl.h.  Pure; every reader takes
 * (text, len), never reads past len, and is locale-free.
 *
 * Sources for the formats:
 * - WSL 2 kernels report "5.15.167.4-microsoft-standard-WSL2", WSL 1 the
 *   Windows build "4.4.0-19041-Microsoft" (learn.microsoft.com/windows/wsl/
 *   compare-versions; microsoft/WSL#423 for the detection idea).
 * - wsl.conf ([interop] enabled, appendWindowsPath) and .wslconfig
 *   ([wsl2] networkingMode=mirrored|nat) are INI files
 *   (learn.microsoft.com/windows/wsl/wsl-config; .../networking for the
 *   modes).
 * - Windows drives are mounted as drvfs; WSL 2 shows them as 9p with
 *   "aname=drvfs;path=C:\" in the options, the source "C:\134" (the
 *   backslash escaped as in every /proc/mounts field) or "drvfs"; a
 *   source of that form is taken whatever the type (so a test can stage
 *   the drive as a tmpfs).
 */
#include <string.h>

#include "core/ascii.h"
#include "wsl.h"

/* Whether the lowercase needle occurs in s, ignoring ASCII case. */
static bool has_ci(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (pd__ascii_ieq(s + i, n, needle))
			return true;
	return false;
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int pd_wsl_kernel_version(const char *text, size_t len)
{
	if (!text || !has_ci(text, len, "microsoft"))
		return 0;
	if (has_ci(text, len, "wsl2") || has_ci(text, len, "microsoft-standard"))
		return 2;
	return 1;
}

/* Trims spaces, tabs, CR and one pair of quotes. */
static void trimmed(const char *s, size_t n, const char **ret, size_t *ret_n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n >= 2 && ((s[0] == '"' && s[n - 1] == '"') ||
	               (s[0] == '\'' && s[n - 1] == '\'')))
		s++, n -= 2;
	*ret = s;
	*ret_n = n;
}

/* w is lowercase; s is compared ignoring ASCII case. */
static bool word_is(const char *s, size_t n, const char *w)
{
	return s && pd__ascii_ieq(s, n, w);
}

bool pd_wsl_ini_get(const char *text, size_t len, const char *section,
                    const char *key, char *out, size_t outsize)
{
	size_t pos = 0;
	bool in = false, found = false;

	while (text && pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *t, *eq;
		size_t tn;

		pos += n + (nl ? 1 : 0);
		trimmed(line, n, &t, &tn);
		if (!tn || *t == '#' || *t == ';')
			continue;
		if (*t == '[') {
			const char *end = memchr(t, ']', tn);
			const char *name;
			size_t nn;

			if (end) {
				trimmed(t + 1, (size_t)(end - t - 1), &name, &nn);
				in = word_is(name, nn, section);
			} else {
				in = false;
			}
			continue;
		}
		eq = in ? memchr(t, '=', tn) : NULL;
		if (eq) {
			const char *k, *v;
			size_t kn, vn;

			trimmed(t, (size_t)(eq - t), &k, &kn);
			if (!word_is(k, kn, key))
				continue;
			trimmed(eq + 1, tn - (size_t)(eq - t) - 1, &v, &vn);
			/* A comment after the value ("mirrored # new"). */
			for (size_t i = 0; i < vn; i++)
				if ((v[i] == '#' || v[i] == ';') &&
				    (i == 0 || v[i - 1] == ' ' || v[i - 1] == '\t')) {
					trimmed(v, i, &v, &vn);
					break;
				}
			if (outsize) {
				size_t c = vn < outsize - 1 ? vn : outsize - 1;

				memcpy(out, v, c);
				out[c] = '\0';
			}
			found = true;
		}
	}
	return found;
}

int pd_wsl_ini_bool(const char *v)
{
	size_t n = v ? strlen(v) : 0;

	if (word_is(v, n, "true") || word_is(v, n, "1") || word_is(v, n, "yes"))
		return 1;
	if (word_is(v, n, "false") || word_is(v, n, "0") || word_is(v, n, "no"))
		return 0;
	return -1;
}

pd_wsl_netmode pd_wsl_netmode_parse(const char *text, size_t len, char *name,
                                    size_t namesize)
{
	const char *t;
	size_t n, i;

	if (namesize)
		*name = '\0';
	if (!text)
		return PD_WSL_NET_UNKNOWN;
	trimmed(text, len, &t, &n);
	/* One word on the first line. */
	for (i = 0; i < n; i++)
		if (t[i] == '\n' || t[i] == '\r' || t[i] == ' ')
			break;
	n = i;
	if (!n || n >= 24)
		return PD_WSL_NET_UNKNOWN;
	for (i = 0; i < n; i++)
		if (!is_alpha((unsigned char)t[i]))
			return PD_WSL_NET_UNKNOWN;
	if (namesize) {
		size_t c = n < namesize - 1 ? n : namesize - 1;

		for (i = 0; i < c; i++)
			name[i] = (char)pd__ascii_lower((unsigned char)t[i]);
		name[c] = '\0';
	}
	if (word_is(t, n, "nat"))
		return PD_WSL_NET_NAT;
	if (word_is(t, n, "mirrored"))
		return PD_WSL_NET_MIRRORED;
	return PD_WSL_NET_OTHER;
}

/* Field k (0-based) of a /proc/mounts line, undecoded. */
static bool field(const char *line, size_t n, int k, const char **ret,
                  size_t *ret_n)
{
	size_t i = 0;

	for (;;) {
		size_t start;

		while (i < n && line[i] == ' ')
			i++;
		start = i;
		while (i < n && line[i] != ' ')
			i++;
		if (start == i)
			return false;
		if (k-- == 0) {
			*ret = line + start;
			*ret_n = i - start;
			return true;
		}
	}
}

/* Decodes /proc/mounts' octal escapes (\040 space, \134 backslash). */
static bool unescape(const char *s, size_t n, char *out, size_t outsize)
{
	size_t o = 0, i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 3 < n && s[i + 1] >= '0' &&
		    s[i + 1] <= '3' && s[i + 2] >= '0' &&
		    s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
			           (s[i + 3] - '0'));
			i += 3;
		}
		if (!c || o + 1 >= outsize)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return o > 0;
}

bool pd_wsl_drive_mount(const char *text, size_t len, char *out,
                        size_t outsize)
{
	size_t pos = 0;
	bool any = false;

	while (text && pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *src, *dir, *type, *opts;
		size_t sn, dn, tn, on;
		bool drvfs, c_drive;
		char path[256];

		pos += n + (nl ? 1 : 0);
		if (!field(line, n, 0, &src, &sn) || !field(line, n, 1, &dir, &dn) ||
		    !field(line, n, 2, &type, &tn) || !field(line, n, 3, &opts, &on))
			continue;
		/* The source names the drive too ("C:\134", "drvfs"), whatever
		 * the file system type says. */
		drvfs = word_is(type, tn, "drvfs") ||
		        (word_is(type, tn, "9p") && has_ci(opts, on, "aname=drvfs")) ||
		        word_is(src, sn, "drvfs") ||
		        ((sn == 2 || (sn == 6 && memcmp(src + 2, "\\134", 4) == 0)) &&
		         is_alpha((unsigned char)src[0]) && src[1] == ':');
		if (!drvfs || !unescape(dir, dn, path, sizeof(path)))
			continue;
		c_drive = (sn >= 2 && pd__ascii_ieq(src, 2, "c:")) ||
		          has_ci(opts, on, "path=c:");
		if (c_drive || !any) {
			if (strlen(path) >= outsize)
				continue;
			memcpy(out, path, strlen(path) + 1);
			any = true;
			if (c_drive)
				return true;
		}
	}
	return any;
}

bool pd_wsl_windows_path(const char *w, const char *mount_root, char *out,
                         size_t outsize)
{
	size_t n, r, i, o, base;

	if (!w || !mount_root || !is_alpha((unsigned char)w[0]) ||
	    w[1] != ':')
		return false;
	n = strlen(w);
	r = strlen(mount_root);
	if (r + n + 2 > outsize)
		return false;
	memcpy(out, mount_root, r);
	o = r;
	if (o && out[o - 1] == '/')
		o--;
	out[o++] = '/';
	out[o++] = (char)pd__ascii_lower((unsigned char)w[0]);
	base = o;
	for (i = 2; i < n; i++)
		out[o++] = w[i] == '\\' ? '/' : w[i];
	if (o > base && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	return true;
}
