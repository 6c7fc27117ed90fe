/*
 * Fuzz target: the engine client's pure parsers (src/docker/http.c,
 * src/docker/api.c).  Every parser reads the same input: as an
 * HTTP response (whole, and cut at the end of the stream), as a container
 * list, as one container's inspect document, and as the CLI's context
 * files.  Seeds: the recorded answers in tests/data/docker.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docker/docker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	pd_http_response r;
	pd_snapshot *s;
	char *a = NULL, *b = NULL;
	bool done;
	size_t i;

	if (pd__http_parse(text, size, false, 1u << 20, &done, &r) == 0 && done)
		pd__http_response_done(&r);
	if (pd__http_parse(text, size, true, 1u << 20, &done, &r) == 0 && done)
		pd__http_response_done(&r);
	s = pd_snapshot_new();
	if (!s)
		return 0;
	if (pd__docker_parse_list(text, size, "docker", s, NULL, 0) == 0)
		for (i = 0; i < s->n_containers; i++)
			(void)pd__docker_parse_inspect(text, size, &s->containers[i]);
	pd_snapshot_free(s);
	if (pd__docker_config_context(text, size, &a) == 0)
		free(a);
	if (pd__docker_context_meta(text, size, &a, &b) == 0) {
		free(a);
		free(b);
	}
	return 0;
}
