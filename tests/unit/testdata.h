/*
 * Reading recorded test data (tests/data, or $PD_TEST_DATA) in the unit
 * tests.  Header-only: each test program includes it once, after cmocka.
 */
#ifndef PD_TEST_TESTDATA_H
#define PD_TEST_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file DIR/SUBDIR/NAME: exactly its bytes, with no NUL after
 * them, so AddressSanitizer catches a parser reading past len.  Fails the
 * test when the file cannot be read. */
static inline char *pd_test_load(const char *subdir, const char *name,
                                 size_t *ret_len)
{
	const char *dir = getenv("PD_TEST_DATA");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	if (!dir || !*dir)
		dir = "tests/data";
	snprintf(path, sizeof(path), "%s/%s/%s", dir, subdir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set PD_TEST_DATA)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc(n > 0 ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

#endif
