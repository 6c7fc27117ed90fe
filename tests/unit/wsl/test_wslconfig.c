/* Unit tests: src/wsl/wslconfig.c on real .wslconfig files
 * (tests/data/wslconfig/README.md) and the edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdata.h"

#include "portdoctor/portdoctor.h"
#include "wsl/wsl.h"

static pd_wsl_netmode mode_of_file(const char *name)
{
	pd_wsl_netmode m = (pd_wsl_netmode)77;
	size_t len;
	char *text = pd_test_load("wslconfig", name, &len);

	assert_int_equal(pd_wslconfig_netmode(text, len, &m), 0);
	free(text);
	return m;
}

static pd_wsl_netmode mode_of(const char *text)
{
	pd_wsl_netmode m = (pd_wsl_netmode)77;

	assert_int_equal(pd_wslconfig_netmode(text, strlen(text), &m), 0);
	return m;
}

static void test_real_files(void **state)
{
	(void)state;
	assert_int_equal(mode_of_file("mirrored-41135.wslconfig"),
	                 PD_WSL_NET_MIRRORED);
	assert_int_equal(mode_of_file("experimental-11090.wslconfig"),
	                 PD_WSL_NET_MIRRORED);
	assert_int_equal(mode_of_file("commented-11228.wslconfig"),
	                 PD_WSL_NET_MIRRORED);
	assert_int_equal(mode_of_file("capital-gist.wslconfig"),
	                 PD_WSL_NET_MIRRORED);
	assert_int_equal(mode_of_file("nat-comment.wslconfig"), PD_WSL_NET_NAT);
	assert_int_equal(mode_of_file("other-section.wslconfig"),
	                 PD_WSL_NET_OTHER);
}

static void test_edges(void **state)
{
	(void)state;
	assert_int_equal(mode_of(""), PD_WSL_NET_NAT);
	/* Outside any section, or in a section WSL does not read it from. */
	assert_int_equal(mode_of("networkingMode=mirrored\n"), PD_WSL_NET_NAT);
	assert_int_equal(mode_of("[boot]\nnetworkingMode=mirrored"),
	                 PD_WSL_NET_NAT);
	/* [wsl2] wins over [experimental], whatever the order. */
	assert_int_equal(mode_of("[wsl2]\nnetworkingMode=nat\n[experimental]\n"
	                         "networkingMode=mirrored\n"), PD_WSL_NET_NAT);
	assert_int_equal(mode_of("[experimental]\nnetworkingMode=nat\n[WSL2]\n"
	                         "NETWORKINGMODE = 'Mirrored'\n"),
	                 PD_WSL_NET_MIRRORED);
	/* The last assignment wins. */
	assert_int_equal(mode_of("[wsl2]\nnetworkingMode=mirrored\n"
	                         "networkingMode=nat\n"), PD_WSL_NET_NAT);
	/* A longer key is another key; an empty value is the default. */
	assert_int_equal(mode_of("[wsl2]\nnetworkingModeX=mirrored\n"),
	                 PD_WSL_NET_NAT);
	assert_int_equal(mode_of("[wsl2]\nnetworkingMode=\n"), PD_WSL_NET_NAT);
	assert_int_equal(mode_of("[wsl2]\nnetworkingMode=bridged\n"),
	                 PD_WSL_NET_OTHER);
	/* No newline at the end; CR only at the end of lines. */
	assert_int_equal(mode_of("[wsl2]\r\nnetworkingMode=mirrored"),
	                 PD_WSL_NET_MIRRORED);
}

static void test_bad_args_and_bounds(void **state)
{
	static const char cut[] = "[wsl2]\nnetworkingMode=mirroredXYZ";
	pd_wsl_netmode m = (pd_wsl_netmode)77;

	(void)state;
	assert_int_equal(pd_wslconfig_netmode(NULL, 0, &m), PD_EINVAL);
	assert_int_equal(pd_wslconfig_netmode("", 0, NULL), PD_EINVAL);
	assert_int_equal(pd_wslconfig_netmode("x", PD_WSLCONFIG_MAX_INPUT + 1,
	                                      &m), PD_ETOOBIG);
	assert_int_equal((int)m, 77);
	/* len ends the text: the bytes after it are never read. */
	assert_int_equal(pd_wslconfig_netmode(cut, sizeof(cut) - 4, &m), 0);
	assert_int_equal(m, PD_WSL_NET_MIRRORED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_files),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_bad_args_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
