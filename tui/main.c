/* The warroom binary: everything but this file is in libwarroom, so the
 * tests link the same code. Main thread. */
#include <stdio.h>
#include <unistd.h>

#include "tui/cli.h"

int
main(int argc, char *argv[])
{
	int status = cli_main(argc, argv);

	if (cli_left_threads()) {
		fflush(NULL);
		_exit(status);
	}
	return status;
}
