/*
 * --from-netsh: a snapshot of a Windows machine built from netsh output
 * that a user pasted (a forum post, an issue, a chat), so `ranges` and
 * `check` can be run for them on any OS.
 *
 * The pasted text tells the port ranges, the URLs registered with http.sys
 * and the portproxy rules: the snapshot gets os "windows", what the parser
 * found, and notes
 * that say where the verdict comes from and what the paste does not show.
 * It has no sockets, processes, addresses or bind tests, so every check
 * result rests on that and carries a not_tested finding.  Each file
 * is read whole but never past the parser's ceiling (PD_NETSH_MAX_INPUT),
 * so a wrong file name (a disk image, /dev/zero) fails fast.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

#include "cli.h"
#include "core/i18n.h"
#include "netsh/netsh.h"

/* Reads up to PD_NETSH_MAX_INPUT bytes of path ("-" = standard input) into
 * a malloc'ed buffer.  Returns 0, PD_ETOOBIG, PD_ENOMEM, or PD_EIO with
 * errno kept for the message. */
static int read_bounded(const char *path, char **ret, size_t *ret_len)
{
	bool is_stdin = strcmp(path, "-") == 0;
	size_t cap = PD_NETSH_MAX_INPUT + 1, len = 0, got;
	char *data;
	FILE *f;
	int r = 0, saved;

	if (is_stdin) {
		f = stdin;
#ifdef _WIN32
		/* Text mode would drop the CRs and stop at a ^Z byte, and
		 * UTF-16 pastes (PowerShell '>') must arrive unchanged. */
		_setmode(_fileno(stdin), _O_BINARY);
#endif
	} else {
		f = fopen(path, "rb");
		if (!f)
			return PD_EIO;
	}
	data = malloc(cap);
	if (!data) {
		r = PD_ENOMEM;
		goto out;
	}
	while (len < cap && (got = fread(data + len, 1, cap - len, f)) > 0)
		len += got;
	if (ferror(f)) {
		r = PD_EIO;
	} else if (len > PD_NETSH_MAX_INPUT) {
		r = PD_ETOOBIG;
	} else {
		*ret = data;
		*ret_len = len;
		data = NULL;
	}
out:
	saved = errno;
	free(data);
	if (!is_stdin)
		fclose(f);
	errno = saved;
	return r;
}

static const char *shown_name(const char *path)
{
	return strcmp(path, "-") == 0 ? _("standard input") : path;
}

/* What the sections of all files said: which outputs were present. */
typedef struct seen {
	/* Excluded lists seen, by [proto][family] (0 = not said). */
	bool excl_of[3][3];
	bool excluded;
	bool dynamic;
	bool http;
	bool portproxy;
} seen;

static int add_file(const char *path, pd_snapshot *s, seen *sn)
{
	pd_netsh_result res;
	char *text = NULL;
	size_t len = 0, i;
	int r;

	r = read_bounded(path, &text, &len);
	if (r == PD_EIO) {
		cli_error(_("cannot read netsh output from %s: %s"),
		          shown_name(path), strerror(errno));
		return EXIT_USAGE;
	}
	if (r == PD_ETOOBIG) {
		cli_error(_("%s is larger than %u MiB: not a netsh output"),
		          shown_name(path), PD_NETSH_MAX_INPUT / (1024u * 1024u));
		return EXIT_USAGE;
	}
	if (r < 0) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	memset(&res, 0, sizeof(res));
	r = pd_netsh_parse(text, len, NULL, &res);
	free(text);
	if (r == PD_EPARSE) {
		cli_error(_("no netsh output recognised in %s: expected what `netsh "
		            "int ipv4 show excludedportrange protocol=tcp` or `netsh "
		            "int ipv4 show dynamicport tcp` print"),
		          shown_name(path));
		return EXIT_USAGE;
	}
	if (r < 0) {
		cli_error(_("cannot parse %s: %s"), shown_name(path),
		          pd_strerror(r));
		return r == PD_ENOMEM ? EXIT_PROBE : EXIT_USAGE;
	}
	for (i = 0; i < res.n_sections; i++) {
		switch (res.sections[i].kind) {
		case PD_NETSH_EXCLUDED:
			sn->excluded = true;
			sn->excl_of[res.sections[i].proto % 3]
			           [res.sections[i].family == PD_FAMILY_V4 ? 1 :
			            res.sections[i].family == PD_FAMILY_V6 ? 2 : 0] =
				true;
			break;
		case PD_NETSH_DYNAMIC:
			sn->dynamic = true;
			break;
		case PD_NETSH_HTTP:
			sn->http = true;
			break;
		case PD_NETSH_PORTPROXY:
			sn->portproxy = true;
			break;
		default:
			break;
		}
	}
	/* A section of unknown kind still gave rows of one shape or the
	 * other; count what arrived. */
	sn->excluded = sn->excluded || res.n_excluded;
	sn->dynamic = sn->dynamic || res.n_dynamic;
	if (res.n_bad_rows) {
		char msg[256];

		snprintf(msg, sizeof(msg),
		         ngettext("%s: %zu row with impossible numbers was "
		                  "skipped (the first on line %zu)",
		                  "%s: %zu rows with impossible numbers were "
		                  "skipped (the first on line %zu)",
		                  res.n_bad_rows), shown_name(path),
		         res.n_bad_rows, res.first_bad_line);
		r = pd_snapshot_add_note(s, "netsh_bad_rows", msg);
	}
	if (r == 0)
		r = pd_netsh_result_to_snapshot(&res, s);
	pd_netsh_result_done(&res);
	if (r < 0) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	return EXIT_OK;
}

/* "ipv4 tcp, ipv6 udp" when the paste lacks some of the four excluded
 * lists; an empty list then speaks for its own protocol and family only. */
static int note_excluded_coverage(pd_snapshot *s, const seen *sn)
{
	static const char *const fam[3] = {NULL, "ipv4", "ipv6"};
	pd_buf b;
	size_t shown = 0;
	int p, f, r = 0;

	if (sn->excl_of[1][1] && sn->excl_of[1][2] && sn->excl_of[2][1] &&
	    sn->excl_of[2][2])
		return 0;
	pd_buf_init(&b, 4096);
	for (p = 0; p < 3; p++)
		for (f = 0; f < 3; f++) {
			const char *proto = pd_proto_name((pd_proto)p);

			if (!sn->excl_of[p][f])
				continue;
			pd_buf_printf(&b, "%s%s%s%s", shown++ ? ", " : "",
			              fam[f] ? fam[f] : "", fam[f] && proto ? " " : "",
			              proto ? proto : (fam[f] ? "" : "?"));
			if (!fam[f])
				pd_buf_puts(&b, _(" (family not said)"));
		}
	if (shown) {
		char msg[512];

		snprintf(msg, sizeof(msg),
		         _("the paste lists the excluded port ranges of %s only: "
		           "those of the other protocols and families are unknown"),
		         b.data ? b.data : "");
		r = pd_buf_error(&b) ? PD_ENOMEM :
		    pd_snapshot_add_note(s, "excluded_partial", msg);
	}
	pd_buf_done(&b);
	return r;
}

static int add_notes(pd_snapshot *s, const char *const *paths, size_t n,
                     const seen *sn)
{
	pd_buf b;
	size_t i;
	int r;

	pd_buf_init(&b, 64 * 1024);
	pd_buf_puts(&b, _("the verdict comes from the pasted netsh output in "));
	for (i = 0; i < n; i++)
		pd_buf_printf(&b, "%s%s", i ? ", " : "", shown_name(paths[i]));
	pd_buf_puts(&b, sn->http || sn->portproxy ?
	            _(": it shows a Windows machine's port ranges, http.sys "
	              "registrations and portproxy rules only; no socket was "
	              "listed and no bind test was made") :
	            _(": it shows a Windows machine's port ranges only; no "
	              "socket was listed and no bind test was made"));
	r = pd_buf_error(&b) ? PD_ENOMEM :
	    pd_snapshot_add_note(s, "from_netsh", b.data);
	pd_buf_done(&b);
	if (r == 0 && !sn->dynamic)
		r = pd_snapshot_add_note(s, "dynamic_unknown",
		        _("the paste has no `netsh int ipv4 show dynamicport tcp` "
		          "output: the dynamic port range is unknown, so whether it "
		          "is misconfigured (the usual reason WinNAT takes common "
		          "ports) cannot be told"));
	if (r == 0 && sn->excluded)
		r = note_excluded_coverage(s, sn);
	if (r == 0 && !sn->excluded)
		r = pd_snapshot_add_note(s, "excluded_unknown",
		        _("the paste has no `netsh int ipv4 show excludedportrange "
		          "protocol=tcp` output: the excluded port ranges are "
		          "unknown"));
	/* Registrations and rules are the live state, but a paste can be old:
	 * diagnose shows them as warnings (render/win_holders.c). */
	if (r == 0 && sn->http)
		r = pd_snapshot_add_note(s, "netsh_http",
		        _("the paste's `netsh http show servicestate` output lists "
		          "the URLs registered with http.sys: a port with a URL "
		          "registered is taken by http.sys (PID 4) while the "
		          "registering program runs"));
	if (r == 0 && sn->portproxy)
		r = pd_snapshot_add_note(s, "netsh_portproxy",
		        _("the paste's `netsh interface portproxy show` output lists "
		          "the portproxy rules: the IP Helper service listens on "
		          "each rule's listen address and port while it runs"));
	return r;
}

int cli_netsh_snapshot(const char *const *paths, size_t n, pd_snapshot **ret)
{
	pd_snapshot *s = pd_snapshot_new();
	seen sn;
	size_t i, n_stdin = 0;
	int ex = EXIT_PROBE;

	memset(&sn, 0, sizeof(sn));
	if (!s) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	for (i = 0; i < n; i++)
		n_stdin += strcmp(paths[i], "-") == 0;
	if (n_stdin > 1) {
		cli_error(_("--from-netsh - (standard input) may be given once"));
		ex = EXIT_USAGE;
		goto fail;
	}
	free(s->os);
	s->os = pd__strdup("windows");
	if (!s->os) {
		cli_error(_("out of memory"));
		goto fail;
	}
	for (i = 0; i < n; i++) {
		ex = add_file(paths[i], s, &sn);
		if (ex)
			goto fail;
	}
	if (add_notes(s, paths, n, &sn) < 0) {
		cli_error(_("out of memory"));
		ex = EXIT_PROBE;
		goto fail;
	}
	*ret = s;
	return EXIT_OK;
fail:
	pd_snapshot_free(s);
	return ex;
}
