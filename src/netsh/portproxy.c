/*
 * netsh portproxy rows: the lines of `netsh interface portproxy show all`
 * (or v4tov4, v4tov6, ...), handed over by parse.c.
 *
 * Design: a rule is told by its shape only, four words "ADDR PORT ADDR
 * PORT"; any other line is tried as the "Listen on ipv4:   Connect to
 * ipv6:" header, whose ipvN words survive translation and give the
 * families of the rules under it.  Without one, a family comes from the
 * command word (vXtovY), else from the address' shape.  Addresses are kept
 * as written: they may be host names.
 */
#include <string.h>

#include "netsh_internal.h"

/* ------------------------------------------------------ portproxy */

static pd_family addr_family(pd__netsh_span a)
{
	bool dots = false;

	for (size_t i = 0; i < a.n; i++) {
		if (a.p[i] == ':')
			return PD_FAMILY_V6;
		if (a.p[i] == '.')
			dots = true;
		else if (!pd__netsh_is_digit(a.p[i]))
			return PD_FAMILY_ANY;
	}
	return dots ? PD_FAMILY_V4 : PD_FAMILY_ANY;
}

static bool printable(pd__netsh_span a)
{
	for (size_t i = 0; i < a.n; i++)
		if (a.p[i] <= ' ' || a.p[i] >= 0x7f)
			return false;
	return true;
}

/* "Listen on ipv4:   Connect to ipv6:" (translated, the ipvN words kept). */
static bool proxy_header(pd__netsh_parser *ps, pd__netsh_span s)
{
	pd_family fam[2];
	int n = 0;

	for (size_t i = 0; i + 4 <= s.n && n < 2; i++) {
		pd__netsh_span w = { s.p + i, 4 };
		if (!pd__netsh_span_ieq(w, "ipv4") &&
		    !pd__netsh_span_ieq(w, "ipv6"))
			continue;
		if ((i > 0 && pd__netsh_is_alnum(s.p[i - 1])) ||
		    (i + 4 < s.n && pd__netsh_is_alnum(s.p[i + 4])))
			continue;
		fam[n++] = pd__netsh_family_word(w);
	}
	if (n != 2)
		return false;
	ps->cur.pp_listen = fam[0];
	ps->cur.pp_connect = fam[1];
	return true;
}

int pd__netsh_proxy_line(pd__netsh_parser *ps, pd__netsh_span s)
{
	pd__netsh_span rest = s, w[5];
	size_t n = 0;
	uint32_t lp, cp;
	pd_netsh_portproxy *pp;
	int r;

	while (n < 5 && pd__netsh_next_word(&rest, "", &w[n]))
		n++;
	if (n != 4 || !pd__netsh_all_digits(w[1]) ||
	    !pd__netsh_all_digits(w[3])) {
		proxy_header(ps, s);
		return 0;
	}
	r = pd__netsh_section_record(ps);
	if (r < 0)
		return r;
	ps->cur.n_rows++;
	pd__netsh_section_sync(ps);
	lp = pd__netsh_digits_value(w[1]);
	cp = pd__netsh_digits_value(w[3]);
	if (lp > 65535 || cp > 65535 || w[0].n >= PD_NETSH_ADDR_MAX ||
	    w[2].n >= PD_NETSH_ADDR_MAX || !printable(w[0]) || !printable(w[2])) {
		pd__netsh_bad_row(ps);
		return 0;
	}
	r = pd__netsh_grow((void **)&ps->res.proxies, &ps->cap_proxies,
	                   ps->res.n_proxies, sizeof(pd_netsh_portproxy));
	if (r < 0)
		return r;
	pp = &ps->res.proxies[ps->res.n_proxies++];
	memset(pp, 0, sizeof(*pp));
	memcpy(pp->listen_addr, w[0].p, w[0].n);
	memcpy(pp->connect_addr, w[2].p, w[2].n);
	pp->listen_port = (uint16_t)lp;
	pp->connect_port = (uint16_t)cp;
	pp->listen_family = ps->cur.pp_listen ? ps->cur.pp_listen
	                                      : addr_family(w[0]);
	pp->connect_family = ps->cur.pp_connect ? ps->cur.pp_connect
	                                        : addr_family(w[2]);
	return 0;
}
