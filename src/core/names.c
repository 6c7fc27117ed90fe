/*
 * The stable names of the enums in portdoctor.h.  Each comes from one
 * X-macro table in the header, so the enum, its JSON name and its message
 * can never drift apart.
 */
#include <string.h>

#include "ascii.h"
#include "i18n.h"
#include "portdoctor/portdoctor.h"

static const struct {
	const char *name;
	const char *msg;
} err_table[] = {
#define PD_ERR_ROW_(name, msg) {"E" #name, msg},
	PD_ERRNO_MAP(PD_ERR_ROW_)
#undef PD_ERR_ROW_
};

#define N_ERRS (sizeof(err_table) / sizeof(err_table[0]))

static int err_index(int err)
{
	int i = err - (PD__EFIRST + 1);

	if (err >= 0 || i < 0 || (size_t)i >= N_ERRS)
		return -1;
	return i;
}

const char *pd_err_name(int err)
{
	int i = err_index(err);

	if (err == 0)
		return "OK";
	return i < 0 ? "EUNKNOWN" : err_table[i].name;
}

/* The messages of PD_ERRNO_MAP (portdoctor.h), marked for xgettext,
 * which does not see through the X-macro; pd_strerror() translates them
 * as strerror() follows the locale.  Keep the two lists together. */
static const char *const err_msgs[] = {
	N_("success"), N_("unknown error"),
	N_("out of memory"), N_("invalid argument"), N_("number out of range"),
	N_("malformed input"), N_("input exceeds the size limit"),
	N_("input/output error"), N_("no such file or object"),
	N_("permission denied"), N_("address already in use"),
	N_("cannot assign requested address"),
	N_("address family not supported"), N_("not supported on this system"),
	N_("unsupported schema version"), N_("timed out"), N_("system error"),
};

const char *pd_strerror(int err)
{
	int i = err_index(err);

	(void)err_msgs;
	if (err == 0)
		return _("success");
	return _(i < 0 ? "unknown error" : err_table[i].msg);
}

const char *pd_proto_name(pd_proto p)
{
	switch (p) {
	case PD_PROTO_TCP:
		return "tcp";
	case PD_PROTO_UDP:
		return "udp";
	default:
		return NULL;
	}
}

int pd_proto_parse(const char *text, size_t len, pd_proto *ret_proto)
{
	if (pd__ascii_ieq(text, len, "tcp") || pd__ascii_ieq(text, len, "tcp4") ||
	    pd__ascii_ieq(text, len, "tcp6"))
		*ret_proto = PD_PROTO_TCP;
	else if (pd__ascii_ieq(text, len, "udp") || pd__ascii_ieq(text, len, "udp4") ||
	         pd__ascii_ieq(text, len, "udp6"))
		*ret_proto = PD_PROTO_UDP;
	else
		return PD_EINVAL;
	return 0;
}

static const char *const state_names[] = {
#define PD_STATE_ROW_(id, name) name,
	PD_SOCK_STATE_MAP(PD_STATE_ROW_)
#undef PD_STATE_ROW_
};

const char *pd_sock_state_name(pd_sock_state s)
{
	if ((int)s < 0 || s >= PD__STATE_COUNT)
		return "unknown";
	return state_names[s];
}

int pd_sock_state_parse(const char *name, pd_sock_state *ret_state)
{
	int i;

	for (i = 0; i < PD__STATE_COUNT; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*ret_state = (pd_sock_state)i;
			return 0;
		}
	return PD_EINVAL;
}

static const struct {
	const char *name;
	pd_severity sev;
} finding_table[] = {
#define PD_FINDING_ROW_(id, name, sev) {name, sev},
	PD_FINDING_MAP(PD_FINDING_ROW_)
#undef PD_FINDING_ROW_
};

const char *pd_finding_name(pd_finding_code c)
{
	if ((int)c < 0 || c >= PD__F_COUNT)
		return "unknown";
	return finding_table[c].name;
}

pd_severity pd_finding_default_severity(pd_finding_code c)
{
	if ((int)c < 0 || c >= PD__F_COUNT)
		return PD_SEV_INFO;
	return finding_table[c].sev;
}

int pd_finding_parse(const char *name, pd_finding_code *ret)
{
	int i;

	for (i = 0; i < PD__F_COUNT; i++)
		if (strcmp(name, finding_table[i].name) == 0) {
			*ret = (pd_finding_code)i;
			return 0;
		}
	return PD_EINVAL;
}

const char *pd_severity_name(pd_severity s)
{
	switch (s) {
	case PD_SEV_ERROR:
		return "error";
	case PD_SEV_WARNING:
		return "warning";
	default:
		return "info";
	}
}
