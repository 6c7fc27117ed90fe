/*
 * Linux rule changes: privileged ports (a capability on one binary, or a
 * lower ip_unprivileged_port_start for everyone) and
 * ip_local_reserved_ports.  Pure: each remedy sets the value at run time
 * and writes a sysctl.d file below the root so it holds after a reboot.
 *
 * The reserved list is edited as a whole: what is there, plus (or minus)
 * the change, merged, because the kernel replaces the list on each write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "remedy_internal.h"

/* ------------------------------------------------------- port lists */

int pd_portlist_edit(const pd_range *cur, size_t n_cur, const pd_range *chg,
                     size_t n_chg, bool remove, char **ret_text)
{
	unsigned char *bits = calloc(65536 / 8, 1);
	pd_buf b;
	size_t i;
	unsigned p, start;
	bool first = true;

	if (!bits)
		return PD_ENOMEM;
	for (i = 0; i < n_cur; i++)
		for (p = cur[i].start; p <= cur[i].end && p; p++)
			bits[p / 8] |= (unsigned char)(1u << (p % 8));
	for (i = 0; i < n_chg; i++)
		for (p = chg[i].start; p <= chg[i].end && p; p++) {
			if (remove)
				bits[p / 8] &= (unsigned char)~(1u << (p % 8));
			else
				bits[p / 8] |= (unsigned char)(1u << (p % 8));
		}
	pd_buf_init(&b, 0);
	pd_buf_puts(&b, "");
	for (p = 1; p < 65536; p++) {
		if (!(bits[p / 8] & (1u << (p % 8))))
			continue;
		start = p;
		while (p + 1 < 65536 && (bits[(p + 1) / 8] & (1u << ((p + 1) % 8))))
			p++;
		pd_buf_printf(&b, start == p ? "%s%u" : "%s%u-%u", first ? "" : ",",
		              start, p);
		first = false;
	}
	free(bits);
	*ret_text = pd_buf_steal(&b);
	i = (size_t)b.err;
	pd_buf_done(&b);
	if (!*ret_text)
		return i ? (int)i : PD_ENOMEM;
	return 0;
}

int pd_reserved_file_content(const char *list, char **ret_text)
{
	pd_buf b;
	int err;

	pd_buf_init(&b, 0);
	pd_buf_printf(&b,
	              "# Written by portdoctor reserve: ports never handed out "
	              "as ephemeral ports.\n"
	              "# It holds what was reserved at run time when written, so "
	              "it keeps other reservations.\n"
	              "net.ipv4.ip_local_reserved_ports = %s\n", list);
	*ret_text = pd_buf_steal(&b);
	err = b.err;
	pd_buf_done(&b);
	return *ret_text ? 0 : (err ? err : PD_ENOMEM);
}

/* ------------------------------------------------------- privileges */

void pd__plan_privileged(pd_bld *b)
{
	uint16_t port = b->res->port;
	pd_remedy *r, *setcap = NULL, *lower;
	pd_step *st;
	const char *bin = b->o ? b->o->binary : NULL;

	if (bin) {
		setcap = pd__add_remedy(b, PD_R_SETCAP_BIND_SERVICE, true, false, true,
		                        pd__fmt(b, _("Let %s bind ports below %d"), bin,
		                                b->s->unprivileged_port_start),
		                        pd__fmt(b, _("grants cap_net_bind_service to "
		                                     "the program file %s, so it may "
		                                     "bind any port below 1024 whoever "
		                                     "runs it"), bin),
		                        pd__fmt(b, _("every user who can run it gets "
		                                     "that right; an update or rebuild "
		                                     "of the file drops the "
		                                     "capability; scripts need it on "
		                                     "their interpreter, which is "
		                                     "unwise")));
		if (setcap)
			pd__add_run(b, setcap, pd__fmt(b, _("grant the capability")),
			            "setcap", "cap_net_bind_service=+ep", bin,
			            (const char *)NULL);
	}
	lower = pd__add_remedy(b, PD_R_LOWER_UNPRIVILEGED_PORT_START, true, false,
	                       true,
	                       pd__fmt(b, _("Let every user bind ports from %u "
	                                    "up"), port),
	                       pd__fmt(b, _("lowers "
	                                    "net.ipv4.ip_unprivileged_port_start "
	                                    "from %d to %u now and at boot (%s)"),
	                               b->s->unprivileged_port_start, port,
	                               PD_SYSCTL_UNPRIV_FILE),
	                       pd__fmt(b, _("any local user or rootless container "
	                                    "may then bind ports %u-%d, for this "
	                                    "network namespace"), port,
	                               b->s->unprivileged_port_start - 1));
	if (lower) {
		char v[8];

		snprintf(v, sizeof(v), "%u", port);
		st = pd__add_step(b, lower, PD_STEP_SYSCTL,
		                  pd__fmt(b, _("set it at run time")));
		if (st) {
			st->name = pd__sdup(b, "net.ipv4.ip_unprivileged_port_start");
			st->value = pd__sdup(b, v);
		}
		st = pd__add_step(b, lower, PD_STEP_WRITE_FILE,
		                  pd__fmt(b, _("keep it after a reboot")));
		if (st) {
			st->path = pd__rooted(b, PD_SYSCTL_UNPRIV_FILE);
			st->content = pd__fmt(b, "# Written by portdoctor fix: lets "
			                         "every user bind ports from %u up.\n"
			                         "net.ipv4.ip_unprivileged_port_start = "
			                         "%u\n", port, port);
		}
	}
	if (!setcap) {
		r = pd__add_remedy(b, PD_R_SETCAP_BIND_SERVICE, true, false, true,
		                   pd__fmt(b, _("Let one program bind ports below %d"),
		                           b->s->unprivileged_port_start),
		                   pd__fmt(b, _("grants cap_net_bind_service to the "
		                                "server's program file, so only it may "
		                                "bind low ports")),
		                   pd__fmt(b, _("every user who can run it gets that "
		                                "right; an update of the file drops "
		                                "it")));
		if (r) {
			r->refusal = pd__fmt(b, _("say which program: --binary PATH"));
			pd__add_manual(b, r, pd__fmt(b, _("setcap cap_net_bind_service=+ep "
			                                  "/path/to/server")));
		}
	}
}

/* The kernel replaces the whole list on each write, so a list that could
 * not be read is never written: the remedy is refused. */
static void unknown_refusal(pd_bld *b, pd_remedy *r)
{
	if (r && b->s->reserved_unknown)
		r->refusal = pd__fmt(b, _("net.ipv4.ip_local_reserved_ports could "
		                          "not be read: portdoctor never rewrites a "
		                          "list it cannot see"));
}

void pd__plan_reserve_linux(pd_bld *b)
{
	pd_range one;
	pd_remedy *r;
	pd_step *st;

	memset(&one, 0, sizeof(one));
	one.start = one.end = b->res->port;
	r = pd__add_remedy(b, PD_R_RESERVE_PORT, true, false, true,
	                   pd__fmt(b, _("Keep port %u from ephemeral use"),
	                           b->res->port),
	                   pd__fmt(b, _("adds %u to "
	                                "net.ipv4.ip_local_reserved_ports, merged "
	                                "with what is there, now and at boot, so "
	                                "outgoing connections never take it"),
	                           b->res->port),
	                   pd__fmt(b, _("none for explicit binds; it does not free "
	                                "the port if something holds it now")));
	unknown_refusal(b, r);
	st = pd__add_step(b, r, PD_STEP_RESERVE, pd__fmt(b, _("reserve %u"),
	                                                 b->res->port));
	if (!st)
		return;
	st->path = pd__rooted(b, PD_SYSCTL_RESERVED_FILE);
	st->lock_path = pd__rooted(b, PD_RESERVE_LOCK_FILE);
	st->ranges = malloc(sizeof(one));
	if (!st->ranges) {
		b->err = PD_ENOMEM;
		return;
	}
	st->ranges[0] = one;
	st->n_ranges = 1;
	if (!b->s->reserved_unknown &&
	    pd_portlist_edit(b->s->reserved, b->s->n_reserved, &one, 1, false,
	                     &st->preview) < 0)
		b->err = PD_ENOMEM;
}

/* reserve on Linux: the n ranges of *todo into (or with remove, out of)
 * ip_local_reserved_ports.  The step takes *todo and sets it to NULL; if
 * no step was added, *todo stays the caller's to free. */
void pd__plan_reserve_ports(pd_bld *b, pd_range **todo, size_t n,
                            bool remove)
{
	pd_remedy *r;
	pd_step *st;

	r = pd__add_remedy(b, remove ? PD_R_UNRESERVE_PORT : PD_R_RESERVE_PORT,
	                   true, false, true,
	                   remove ? pd__fmt(b, _("Release reserved ports")) :
	                   pd__fmt(b, _("Reserve ports")),
	                   remove ?
	                   pd__fmt(b, _("removes the ports from "
	                                "net.ipv4.ip_local_reserved_ports, "
	                                "keeping the rest of the list, now and "
	                                "at boot")) :
	                   pd__fmt(b, _("adds the ports to "
	                                "net.ipv4.ip_local_reserved_ports, "
	                                "merged with what is there, now and at "
	                                "boot, so they are never handed out as "
	                                "ephemeral ports")),
	                   remove ? pd__fmt(b, _("outgoing connections may take "
	                                         "them again")) :
	                   pd__fmt(b, _("fewer ephemeral ports; explicit binds "
	                                "still work")));
	unknown_refusal(b, r);
	st = pd__add_step(b, r, PD_STEP_RESERVE,
	                  remove ? pd__fmt(b, _("release them")) :
	                  pd__fmt(b, _("reserve them")));
	if (st) {
		st->path = pd__rooted(b, PD_SYSCTL_RESERVED_FILE);
		st->lock_path = pd__rooted(b, PD_RESERVE_LOCK_FILE);
		st->remove = remove;
		st->ranges = *todo;
		st->n_ranges = n;
		*todo = NULL;
		if (!b->s->reserved_unknown &&
		    pd_portlist_edit(b->s->reserved, b->s->n_reserved, st->ranges,
		                     n, remove, &st->preview) < 0)
			b->err = PD_ENOMEM;
	}
}
