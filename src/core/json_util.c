/*
 * jansson helpers (see json_util.h).  jansson refuses strings that are not
 * valid UTF-8, and the strings we print come from process tables and
 * pasted text, so every string goes through pd__utf8_fix first.
 */
#include "json_util.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sanitize.h"

const char *const pd__owner_status_names[4] = {"not_searched", "found",
                                               "unknown", "denied"};

json_t *pd__jstr(const char *s)
{
	pd_buf b;
	json_t *j;

	if (!s)
		return json_null();
	pd_buf_init(&b, 0);
	if (pd__utf8_fix(&b, s, strlen(s)) < 0) {
		pd_buf_done(&b);
		return NULL;
	}
	j = json_stringn(b.data ? b.data : "", b.len);
	pd_buf_done(&b);
	return j;
}

json_t *pd__jaddr(const pd_addr *a)
{
	char buf[PD_ADDR_STRLEN];

	if (!a || (a->family != PD_FAMILY_V4 && a->family != PD_FAMILY_V6))
		return json_null();
	return json_string(pd_addr_format(a, buf, sizeof(buf)));
}

json_t *pd__jtristate(int v)
{
	if (v < 0)
		return json_null();
	return json_boolean(v);
}

const char *pd__family_name(pd_family f)
{
	switch (f) {
	case PD_FAMILY_V4:
		return "ipv4";
	case PD_FAMILY_V6:
		return "ipv6";
	default:
		return NULL;
	}
}

void pd__jset(json_t *o, const char *key, json_t *v, int *err)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		*err = PD_ENOMEM;
}

json_t *pd__jrange(const pd_range *r, bool with_administered)
{
	json_t *o = json_object();
	int err = 0;

	if (!o)
		return NULL;
	pd__jset(o, "proto", pd__jstr(pd_proto_name(r->proto)), &err);
	pd__jset(o, "family", pd__jstr(pd__family_name(r->family)), &err);
	pd__jset(o, "start", json_integer(r->start), &err);
	pd__jset(o, "end", json_integer(r->end), &err);
	if (with_administered)
		pd__jset(o, "administered", json_boolean(r->administered), &err);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int pd__jdump(json_t *root, bool pretty, char **ret_text)
{
	size_t flags = JSON_PRESERVE_ORDER | (pretty ? JSON_INDENT(2) : JSON_COMPACT);
	char *s = json_dumps(root, flags);
	char *t;
	size_t n;

	if (!s)
		return PD_ENOMEM;
	n = strlen(s);
	t = realloc(s, n + 2);
	if (!t) {
		free(s);
		return PD_ENOMEM;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	*ret_text = t;
	return 0;
}
