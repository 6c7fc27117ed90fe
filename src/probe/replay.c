/*
 * The replay backend: a snapshot recorded by `portdoctor snapshot` stands
 * in for the machine (as iproute2's ss replays a dump through TCPDIAG_FILE).
 * Linked on every OS; the e2e tests run on it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "probe.h"

int pd_probe_read_file(const char *path, size_t max, char *err,
                       size_t errsize, char **ret, size_t *ret_len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL, *p;
	size_t len = 0, cap = 0, n;
	int r = 0;

	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? PD_ENOENT :
		       errno == EACCES ? PD_EACCES : PD_EIO;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			/* One byte past max tells a too-big file; never more. */
			if (cap > max + 1)
				cap = max + 1;
			p = realloc(buf, cap + 1);
			if (!p) {
				r = PD_ENOMEM;
				break;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len > max) {
			if (max >= (1u << 20))
				snprintf(err, errsize, _("%s: larger than %zu MiB"), path,
				         max >> 20);
			else
				snprintf(err, errsize, _("%s: larger than %zu bytes"), path,
				         max);
			r = PD_ETOOBIG;
			break;
		}
		if (n == 0) {
			if (ferror(f)) {
				snprintf(err, errsize, _("%s: read error"), path);
				r = PD_EIO;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

int pd_probe_replay(const char *path, char *err, size_t errsize,
                    pd_snapshot **ret)
{
	char *text = NULL, detail[256] = "";
	size_t len = 0;
	int r = pd_probe_read_file(path, PD_SNAPSHOT_MAX_BYTES, err, errsize,
	                           &text, &len);

	if (r < 0)
		return r;
	r = pd_snapshot_from_json(text, len, detail, sizeof(detail), ret);
	if (r < 0)
		snprintf(err, errsize, "%s: %s", path, detail);
	free(text);
	return r;
}
