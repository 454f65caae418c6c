/* The terminal: startup checks, ncurses setup and teardown, and signals.
 * Signals reach the event loop through a self-pipe; a fatal signal restores
 * the terminal with async-signal-safe writes and re-raises. Main (UI)
 * thread only, except the signal handlers themselves. */
#ifndef WARROOM_TERM_H
#define WARROOM_TERM_H

#include <signal.h>
#include <stdbool.h>

#include "core/err.h"

/* Can this process draw a dashboard? Checks that stdin and stdout are
 * terminals and that TERM names a known terminal that can address the
 * cursor. Returns 0, or -1 with a one-line reason. Touches nothing. */
int term_check(struct err *err);

/* Installs the signal handlers, starts ncurses on the terminal (alternate
 * screen, no echo, keypad, mouse) and captures what a crash needs to
 * restore it. Returns 0, or -1 with a reason (nothing left changed). */
int term_open(struct err *err);

/* Restores the terminal and the signal dispositions. Safe to call twice. */
void term_close(void);

/* Readable when a signal arrived (SIGINT, SIGTERM, SIGHUP, SIGWINCH). */
int term_signal_fd(void);

/* The next signal that arrived, or 0 when none is pending. */
int term_next_signal(void);

/* The terminal's size now; false when it cannot be read. */
bool term_size(int *rows, int *cols);

/* Blocks the signals the loop handles in the calling thread, so threads
 * started until term_unblock_signals() inherit a mask that leaves them to
 * the UI thread. */
void term_block_signals(sigset_t *saved);
void term_unblock_signals(const sigset_t *saved);

#endif
