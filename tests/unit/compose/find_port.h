/*
 * Shared by the Compose unit tests: the entry of a project that publishes
 * a given host port for a service.
 */
#ifndef PD_TEST_FIND_PORT_H
#define PD_TEST_FIND_PORT_H

#include <string.h>

#include "compose/compose.h"

/* The entry of service svc whose host ports start at port, or NULL. */
static inline const pd_compose_port *find(const pd_compose_project *p,
                                          const char *svc, unsigned port)
{
	size_t i;

	for (i = 0; i < p->n_ports; i++)
		if (strcmp(p->ports[i].service, svc) == 0 &&
		    p->ports[i].target.port_lo == port)
			return &p->ports[i];
	return NULL;
}

#endif
