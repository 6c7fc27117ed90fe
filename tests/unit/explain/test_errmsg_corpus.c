/*
 * Scores the error-message parser on real messages from public threads
 * (tests/data/corpus, issue 19): port, address and error class of the
 * first failure found, against labels that say only what the message text
 * says (null where it says nothing).
 *
 *   dev-more.jsonl  the set the parser was changed against;
 *   heldout.jsonl   collected first and never read while changing the
 *                   parser; scored only to see how the rules generalize.
 *
 * Each set must reach the thresholds below, in tenths of a percent (what
 * the parser measured when they were set, rounded down).  A message with no failure found counts as
 * port null, address null, class "unknown".  PD_CORPUS_VERBOSE=1 prints
 * every miss of the dev set (never of the held-back set).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "explain/errmsg.h"

typedef struct score {
	int recs, port, addr, cls;
} score;

static const char *data_dir(void)
{
	const char *d = getenv("PD_TEST_DATA");
	return d && *d ? d : "tests/data";
}

static const char *label_class(json_t *rec)
{
	const char *c = json_string_value(json_object_get(rec, "errno_class"));
	if (!c)
		return "unknown";
	return strcmp(c, "not_available_addr") == 0 ? "address_not_available" : c;
}

static void score_one(json_t *rec, const pd_errmsg *m, bool verbose, score *sc)
{
	json_t *wp = json_object_get(rec, "port"), *wa = json_object_get(rec, "address");
	int want_port = json_is_integer(wp) ? (int)json_integer_value(wp) : -1;
	const char *want_addr = json_string_value(wa);
	const char *got_addr = m ? m->address : NULL;
	int got_port = m && m->port > 0 ? m->port : -1;
	const char *got_cls = m ? pd_errclass_name(m->error_class) : "unknown";
	bool ok_p = want_port == got_port;
	bool ok_a = (!want_addr && !got_addr) ||
	            (want_addr && got_addr && strcmp(want_addr, got_addr) == 0);
	bool ok_c = strcmp(label_class(rec), got_cls) == 0;

	sc->recs++;
	sc->port += ok_p;
	sc->addr += ok_a;
	sc->cls += ok_c;
	if (verbose && !(ok_p && ok_a && ok_c))
		print_message("%s: port %d/%d addr %s/%s class %s/%s\n",
		              json_string_value(json_object_get(rec, "id")), want_port, got_port,
		              want_addr ? want_addr : "-", got_addr ? got_addr : "-",
		              label_class(rec), got_cls);
}

static score score_file(const char *name, bool verbose)
{
	char path[1024], line[1 << 16];
	score sc = {0, 0, 0, 0};
	FILE *fp;

	snprintf(path, sizeof(path), "%s/corpus/%s", data_dir(), name);
	fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), fp)) {
		json_error_t err;
		json_t *rec = json_loads(line, 0, &err);
		const char *msg;
		pd_errmsg *list = NULL;
		size_t n = 0;
		if (!rec)
			fail_msg("%s: bad JSON line: %s", name, err.text);
		msg = json_string_value(json_object_get(rec, "message"));
		assert_non_null(msg);
		assert_non_null(json_string_value(json_object_get(rec, "source")));
		assert_int_equal(pd_errmsg_parse(msg, strlen(msg), &list, &n), 0);
		score_one(rec, n ? &list[0] : NULL, verbose, &sc);
		pd_errmsg_free(list, n);
		json_decref(rec);
	}
	fclose(fp);
	return sc;
}

static int pct10(int k, int n) /* tenths of a percent, rounded down */
{
	return n ? (int)((1000L * k) / n) : 0;
}

static void check(const char *name, bool verbose, int min_port, int min_addr, int min_cls,
                  int min_recs)
{
	score sc = score_file(name, verbose);
	print_message("%s: %d messages; port %d (%d.%d%%), address %d (%d.%d%%), class %d "
	              "(%d.%d%%)\n",
	              name, sc.recs, sc.port, pct10(sc.port, sc.recs) / 10,
	              pct10(sc.port, sc.recs) % 10, sc.addr, pct10(sc.addr, sc.recs) / 10,
	              pct10(sc.addr, sc.recs) % 10, sc.cls, pct10(sc.cls, sc.recs) / 10,
	              pct10(sc.cls, sc.recs) % 10);
	assert_true(sc.recs >= min_recs);
	assert_true(pct10(sc.port, sc.recs) >= min_port);
	assert_true(pct10(sc.addr, sc.recs) >= min_addr);
	assert_true(pct10(sc.cls, sc.recs) >= min_cls);
}

static void test_dev(void **state)
{
	const char *v = getenv("PD_CORPUS_VERBOSE");
	(void)state;
	/* Measured: port 97.4 %, address 97.4 %, class 99.1 % (before the
	 * rules of issue 19: 81.1, 87.9, 93.9). */
	check("dev-more.jsonl", v && *v == '1', 970, 970, 990, 200);
}

static void test_heldout(void **state)
{
	(void)state;
	/* Measured once, after the change: port 97.4 %, address 98.3 %, class
	 * 97.4 % (before it: 91.5, 95.7, 94.9).  Issue 19's targets are 97, 95
	 * and 95. */
	check("heldout.jsonl", false, 970, 980, 970, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dev),
		cmocka_unit_test(test_heldout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
