/*
 * Tests of the pure /proc and sysctl parsers: inline edge cases first,
 * then the files recorded under tests/data/proc (see its README).  Every
 * failure case also checks that ret_* is left untouched (a sentinel).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "procfs/procfs.h"


#define S(lit) lit, sizeof(lit) - 1

static char *load(const char *name, size_t *ret_len)
{
	char path[512];
	FILE *f;
	char *buf;
	size_t n;
	const char *dir = getenv("PD_TEST_DATA");

	snprintf(path, sizeof(path), "%s/proc/%s", dir ? dir : "tests/data", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	buf = malloc(1 << 20);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[n] = '\0';
	*ret_len = n;
	return buf;
}

/* ------------------------------------------------------ /proc/net */

static void test_net_v4_listen(void **state)
{
	pd_proc_net_entry e;
	(void)state;

	assert_int_equal(pd_proc_net_parse_line(S("   0: 0100007F:1F90 00000000:0000 0A "
	    "00000000:00000000 00:00000000 00000000  1000        0 12345 1 "
	    "0000000000000000 100 0 0 10 0\n"), PD_FAMILY_V4, &e), 0);
	assert_int_equal(e.local.family, PD_FAMILY_V4);
	assert_int_equal(e.local.bytes[0], 127);
	assert_int_equal(e.local.bytes[3], 1);
	assert_int_equal(e.local_port, 8080);
	assert_int_equal(e.kstate, PD_LINUX_TCP_LISTEN);
	assert_int_equal(e.uid, 1000);
	assert_int_equal(e.inode, 12345);
}

static void test_net_v6(void **state)
{
	pd_proc_net_entry e;
	(void)state;

	/* ::1 is three zero words and 01000000 (host order of 0x00000001
	 * in network byte order). */
	assert_int_equal(pd_proc_net_parse_line(S("  1: 00000000000000000000000001000000:"
	    "B79A 00000000000000000000000000000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 999 1 0 100 0 0 10 0"),
	    PD_FAMILY_V6, &e), 0);
	assert_int_equal(e.local.family, PD_FAMILY_V6);
	assert_int_equal(e.local.bytes[15], 1);
	assert_int_equal(e.local.bytes[0], 0);
	assert_int_equal(e.local_port, 0xB79A);
	assert_int_equal(e.inode, 999);
}

static void test_net_malformed(void **state)
{
	pd_proc_net_entry e, sentinel;
	static const char *const bad[] = {
	    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
	    "retrnsmt   uid  timeout inode",
	    "",
	    "   0:",
	    "   0: 0100007F:1F90",
	    "   0: 0100007F:1F9 00000000:0000 0A 00000000:00000000 00:00000000 "
	    "00000000 0 0 1",
	    "   0: 0100007G:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
	    "00000000 0 0 1",
	    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
	    "00000000 0 0",
	    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
	    "00000000 0 0 12x",
	    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
	    "00000000 99999999999 0 1",
	    "   0: 0100007F:11F90 00000000:0000 0A 00000000:00000000 00:00000000 "
	    "00000000 0 0 1",
	    "   0: 0100007F:1F90 00000000:0000 0A",
	};
	size_t i;
	(void)state;

	memset(&sentinel, 0xa5, sizeof(sentinel));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = sentinel;
		assert_int_equal(pd_proc_net_parse_line(bad[i], strlen(bad[i]),
		                                        PD_FAMILY_V4, &e),
		                 PD_EPARSE);
		assert_memory_equal(&e, &sentinel, sizeof(e));
	}
	/* A v4 line read as v6 is too short. */
	e = sentinel;
	assert_int_equal(pd_proc_net_parse_line(S("   0: 0100007F:1F90 00000000:0000 0A "
	    "00000000:00000000 00:00000000 00000000 0 0 1"), PD_FAMILY_V6, &e),
	    PD_EPARSE);
	assert_memory_equal(&e, &sentinel, sizeof(e));
	assert_int_equal(pd_proc_net_parse_line(S("x"), PD_FAMILY_ANY, &e),
	                 PD_EINVAL);
}

static void test_net_truncated_everywhere(void **state)
{
	static const char line[] = "   0: 0100007F:1F90 00000000:0000 0A "
	    "00000000:00000000 00:00000000 00000000  1000        0 12345";
	pd_proc_net_entry e;
	size_t n;
	(void)state;

	/* Every prefix that stops before the inode column fails (a cut
	 * inside the last number still reads as a shorter number: the
	 * caller only hands whole lines).  The buffer is copied so a read
	 * past len would hit no NUL by luck (ASan checks). */
	for (n = 0; n < sizeof(line) - 1 - strlen("12345"); n++) {
		char *copy = malloc(n ? n : 1);

		assert_non_null(copy);
		memcpy(copy, line, n);
		assert_int_not_equal(pd_proc_net_parse_line(copy, n, PD_FAMILY_V4, &e),
		                     0);
		free(copy);
	}
	assert_int_equal(pd_proc_net_parse_line(line, sizeof(line) - 1,
	                                        PD_FAMILY_V4, &e), 0);
}

static int count_file(const char *name, pd_family fam, int kstate,
                      uint16_t port, pd_proc_net_entry *ret)
{
	size_t len;
	char *t = load(name, &len), *p = t, *nl;
	int found = 0, lines = 0;
	pd_proc_net_entry e;

	for (; p < t + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(t + len - p));
		if (!nl)
			nl = t + len;
		if (pd_proc_net_parse_line(p, (size_t)(nl - p), fam, &e) == 0) {
			lines++;
			if (e.local_port == port && e.kstate == kstate) {
				found++;
				*ret = e;
			}
		} else {
			/* Only the header may fail. */
			assert_true(p == t);
		}
	}
	free(t);
	assert_true(lines > 0);
	return found;
}

static void test_net_recorded(void **state)
{
	pd_proc_net_entry e;
	(void)state;

	assert_int_equal(count_file("net_tcp", PD_FAMILY_V4, PD_LINUX_TCP_LISTEN,
	                            47001, &e), 1);
	assert_int_equal(e.local.bytes[0], 127);
	assert_true(e.inode != 0);
	assert_int_equal(count_file("net_tcp", PD_FAMILY_V4,
	                            PD_LINUX_TCP_TIME_WAIT, 47001, &e), 1);
	assert_int_equal(e.inode, 0);
	assert_int_equal(count_file("net_tcp6", PD_FAMILY_V6, PD_LINUX_TCP_LISTEN,
	                            47002, &e), 1);
	assert_int_equal(e.local.bytes[15], 1);
	assert_int_equal(count_file("net_udp", PD_FAMILY_V4, PD_LINUX_TCP_CLOSE,
	                            47003, &e), 1);
	assert_int_equal(count_file("net_udp6", PD_FAMILY_V6, PD_LINUX_TCP_CLOSE,
	                            47004, &e), 1);
}

static void test_state_map(void **state)
{
	(void)state;
	assert_int_equal(pd_linux_sock_state(10, PD_PROTO_TCP), PD_STATE_LISTEN);
	assert_int_equal(pd_linux_sock_state(7, PD_PROTO_UDP), PD_STATE_UNCONN);
	assert_int_equal(pd_linux_sock_state(7, PD_PROTO_TCP), PD_STATE_BOUND);
	assert_int_equal(pd_linux_sock_state(13, PD_PROTO_TCP), PD_STATE_BOUND);
	assert_int_equal(pd_linux_sock_state(12, PD_PROTO_TCP), PD_STATE_SYN_RECV);
	assert_int_equal(pd_linux_sock_state(6, PD_PROTO_TCP), PD_STATE_TIME_WAIT);
	assert_int_equal(pd_linux_sock_state(0, PD_PROTO_TCP), PD_STATE_UNKNOWN);
	assert_int_equal(pd_linux_sock_state(99, PD_PROTO_TCP), PD_STATE_UNKNOWN);
}

/* ---------------------------------------------------- /proc/PID/stat */

static const char stat_tail[] = " S 1 2 3 0 -1 4194368 10 0 0 0 5 6 0 0 20 0 1 0 "
                                "88343 1000 200 18446744073709551615 1 2";

static void test_stat_plain(void **state)
{
	char line[512];
	pd_proc_stat st;
	(void)state;

	snprintf(line, sizeof(line), "42 (nginx)%s", stat_tail);
	assert_int_equal(pd_proc_stat_parse(line, strlen(line), &st), 0);
	assert_int_equal(st.pid, 42);
	assert_int_equal(st.ppid, 1);
	assert_string_equal(st.comm, "nginx");
	assert_int_equal(st.flags, 4194368);
	assert_int_equal(st.starttime, 88343);
}

static void test_stat_hostile_comm(void **state)
{
	static const char *const names[] = {"a) b (c", "x) S 9 9 9", "))", "(",
	                                    "two\nlines", " ", ""};
	char line[512];
	pd_proc_stat st;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(line, sizeof(line), "7 (%s)%s", names[i], stat_tail);
		assert_int_equal(pd_proc_stat_parse(line, strlen(line), &st), 0);
		assert_string_equal(st.comm, names[i]);
		assert_int_equal(st.ppid, 1);
		assert_int_equal(st.starttime, 88343);
	}
}

static void test_stat_malformed(void **state)
{
	pd_proc_stat st, sentinel;
	static const char *const bad[] = {
	    "", "42", "42 ", "42 nginx S 1", "42 (nginx", "42 (nginx) S",
	    "42 (nginx) S 1 2 3 0 -1 4194368 10 0 0 0 5 6 0 0 20 0 1 0",
	    "42 (nginx) S x 2 3 0 -1 4194368 10 0 0 0 5 6 0 0 20 0 1 0 5",
	    "x (nginx) S 1 2 3 0 -1 4194368 10 0 0 0 5 6 0 0 20 0 1 0 5",
	    "42 (nginx)  S 1 2 3 0 -1 4194368 10 0 0 0 5 6 0 0 20 0 1 0 5",
	};
	size_t i;
	(void)state;

	memset(&sentinel, 0x5a, sizeof(sentinel));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = sentinel;
		assert_int_equal(pd_proc_stat_parse(bad[i], strlen(bad[i]), &st),
		                 PD_EPARSE);
		assert_memory_equal(&st, &sentinel, sizeof(st));
	}
}

static void test_stat_long_comm_is_cut(void **state)
{
	char line[512], name[200];
	pd_proc_stat st;
	(void)state;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(line, sizeof(line), "7 (%s)%s", name, stat_tail);
	assert_int_equal(pd_proc_stat_parse(line, strlen(line), &st), 0);
	assert_int_equal(strlen(st.comm), sizeof(st.comm) - 1);
}

static void test_stat_recorded(void **state)
{
	size_t len;
	char *t = load("pid_weird_stat", &len);
	pd_proc_stat st;
	(void)state;

	assert_int_equal(pd_proc_stat_parse(t, len, &st), 0);
	assert_string_equal(st.comm, "a) b (c");
	assert_true(st.ppid > 0);
	assert_true(st.starttime > 0);
	free(t);
}

/* -------------------------------------------------- status, btime */

static void test_status(void **state)
{
	int64_t uid = 77;
	uint64_t caps = 77;
	size_t len;
	char *t;
	(void)state;

	assert_int_equal(pd_proc_status_uid(S("Name:\tx\nUid:\t1000\t33\t33\t33\nGid:\t1\n"),
	                                    &uid), 0);
	assert_int_equal(uid, 33);
	uid = 77;
	assert_int_equal(pd_proc_status_uid(S("Name:\tx\nGid:\t1\n"), &uid), PD_ENOENT);
	assert_int_equal(pd_proc_status_uid(S("Uid:\t1000\n"), &uid), PD_EPARSE);
	assert_int_equal(pd_proc_status_uid(S("Uid:\t\t\n"), &uid), PD_EPARSE);
	assert_int_equal(pd_proc_status_uid(S("Uid:\t99999999999\t1\n"), &uid), PD_EPARSE);
	/* "Uid:" must start a line. */
	assert_int_equal(pd_proc_status_uid(S("XUid:\t1\t2\n"), &uid), PD_ENOENT);
	assert_int_equal(uid, 77);
	assert_int_equal(pd_proc_status_capeff(S("CapEff:\t0000000000000400\n"), &caps), 0);
	assert_int_equal(caps, 0x400);
	caps = 77;
	assert_int_equal(pd_proc_status_capeff(S("CapEff:\t00000000000004zz\n"), &caps),
	                 PD_EPARSE);
	assert_int_equal(pd_proc_status_capeff(S("CapEff:"), &caps), PD_EPARSE);
	assert_int_equal(caps, 77);
	t = load("pid_weird_status", &len);
	assert_int_equal(pd_proc_status_uid(t, len, &uid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(pd_proc_status_capeff(t, len, &caps), 0);
	free(t);
}

static void test_btime(void **state)
{
	int64_t b = 5;
	size_t len;
	char *t;
	(void)state;

	assert_int_equal(pd_proc_stat_btime(S("cpu 1 2\nbtime 1700000000\nprocesses 3\n"), &b), 0);
	assert_int_equal(b, 1700000000);
	b = 5;
	assert_int_equal(pd_proc_stat_btime(S("cpu 1 2\n"), &b), PD_ENOENT);
	assert_int_equal(pd_proc_stat_btime(S("btime x\n"), &b), PD_EPARSE);
	assert_int_equal(pd_proc_stat_btime(S("btime 17x\n"), &b), PD_EPARSE);
	assert_int_equal(b, 5);
	t = load("stat_global", &len);
	assert_int_equal(pd_proc_stat_btime(t, len, &b), 0);
	assert_true(b > 1000000000);
	free(t);
}

/* ----------------------------------------------------------- cmdline */

static void test_cmdline(void **state)
{
	char *s = (char *)"sentinel";
	size_t len;
	char *t;
	(void)state;

	assert_int_equal(pd_proc_cmdline_join(S("nginx\0-g\0daemon off;\0"), 1024, &s), 0);
	assert_string_equal(s, "nginx -g daemon off;");
	free(s);
	/* empty argument: two spaces, as read */
	assert_int_equal(pd_proc_cmdline_join(S("a\0\0b\0"), 1024, &s), 0);
	assert_string_equal(s, "a  b");
	free(s);
	/* setproctitle style: no NUL at all */
	assert_int_equal(pd_proc_cmdline_join(S("postgres: writer"), 1024, &s), 0);
	assert_string_equal(s, "postgres: writer");
	free(s);
	/* bounded */
	assert_int_equal(pd_proc_cmdline_join(S("abcdef\0gh"), 4, &s), 0);
	assert_string_equal(s, "abcd");
	free(s);
	/* kernel thread / zombie */
	assert_int_equal(pd_proc_cmdline_join("", 0, 1024, &s), 0);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(pd_proc_cmdline_join(S("\0\0\0"), 1024, &s), 0);
	assert_string_equal(s, "");
	free(s);
	s = (char *)"sentinel";
	assert_int_equal(pd_proc_cmdline_join(NULL, 3, 1024, &s), PD_EINVAL);
	assert_string_equal(s, "sentinel");
	t = load("pid_self_cmdline", &len);
	assert_int_equal(pd_proc_cmdline_join(t, len, 64 * 1024, &s), 0);
	assert_non_null(strstr(s, "python3"));
	assert_null(memchr(s, '\0', strlen(s)));
	free(s);
	free(t);
}

static void test_text_dup(void **state)
{
	char *s;
	(void)state;

	assert_int_equal(pd_proc_text_dup(S("a\0b"), &s), 0);
	assert_memory_equal(s, "a b", 4);
	free(s);
}

/* ------------------------------------------------------------ cgroup */

static void test_cgroup(void **state)
{
	char *s = (char *)"sentinel";
	size_t len;
	char *t;
	(void)state;

	assert_int_equal(pd_proc_cgroup_path(S("0::/system.slice/nginx.service\n"), &s), 0);
	assert_string_equal(s, "/system.slice/nginx.service");
	free(s);
	/* hybrid: the v2 line wins wherever it is */
	assert_int_equal(pd_proc_cgroup_path(S("1:name=systemd:/system.slice/a.service\n"
	                                       "2:cpu:/x\n0::/system.slice/b.service\n"), &s), 0);
	assert_string_equal(s, "/system.slice/b.service");
	free(s);
	/* v1 only: name=systemd */
	assert_int_equal(pd_proc_cgroup_path(S("2:cpu:/x\n1:name=systemd:/system.slice/a.service"),
	                                     &s), 0);
	assert_string_equal(s, "/system.slice/a.service");
	free(s);
	/* colons inside the path */
	assert_int_equal(pd_proc_cgroup_path(S("0::/a:b/c\n"), &s), 0);
	assert_string_equal(s, "/a:b/c");
	free(s);
	s = (char *)"sentinel";
	assert_int_equal(pd_proc_cgroup_path(S("2:cpu:/x\n"), &s), PD_ENOENT);
	assert_int_equal(pd_proc_cgroup_path(S(""), &s), PD_ENOENT);
	assert_int_equal(pd_proc_cgroup_path(S("0::"), &s), PD_ENOENT);
	assert_int_equal(pd_proc_cgroup_path(S("garbage"), &s), PD_ENOENT);
	assert_string_equal(s, "sentinel");
	t = load("pid_weird_cgroup", &len);
	assert_int_equal(pd_proc_cgroup_path(t, len, &s), 0);
	assert_true(s[0] == '/');
	free(s);
	free(t);
}

static void test_mountinfo_cgroup2(void **state)
{
	char *s = (char *)"sentinel";
	(void)state;

	/* hybrid (v1 controllers and the unified v2 tree), as on systemd's
	 * "hybrid" hosts: the cgroup2 line, not the v1 "cgroup" ones */
	assert_int_equal(pd_mountinfo_cgroup2(S(
	    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"),
	    &s), 0);
	assert_string_equal(s, "/sys/fs/cgroup/unified");
	free(s);
	/* pure v2 with optional fields before the separator */
	assert_int_equal(pd_mountinfo_cgroup2(S(
	    "22 1 0:20 / /proc rw shared:12 - proc proc rw\n"
	    "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:4 master:1 - cgroup2 "
	    "cgroup2 rw,nsdelegate"), &s), 0);
	assert_string_equal(s, "/sys/fs/cgroup");
	free(s);
	/* a namespaced root ("/..") only when no mount of the real root */
	assert_int_equal(pd_mountinfo_cgroup2(S(
	    "50 1 0:26 /.. /a rw - cgroup2 cgroup2 rw\n"
	    "51 1 0:26 / /b rw - cgroup2 cgroup2 rw\n"), &s), 0);
	assert_string_equal(s, "/b");
	free(s);
	assert_int_equal(pd_mountinfo_cgroup2(S(
	    "50 1 0:26 /.. /a rw - cgroup2 cgroup2 rw\n"), &s), 0);
	assert_string_equal(s, "/a");
	free(s);
	/* octal escapes in the mount point; a bad escape is kept as is */
	assert_int_equal(pd_mountinfo_cgroup2(S(
	    "50 1 0:26 / /my\\040cg\\134x\\9 rw - cgroup2 none rw\n"), &s), 0);
	assert_string_equal(s, "/my cg\\x\\9");
	free(s);
	/* a mount point named "cgroup2" or "-" is not the fs type */
	s = (char *)"sentinel";
	assert_int_equal(pd_mountinfo_cgroup2(S(
	    "50 1 0:26 / /cgroup2 rw - tmpfs cgroup2 rw\n"
	    "51 1 0:27 / - rw - cgroup cgroup2 rw\n"), &s), PD_ENOENT);
	/* v1 only, empty, truncated lines */
	assert_int_equal(pd_mountinfo_cgroup2(S(
	    "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"), &s),
	    PD_ENOENT);
	assert_int_equal(pd_mountinfo_cgroup2(S(""), &s), PD_ENOENT);
	assert_int_equal(pd_mountinfo_cgroup2(S("50 1 0:26 / /x rw -"), &s),
	                 PD_ENOENT);
	assert_int_equal(pd_mountinfo_cgroup2(S("- cgroup2\n50 1 - cgroup2"), &s),
	                 PD_ENOENT);
	assert_string_equal(s, "sentinel");
	/* no newline at the end */
	assert_int_equal(pd_mountinfo_cgroup2(S(
	    "41 31 0:38 / /u rw - cgroup2 cgroup2 rw"), &s), 0);
	assert_string_equal(s, "/u");
	free(s);
}

static void test_service(void **state)
{
	static const struct {
		const char *path;
		const char *unit;
	} cases[] = {
	    {"/system.slice/nginx.service", "nginx.service"},
	    {"/system.slice/nginx.service/worker", "nginx.service"},
	    {"/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service",
	     "foo.service"},
	    {"/user.slice/user-1000.slice/user@1000.service/init.scope",
	     "user@1000.service"},
	    {"/system.slice/docker.service", "docker.service"},
	    {"/system.slice/system-getty.slice/getty@tty1.service",
	     "getty@tty1.service"},
	    {"/user.slice/user-1000.slice/session-3.scope", NULL},
	    {"/", NULL},
	    {"", NULL},
	    {"/.service", NULL},
	    {"/system.slice/x.servicex", NULL},
	};
	char *u;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u = (char *)"sentinel";
		if (cases[i].unit) {
			assert_int_equal(pd_cgroup_service(cases[i].path,
			                                   strlen(cases[i].path), &u), 0);
			assert_string_equal(u, cases[i].unit);
			free(u);
		} else {
			assert_int_equal(pd_cgroup_service(cases[i].path,
			                                   strlen(cases[i].path), &u),
			                 PD_ENOENT);
			assert_string_equal(u, "sentinel");
		}
	}
}

/* ----------------------------------------------------------- sysctls */

static void test_port_range(void **state)
{
	pd_range r, sentinel;
	size_t len;
	char *t;
	(void)state;

	assert_int_equal(pd_sysctl_port_range(S("32768\t60999\n"), &r), 0);
	assert_int_equal(r.start, 32768);
	assert_int_equal(r.end, 60999);
	assert_int_equal(r.proto, PD_PROTO_NONE);
	assert_int_equal(r.family, PD_FAMILY_ANY);
	assert_int_equal(pd_sysctl_port_range(S("1024 1024"), &r), 0);
	memset(&sentinel, 0x33, sizeof(sentinel));
	r = sentinel;
	assert_int_equal(pd_sysctl_port_range(S("60999\t32768\n"), &r), PD_ERANGE);
	assert_int_equal(pd_sysctl_port_range(S("32768\n"), &r), PD_EPARSE);
	assert_int_equal(pd_sysctl_port_range(S("32768\t"), &r), PD_EPARSE);
	assert_int_equal(pd_sysctl_port_range(S("32768\t65536\n"), &r), PD_EPARSE);
	assert_int_equal(pd_sysctl_port_range(S("32768\t60999 x\n"), &r), PD_EPARSE);
	assert_int_equal(pd_sysctl_port_range(S("-1\t60999\n"), &r), PD_EPARSE);
	assert_int_equal(pd_sysctl_port_range(S(""), &r), PD_EPARSE);
	assert_memory_equal(&r, &sentinel, sizeof(r));
	t = load("sysctl_ip_local_port_range", &len);
	assert_int_equal(pd_sysctl_port_range(t, len, &r), 0);
	assert_true(r.start <= r.end);
	free(t);
	t = load("sysctl_ip_local_port_range_netns", &len);
	assert_int_equal(pd_sysctl_port_range(t, len, &r), 0);
	assert_int_equal(r.start, 1024);
	assert_int_equal(r.end, 1024);
	free(t);
}

static void test_port_list(void **state)
{
	pd_range *rs = (pd_range *)0x1, *sent = (pd_range *)0x1;
	size_t n = 99, len;
	char *t;
	(void)state;

	assert_int_equal(pd_sysctl_port_list(S("8080,9000-9010\n"), &rs, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rs[0].start, 8080);
	assert_int_equal(rs[0].end, 8080);
	assert_int_equal(rs[1].start, 9000);
	assert_int_equal(rs[1].end, 9010);
	free(rs);
	assert_int_equal(pd_sysctl_port_list(S("\n"), &rs, &n), 0);
	assert_null(rs);
	assert_int_equal(n, 0);
	assert_int_equal(pd_sysctl_port_list(S(""), &rs, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(pd_sysctl_port_list(S("0,65535"), &rs, &n), 0);
	assert_int_equal(n, 2);
	free(rs);
	rs = sent;
	n = 99;
	assert_int_equal(pd_sysctl_port_list(S("8080,"), &rs, &n), PD_EPARSE);
	assert_int_equal(pd_sysctl_port_list(S(",8080"), &rs, &n), PD_EPARSE);
	assert_int_equal(pd_sysctl_port_list(S("9010-9000"), &rs, &n), PD_ERANGE);
	assert_int_equal(pd_sysctl_port_list(S("9000-"), &rs, &n), PD_EPARSE);
	assert_int_equal(pd_sysctl_port_list(S("65536"), &rs, &n), PD_ERANGE);
	assert_int_equal(pd_sysctl_port_list(S("80 81"), &rs, &n), PD_EPARSE);
	assert_int_equal(pd_sysctl_port_list(S("80;81"), &rs, &n), PD_EPARSE);
	assert_ptr_equal(rs, sent);
	assert_int_equal(n, 99);
	t = load("sysctl_ip_local_reserved_ports_netns", &len);
	assert_int_equal(pd_sysctl_port_list(t, len, &rs, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rs[2].start, 65535);
	free(rs);
	free(t);
	t = load("sysctl_ip_local_reserved_ports", &len);
	assert_int_equal(pd_sysctl_port_list(t, len, &rs, &n), 0);
	assert_int_equal(n, 0);
	free(t);
}

static void test_sysctl_int(void **state)
{
	int v = 7;
	(void)state;

	assert_int_equal(pd_sysctl_int(S("1024\n"), 0, 65536, &v), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(pd_sysctl_int(S("0"), 0, 65536, &v), 0);
	assert_int_equal(v, 0);
	v = 7;
	assert_int_equal(pd_sysctl_int(S("65537"), 0, 65536, &v), PD_ERANGE);
	assert_int_equal(pd_sysctl_int(S("-1"), 0, 65536, &v), PD_ERANGE);
	assert_int_equal(pd_sysctl_int(S("99999999999"), 0, 65536, &v), PD_ERANGE);
	assert_int_equal(pd_sysctl_int(S("1x"), 0, 65536, &v), PD_EPARSE);
	assert_int_equal(pd_sysctl_int(S(""), 0, 65536, &v), PD_EPARSE);
	assert_int_equal(v, 7);
	assert_int_equal(pd_sysctl_int(S("-5"), -10, 10, &v), 0);
	assert_int_equal(v, -5);
}

/* ------------------------------------------------------------ passwd */

static void test_passwd(void **state)
{
	static const char pw[] = "# comment\n"
	                         "root:x:0:0:root:/root:/bin/bash\n"
	                         "+nis:x:5:5::/:\n"
	                         "broken line\n"
	                         "bad:x:12x:1::/:\n"
	                         ":x:7:7::/:\n"
	                         "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
	                         "dup:x:33:33::/:\n"
	                         "last:x:4000000000:1::/:";
	char *n = (char *)"sentinel";
	size_t len;
	char *t;
	(void)state;

	assert_int_equal(pd_passwd_lookup(S(pw), 0, &n), 0);
	assert_string_equal(n, "root");
	free(n);
	assert_int_equal(pd_passwd_lookup(S(pw), 33, &n), 0);
	assert_string_equal(n, "www-data");
	free(n);
	assert_int_equal(pd_passwd_lookup(S(pw), 4000000000LL, &n), 0);
	assert_string_equal(n, "last");
	free(n);
	n = (char *)"sentinel";
	assert_int_equal(pd_passwd_lookup(S(pw), 5, &n), PD_ENOENT);
	assert_int_equal(pd_passwd_lookup(S(pw), 12, &n), PD_ENOENT);
	assert_int_equal(pd_passwd_lookup(S(pw), 7, &n), PD_ENOENT);
	assert_int_equal(pd_passwd_lookup(S(pw), -1, &n), PD_EINVAL);
	assert_int_equal(pd_passwd_lookup(S("root:x:0"), 0, &n), PD_ENOENT);
	assert_string_equal(n, "sentinel");
	t = load("passwd", &len);
	assert_int_equal(pd_passwd_lookup(t, len, 65534, &n), 0);
	assert_string_equal(n, "nobody");
	free(n);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_net_v4_listen),
	    cmocka_unit_test(test_net_v6),
	    cmocka_unit_test(test_net_malformed),
	    cmocka_unit_test(test_net_truncated_everywhere),
	    cmocka_unit_test(test_net_recorded),
	    cmocka_unit_test(test_state_map),
	    cmocka_unit_test(test_stat_plain),
	    cmocka_unit_test(test_stat_hostile_comm),
	    cmocka_unit_test(test_stat_malformed),
	    cmocka_unit_test(test_stat_long_comm_is_cut),
	    cmocka_unit_test(test_stat_recorded),
	    cmocka_unit_test(test_status),
	    cmocka_unit_test(test_btime),
	    cmocka_unit_test(test_cmdline),
	    cmocka_unit_test(test_text_dup),
	    cmocka_unit_test(test_cgroup),
	    cmocka_unit_test(test_mountinfo_cgroup2),
	    cmocka_unit_test(test_service),
	    cmocka_unit_test(test_port_range),
	    cmocka_unit_test(test_port_list),
	    cmocka_unit_test(test_sysctl_int),
	    cmocka_unit_test(test_passwd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
