/* placeholder */
#include "cli.h"
int cmd_completion(const cli_opts *o)
{
	(void)o;
	return EXIT_USAGE;
}
