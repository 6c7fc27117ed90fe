/*
 * Fuzz target: error-message parsing (pd_errmsg_parse) on pasted text of
 * any bytes.  Checks the promises of src/explain/errmsg.h on each result.
 */
#include <stdint.h>
#include <stdlib.h>

#include "explain/errmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pd_errmsg *list = NULL;
	size_t n = 0, i;

	if (pd_errmsg_parse((const char *)data, size, &list, &n) < 0)
		return 0;
	if (n > PD_ERRMSG_MAX_RESULTS)
		abort();
	for (i = 0; i < n; i++) {
		if (list[i].port != -1 &&
		    (list[i].port < 1 || list[i].port > 65535))
			abort();
		if (!list[i].text)
			abort();
		(void)pd_errclass_name(list[i].error_class);
	}
	pd_errmsg_free(list, n);
	return 0;
}
