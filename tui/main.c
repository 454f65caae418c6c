/* The warroom binary: everything but this file is in libwarroom, so the
 * tests link the same code. Main thread. */
#include "tui/cli.h"

int
main(int argc, char *argv[])
{
	return cli_main(argc, argv);
}
