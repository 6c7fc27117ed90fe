/*
 * Fuzz target: the Linux /proc and sysctl parsers of src/procfs/procfs.h.  Every
 * parser reads the same input, as the probe would if the file held it, so
 * the corpus is plain recorded files (tests/data/proc) and coverage of one
 * parser helps the others.  /proc/net tables go line by line, as
 * pd__linux_sockets_proc feeds them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "procfs/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void net_lines(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	pd_proc_net_entry e;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (pd_proc_net_parse_line(p, (size_t)(nl - p), PD_FAMILY_V4, &e) ==
		    0)
			(void)pd_linux_sock_state(e.kstate, PD_PROTO_TCP);
		if (pd_proc_net_parse_line(p, (size_t)(nl - p), PD_FAMILY_V6, &e) ==
		    0)
			(void)pd_linux_sock_state(e.kstate, PD_PROTO_UDP);
	}
}

static void strings(const char *text, size_t len)
{
	char *s = NULL, *unit = NULL;

	if (pd_proc_cmdline_join(text, len, 64u * 1024u, &s) == 0)
		free(s);
	s = NULL;
	if (pd_proc_cmdline_join(text, len, len / 2, &s) == 0)
		free(s);
	s = NULL;
	if (pd_proc_text_dup(text, len, &s) == 0)
		free(s);
	s = NULL;
	if (pd_proc_cgroup_path(text, len, &s) == 0) {
		if (pd_cgroup_service(s, strlen(s), &unit) == 0)
			free(unit);
		free(s);
	}
	unit = NULL;
	if (pd_cgroup_service(text, len, &unit) == 0)
		free(unit);
	s = NULL;
	if (pd_mountinfo_cgroup2(text, len, &s) == 0)
		free(s);
}

static void numbers(const char *text, size_t len)
{
	static const int64_t uids[] = {0, 1000, 65534, -1};
	pd_range r, *list = NULL;
	pd_proc_stat st;
	uint64_t caps;
	int64_t v;
	size_t n = 0, i;
	char *name;
	int iv;

	if (pd_proc_stat_parse(text, len, &st) == 0 &&
	    memchr(st.comm, '\0', sizeof(st.comm)) == NULL)
		abort();
	(void)pd_proc_status_uid(text, len, &v);
	(void)pd_proc_status_capeff(text, len, &caps);
	(void)pd_proc_stat_btime(text, len, &v);
	if (pd_sysctl_port_range(text, len, &r) == 0 && r.start > r.end)
		abort();
	if (pd_sysctl_port_list(text, len, &list, &n) == 0) {
		for (i = 0; i < n; i++)
			if (list[i].start > list[i].end)
				abort();
		free(list);
	}
	(void)pd_sysctl_int(text, len, 0, 65536, &iv);
	for (i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		name = NULL;
		if (pd_passwd_lookup(text, len, uids[i], &name) == 0)
			free(name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	net_lines(text, size);
	strings(text, size);
	numbers(text, size);
	return 0;
}
