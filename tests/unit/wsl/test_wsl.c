/* Unit tests: src/wsl/parse.c on recorded and hand-made WSL texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testdata.h"
#include "wsl/wsl.h"

#define S(x) x, strlen(x)

static void kernel_strings(void **state)
{
	(void)state;
	assert_int_equal(pd_wsl_kernel_version(S("5.15.167.4-microsoft-standard-WSL2\n")), 2);
	assert_int_equal(pd_wsl_kernel_version(S("Linux version 5.10.16.3-microsoft-standard-WSL2 (oe-user@oe-host)")), 2);
	assert_int_equal(pd_wsl_kernel_version(S("4.4.0-19041-Microsoft\n")), 1);
	assert_int_equal(pd_wsl_kernel_version(S("6.1.0-18-amd64\n")), 0);
	assert_int_equal(pd_wsl_kernel_version(S("")), 0);
	/* Never past len: "microsoft" cut off is not WSL. */
	assert_int_equal(pd_wsl_kernel_version("4.4.0-Microsof", 14), 0);
	assert_int_equal(pd_wsl_kernel_version(NULL, 0), 0);
}

static void ini_values(void **state)
{
	const char *conf =
		"# comment\n[boot]\nsystemd=true\n\n[ Interop ]\r\n"
		"Enabled = \"false\"\r\nappendWindowsPath=false ; no\n"
		"[wsl2]\nnetworkingMode=nat\nnetworkingMode = mirrored # newer\n"
		"[other]\nenabled=true\n";
	char v[32];

	(void)state;
	assert_true(pd_wsl_ini_get(S(conf), "interop", "enabled", v, sizeof(v)));
	assert_string_equal(v, "false");
	assert_int_equal(pd_wsl_ini_bool(v), 0);
	assert_true(pd_wsl_ini_get(S(conf), "interop", "appendwindowspath", v,
	                           sizeof(v)));
	assert_string_equal(v, "false");
	/* The last assignment wins, and its comment is dropped. */
	assert_true(pd_wsl_ini_get(S(conf), "wsl2", "networkingmode", v, sizeof(v)));
	assert_string_equal(v, "mirrored");
	assert_false(pd_wsl_ini_get(S(conf), "boot", "enabled", v, sizeof(v)));
	assert_false(pd_wsl_ini_get(S("[interop\nenabled=false\n"), "interop",
	                            "enabled", v, sizeof(v)));
	/* Cut to the buffer. */
	assert_true(pd_wsl_ini_get(S(conf), "wsl2", "networkingmode", v, 4));
	assert_string_equal(v, "mir");
	assert_int_equal(pd_wsl_ini_bool("Yes"), 1);
	assert_int_equal(pd_wsl_ini_bool("1"), 1);
	assert_int_equal(pd_wsl_ini_bool("maybe"), -1);
	assert_int_equal(pd_wsl_ini_bool(NULL), -1);
}

static void netmode_words(void **state)
{
	char n[24];

	(void)state;
	assert_int_equal(pd_wsl_netmode_parse(S("nat\n"), n, sizeof(n)),
	                 PD_WSL_NET_NAT);
	assert_string_equal(n, "nat");
	assert_int_equal(pd_wsl_netmode_parse(S("Mirrored\r\n"), n, sizeof(n)),
	                 PD_WSL_NET_MIRRORED);
	assert_string_equal(n, "mirrored");
	assert_int_equal(pd_wsl_netmode_parse(S("virtioproxy\n"), n, sizeof(n)),
	                 PD_WSL_NET_OTHER);
	assert_string_equal(n, "virtioproxy");
	assert_int_equal(pd_wsl_netmode_parse(S("\x1b[2Jnat"), n, sizeof(n)),
	                 PD_WSL_NET_UNKNOWN);
	assert_int_equal(pd_wsl_netmode_parse(S(""), n, sizeof(n)),
	                 PD_WSL_NET_UNKNOWN);
	/* An error message is no mode. */
	assert_int_equal(pd_wsl_netmode_parse(S("wslinfo: unknown option\n"), n,
	                                      sizeof(n)), PD_WSL_NET_UNKNOWN);
}

static void drive_mounts(void **state)
{
	char *t;
	size_t len;
	char out[64];

	(void)state;
	t = pd_test_load("wsl", "mounts-wsl2.txt", &len);
	assert_true(pd_wsl_drive_mount(t, len, out, sizeof(out)));
	assert_string_equal(out, "/mnt/c");
	free(t);
	t = pd_test_load("wsl", "mounts-wsl1.txt", &len);
	assert_true(pd_wsl_drive_mount(t, len, out, sizeof(out)));
	assert_string_equal(out, "/mnt/c");
	free(t);
	/* D: first, then C:: C: wins; escaped spaces decoded. */
	assert_true(pd_wsl_drive_mount(
		S("proc /proc proc rw 0 0\n"
		  "D:\\134 /mnt/d 9p rw,aname=drvfs;path=D:\\;uid=1000 0 0\n"
		  "C:\\134 /mnt/my\\040c 9p rw,aname=drvfs;path=C:\\;uid=1000 0 0\n"),
		out, sizeof(out)));
	assert_string_equal(out, "/mnt/my c");
	/* Only D: */
	assert_true(pd_wsl_drive_mount(S("drvfs /mnt/d 9p rw,aname=drvfs;path=D:\\ 0 0\n"),
	                               out, sizeof(out)));
	assert_string_equal(out, "/mnt/d");
	/* No Windows drive; a truncated line; a mount point too long. */
	assert_false(pd_wsl_drive_mount(S("tmpfs /mnt/c tmpfs rw 0 0\n/dev/sda1 / ext4"),
	                                out, sizeof(out)));
	assert_false(pd_wsl_drive_mount(S("C: /mnt/a-very-long-mount-point-name drvfs rw 0 0\n"),
	                                out, 8));
}

static void windows_paths(void **state)
{
	char out[64];

	(void)state;
	assert_true(pd_wsl_windows_path("C:\\Users\\dev", "/mnt", out, sizeof(out)));
	assert_string_equal(out, "/mnt/c/Users/dev");
	assert_true(pd_wsl_windows_path("D:\\", "/mnt/", out, sizeof(out)));
	assert_string_equal(out, "/mnt/d");
	assert_false(pd_wsl_windows_path("\\\\server\\share", "/mnt", out, sizeof(out)));
	assert_false(pd_wsl_windows_path("C:\\Users\\dev", "/mnt", out, 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_strings),
		cmocka_unit_test(ini_values),
		cmocka_unit_test(netmode_words),
		cmocka_unit_test(drive_mounts),
		cmocka_unit_test(windows_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
