/*
 * Fuzz target: netsh output (pd_netsh_parse), without a hint and with the
 * hints the Windows probe passes, then the ranges into a snapshot.  The
 * whole input is netsh text; the hint comes from its length, so every
 * corpus file is plain recorded output.
 */
#include <stdint.h>
#include <stdlib.h>

#include "netsh/netsh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const pd_netsh_result *r)
{
	size_t i;

	for (i = 0; i < r->n_excluded; i++)
		if (r->excluded[i].start > r->excluded[i].end)
			abort();
	for (i = 0; i < r->n_dynamic; i++)
		if (r->dynamic[i].start > r->dynamic[i].end)
			abort();
	for (i = 0; i < r->n_urls; i++)
		if (r->urls[i].n_pids > PD_NETSH_MAX_PIDS)
			abort();
}

static void run(const uint8_t *data, size_t size, const pd_netsh_hint *hint)
{
	pd_netsh_result r;
	pd_snapshot *s;

	if (pd_netsh_parse((const char *)data, size, hint, &r) < 0)
		return;
	check(&r);
	s = pd_snapshot_new();
	if (s) {
		(void)pd_netsh_result_to_snapshot(&r, s);
		pd_snapshot_free(s);
	}
	pd_netsh_result_done(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const pd_netsh_kind kinds[] = {
	    PD_NETSH_EXCLUDED, PD_NETSH_DYNAMIC, PD_NETSH_PORTPROXY,
	    PD_NETSH_HTTP, PD_NETSH_UNKNOWN};
	pd_netsh_hint hint;

	run(data, size, NULL);
	/* One hint per input, picked by its length, so every kind is tried
	 * across the corpus without a selector byte in the files. */
	hint.kind = kinds[size % 5];
	hint.proto = (size / 5) % 2 ? PD_PROTO_UDP : PD_PROTO_TCP;
	hint.family = (size / 10) % 2 ? PD_FAMILY_V6 : PD_FAMILY_V4;
	run(data, size, &hint);
	return 0;
}
