/*
 * Fuzz target: pd_wslconfig_netmode (.wslconfig text, src/wsl).  The mode
 * must be one of the three, and the same bytes must give the same answer.
 */
#include <stdint.h>
#include <stdlib.h>

#include "portdoctor/portdoctor.h"
#include "wsl/wsl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pd_wsl_netmode a, b;

	if (pd_wslconfig_netmode((const char *)data, size, &a) < 0)
		return 0;
	if (a != PD_WSL_NET_NAT && a != PD_WSL_NET_MIRRORED &&
	    a != PD_WSL_NET_OTHER)
		abort();
	if (pd_wslconfig_netmode((const char *)data, size, &b) < 0 || a != b)
		abort();
	return 0;
}
