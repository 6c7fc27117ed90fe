/*
 * reserve: keep ports out of the dynamic range (Linux
 * ip_local_reserved_ports with its sysctl.d file; Windows an administered
 * excluded range), or release them with --remove.  Prints the plan; with
 * --apply acts through fix.c's helpers (cli_fix.h), then shows what is
 * reserved now.
 */
#include <stdlib.h>
#include <string.h>

#include "cli_fix.h"
#include "core/i18n.h"

static int parse_port(const char *s, const char **end, unsigned *ret)
{
	unsigned v = 0;
	const char *p = s;

	while (*p >= '0' && *p <= '9' && p - s < 6)
		v = v * 10 + (unsigned)(*p++ - '0');
	if (p == s || v < 1 || v > 65535)
		return -1;
	*end = p;
	*ret = v;
	return 0;
}

static int parse_ranges(const cli_opts *o, pd_range *out)
{
	size_t i;

	for (i = 0; i < o->n_args; i++) {
		const char *e;
		unsigned lo, hi;

		if (parse_port(o->args[i], &e, &lo) < 0)
			goto bad;
		hi = lo;
		if (*e == '-' && parse_port(e + 1, &e, &hi) < 0)
			goto bad;
		if (*e || hi < lo)
			goto bad;
		memset(&out[i], 0, sizeof(out[i]));
		out[i].start = (uint16_t)lo;
		out[i].end = (uint16_t)hi;
		continue;
bad:
		cli_error(_("bad port or range '%s': expected PORT or LO-HI"),
		          o->args[i]);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_reserve(const cli_opts *o)
{
	pd_render_opts ro = {cli_color(o), o->verbose, false, false};
	pd_probe_opts po;
	pd_plan_opts popts;
	pd_snapshot *s = NULL, *s2 = NULL;
	pd_plan *pl = NULL;
	pd_range *rs = NULL;
	pd_outcome out;
	pd_buf log;
	char *text = NULL;
	int ex, r;
	size_t i;

	pd_buf_init(&log, 0);
	memset(&out, 0, sizeof(out));
	if (!o->n_args) {
		cli_error(_("reserve needs at least one PORT or LO-HI"));
		return EXIT_USAGE;
	}
	if (o->apply && o->snapshot_path) {
		cli_error(_("--snapshot is a recorded machine: nothing can be "
		            "changed on it (drop --apply)"));
		return EXIT_USAGE;
	}
	rs = calloc(o->n_args, sizeof(*rs));
	if (!rs) {
		cli_error(_("out of memory"));
		return EXIT_PROBE;
	}
	ex = parse_ranges(o, rs);
	if (ex)
		goto out;
	memset(&po, 0, sizeof(po));
	/* The sockets on those ports, with their owners: a Windows excluded
	 * range cannot be added over a port in use (the plan refuses it). */
	po.ports = rs;
	po.n_ports = o->n_args;
	po.owners = 1;
	ex = acquire(o, &po, &s);
	if (ex)
		goto out;
	memset(&popts, 0, sizeof(popts));
	popts.root = cli_root_dir(o);
	r = pd_plan_reserve(s, rs, o->n_args, o->remove,
	                    o->udp ? PD_PROTO_UDP : PD_PROTO_TCP, &popts, &pl);
	if (r < 0) {
		cli_error(_("cannot plan: %s"), pd_strerror(r));
		ex = EXIT_PROBE;
		goto out;
	}
	if (!pl->n_remedies) {
		if (o->json) {
			r = pd_render_plans_json("reserve", (const pd_plan **)&pl, 1,
			                         NULL, &text);
			ex = emit(r, text);
		} else {
			cli_printf(o->remove ? _("not reserved: nothing to do\n") :
			           _("already reserved: nothing to do\n"));
		}
		goto out;
	}
	if (!o->apply || !o->json) {
		r = o->json ? pd_render_plans_json("reserve", (const pd_plan **)&pl,
		                                   1, NULL, &text) :
		    pd_render_plans_text((const pd_plan **)&pl, 1, s, &ro, &text);
		ex = emit(r, text);
		if (ex || !o->apply)
			goto out;
	}
	if (pl->remedies[0].refusal) {
		/* A port in use, or a list that cannot be read, is never
		 * reserved (the plan says why). */
		cli_error(_("refused: %s"), pl->remedies[0].refusal);
		ex = EXIT_USAGE;
		goto out;
	}
	if (pl->remedies[0].needs_root && !s->privileged) {
		bool relaunched = false;

		ex = cli_refuse_unprivileged(o, s, &pl->remedies[0], "reserve",
		                             &relaunched);
		goto out;
	}
	if (!cli_confirm(o, o->remove ? _("Release these ports?") :
	                 _("Reserve these ports?"), &ex))
		goto out;
	out.attempted = true;
	out.remedy = pd_remedy_name(pl->remedies[0].id);
	r = cli_apply_remedy(o, &pl->remedies[0], &log, &out);
	out.err = r < 0 ? r : 0;
	out.log = log.data;
	ex = r < 0 ? EXIT_APPLY : EXIT_OK;
	if (acquire(o, &po, &s2) == EXIT_OK) {
		pd_buf now;

		pd_buf_init(&now, 0);
		pd_buf_puts(&now, "");
		if (cli_is_windows(s2)) {
			for (i = 0; i < s2->n_excluded; i++)
				if (s2->excluded[i].administered)
					pd_buf_printf(&now, "%s%u-%u", now.len ? "," : "",
					              s2->excluded[i].start,
					              s2->excluded[i].end);
		} else {
			char *list = NULL;

			if (pd_portlist_edit(s2->reserved, s2->n_reserved, NULL, 0, false,
			                     &list) == 0)
				pd_buf_puts(&now, list);
			free(list);
		}
		if (!o->json && now.data)
			cli_printf(_("reserved now: %s\n"), *now.data ? now.data :
			           _("none"));
		pd_buf_done(&now);
	}
	if (o->json) {
		r = pd_render_plans_json("reserve", (const pd_plan **)&pl, 1, &out,
		                         &text);
		r = emit(r, text);
		if (ex == EXIT_OK)
			ex = r;
	}
out:
	pd_buf_done(&log);
	pd_plan_free(pl);
	pd_snapshot_free(s);
	pd_snapshot_free(s2);
	free(rs);
	return ex;
}
