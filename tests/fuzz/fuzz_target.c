/*
 * Fuzz target: TARGET syntax (pd_target_parse, which wants a C string) and
 * address literals (pd_addr_parse, which takes (text, len)).  Whatever
 * parses is formatted again, so the formatters see every accepted shape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portdoctor/portdoctor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[PD_ADDR_STRLEN], out[256];
	pd_endpoint ep[2];
	pd_target t;
	pd_addr a;
	char *text;

	if (pd_addr_parse((const char *)data, size, &a) == 0) {
		pd_addr_format(&a, buf, sizeof(buf));
		(void)pd_addr_is_any(&a);
		(void)pd_addr_is_loopback(&a);
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (pd_target_parse(text, &t) == 0) {
		if (t.port_lo > t.port_hi)
			abort();
		pd_target_format(&t, t.port_lo, out, sizeof(out));
		pd_target_format(&t, t.port_hi, out, sizeof(out));
		(void)pd_target_endpoints(&t, t.port_lo, ep);
	}
	free(text);
	return 0;
}
