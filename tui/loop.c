/* The event loop: sleeps in poll() on the terminal, the state's wakeup
 * pipe and the signal pipe, with a timeout only for the next second; feeds
 * keys and clicks through the keymap to the one place that applies
 * commands; collects what changed; draws the dirty parts, one doupdate()
 * per wakeup. An idle dashboard sleeps and writes nothing but its clock.
 * UI thread only. */
#include "tui/loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "core/clock.h"
#include "tui/app.h"
#include "tui/command.h"
#include "tui/screen.h"
#include "tui/term.h"

/* Consecutive empty reads of a readable stdin taken as end of input. */
#define STDIN_EOF_READS 20


/* Sleep until the next wall-clock second while a clock is on screen;
 * otherwise until something happens. */
static int
loop_timeout(const struct app *a)
{
	int64_t now;

	if (a->first_run || a->lay.mode == LAYOUT_TOO_SMALL) {
		return -1;
	}
	now = clock_wall_ms();
	return (int)(1000 - now % 1000) + 1;
}

static void
handle_signals(struct app *a)
{
	int sig, rows, cols;

	while ((sig = term_next_signal()) != 0) {
		if (sig == SIGWINCH) {
			if (term_size(&rows, &cols)) {
				resizeterm(rows, cols);
				app_resize(a, rows, cols);
			}
			continue;
		}
		/* INT, TERM, HUP (the SSH session went away), QUIT: no
		 * confirmation, nobody may be there to give it. */
		a->quit = true;
		a->exit_status = 128 + sig;
	}
}

/* Reads every key ncurses has; returns how many. */
static int
read_keys(struct app *a, WINDOW *in)
{
	wint_t wch;
	int rc, n = 0;

	while (!a->quit && !a->start_demo &&
	       (rc = wget_wch(in, &wch)) != ERR) {
		n++;
		if (rc == KEY_CODE_YES && wch == KEY_MOUSE) {
			MEVENT ev;

			if (getmouse(&ev) == OK) {
				command_mouse(a, &ev);
			}
		} else {
			command_key(a, (int)wch, rc != KEY_CODE_YES);
		}
	}
	return n;
}

/* Probes that share an interval publish within a few ms of one another.
 * After a wakeup that brought only data, the loop waits this long for the
 * rest, so that they reach the terminal as one update; a key or a signal
 * ends the wait at once. */
#define SETTLE_MS 15

int
loop_run(struct app *a)
{
	WINDOW *in = newpad(1, 1);
	int rows, cols, empty_reads = 0;
	int64_t settle_until = 0;

	/* Keys are read through a pad: wget_wch() on a pad never refreshes,
	 * so the only screen output is the one doupdate() per wakeup. */
	keypad(in, TRUE);
	nodelay(in, TRUE);
	a->win = stdscr;
	getmaxyx(stdscr, rows, cols);
	app_resize(a, rows, cols);
	a->quit = false;
	a->exit_status = 0;
	command_collect(a);
	screen_draw(a);
	wnoutrefresh(stdscr);
	doupdate();

	while (!a->quit && !a->start_demo) {
		struct pollfd fds[3] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = state_wakeup_fd(a->st), .events = POLLIN },
			{ .fd = term_signal_fd(), .events = POLLIN },
		};

		int64_t now = clock_mono_ms();
		int timeout = settle_until > now ? (int)(settle_until - now)
						 : loop_timeout(a);

		if (poll(fds, 3, timeout) < 0 && errno != EINTR) {
			a->exit_status = 1;
			break;
		}
		if ((fds[1].revents & POLLIN) && !(fds[0].revents & POLLIN) &&
		    !(fds[2].revents & POLLIN)) {
			state_drain(a->st);
			now = clock_mono_ms();
			if (settle_until == 0) {
				settle_until = now + SETTLE_MS;
			}
			if (settle_until > now) {
				continue;
			}
		}
		settle_until = 0;
		if (fds[2].revents & POLLIN) {
			handle_signals(a);
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL) &&
		    !(fds[0].revents & POLLIN)) {
			a->quit = true;
			a->exit_status = 1;
		} else if (fds[0].revents & POLLIN) {
			/* A readable stdin that yields nothing, again and
			 * again, is a closed one. */
			if (read_keys(a, in) == 0) {
				if (++empty_reads >= STDIN_EOF_READS) {
					a->quit = true;
					a->exit_status = 1;
				}
			} else {
				empty_reads = 0;
			}
		}
		if (a->quit) {
			break;
		}
		command_collect(a);
		if (screen_draw(a)) {
			wnoutrefresh(stdscr);
			doupdate();
		}
	}
	delwin(in);
	return a->exit_status;
}
