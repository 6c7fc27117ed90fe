/*
 * Fuzz target: sock_diag netlink replies as src/probe/linux/sockets.c parses them
 * (pd__linux_sockets_parse_reply).  The input is one reply datagram; it
 * is copied to an aligned buffer, as recvmsg() fills one.  Each input goes
 * through the dumps of three probe plans (ports of interest; TCP
 * listeners; UDP listeners) for both families, and the TCP ones also as
 * the dump of both families at once, with sequence number 1.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/linux/linux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The probe's receive buffer. */
#define RECV_SIZE (64u * 1024u)

static void run(const unsigned char *buf, size_t len,
                const pd_probe_opts *opts, pd_family family, pd_proto proto)
{
	size_t dump;

	for (dump = 0; dump < 2; dump++) {
		pd_snapshot *s = pd_snapshot_new();
		bool done = false;
		int kerr = 0, r;

		if (!s)
			return;
		r = pd__linux_sockets_parse_reply(s, opts, family, proto, dump, 1,
		                                  buf, len, &done, &kerr);
		pd_snapshot_free(s);
		if (r == PD_EINVAL)
			return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const pd_range ports[] = {
	    {PD_PROTO_NONE, PD_FAMILY_ANY, 80, 80, false},
	    {PD_PROTO_TCP, PD_FAMILY_ANY, 8000, 8999, false},
	    {PD_PROTO_UDP, PD_FAMILY_V6, 53, 53, false}};
	pd_probe_opts poi = {0}, lis = {0};
	unsigned char *buf;
	int f;

	if (size > RECV_SIZE)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	poi.ports = ports;
	poi.n_ports = sizeof(ports) / sizeof(ports[0]);
	lis = poi;
	lis.listeners = true;
	for (f = 0; f < 2; f++) {
		pd_family fam = f ? PD_FAMILY_V6 : PD_FAMILY_V4;

		run(buf, size, &poi, fam, PD_PROTO_TCP);
		run(buf, size, &lis, fam, PD_PROTO_TCP);
		run(buf, size, &lis, fam, PD_PROTO_UDP);
	}
	run(buf, size, &poi, PD_FAMILY_ANY, PD_PROTO_TCP);
	run(buf, size, &lis, PD_FAMILY_ANY, PD_PROTO_TCP);
	free(buf);
	return 0;
}
