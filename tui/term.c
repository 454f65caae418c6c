/* Terminal setup and restore, and the signal self-pipe. UI thread, except
 * on_signal() and on_fatal(), which run as signal handlers and so only
 * call async-signal-safe functions on data captured at start. */
#include "tui/term.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
/* tui/term.h shadows <term.h> on the include path. */
#include <ncursesw/term.h>

#include "core/xalloc.h"

/* Handled by the event loop: quit (INT, TERM, HUP, QUIT) or resize. */
static const int loop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGWINCH };
/* Fatal: restore the terminal, then die the way the signal means. */
static const int fatal_signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE,
				     SIGILL };

#define N_LOOP (sizeof(loop_signals) / sizeof(loop_signals[0]))
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static int sig_pipe[2] = { -1, -1 };
static struct sigaction old_loop[N_LOOP];
static struct sigaction old_fatal[N_FATAL];
static bool handlers_on;
static bool fatal_on;

static SCREEN *screen;
static FILE *term_out;
static struct termios saved_tio;
static volatile sig_atomic_t have_tio;
/* Bytes that put the terminal back: mouse off, attributes off, cursor on,
 * keypad off, leave the alternate screen. Written by on_fatal(). */
static char restore_seq[512];
static volatile sig_atomic_t restore_len;

static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) {
		/* pipe full: a signal is already pending, that is enough */
	}
	errno = saved;
}

static void
on_fatal(int sig)
{
	struct sigaction dfl;

	if (restore_len > 0 &&
	    write(STDOUT_FILENO, restore_seq, (size_t)restore_len) < 0) {
		/* nothing more can be done */
	}
	if (have_tio) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

int
term_check(struct err *err)
{
	const char *term = getenv("TERM");
	int errret = 0;
	const char *cup;

	if (!isatty(STDOUT_FILENO)) {
		return err_set(err, "stdout is not a terminal "
			       "(use --snapshot to print one frame as text)");
	}
	if (!isatty(STDIN_FILENO)) {
		return err_set(err, "stdin is not a terminal");
	}
	if (term == NULL || term[0] == '\0') {
		return err_set(err, "TERM is not set");
	}
	if (strcmp(term, "dumb") == 0) {
		return err_set(err, "TERM=dumb cannot draw a dashboard "
			       "(use --snapshot to print one frame as text)");
	}
	/* With errret set, setupterm reports instead of printing and
	 * exiting as initscr would. */
	if (setupterm(term, STDOUT_FILENO, &errret) != OK) {
		if (errret == -1) {
			return err_set(err, "no terminfo database found "
				       "for TERM=%.64s", term);
		}
		return err_set(err, "unknown terminal type TERM=%.64s", term);
	}
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		del_curterm(cur_term);
		return err_set(err, "TERM=%.64s cannot move the cursor", term);
	}
	del_curterm(cur_term);
	return 0;
}

static void
restore_add(const char *cap)
{
	size_t len, have = (size_t)restore_len;

	if (cap == NULL || cap == (char *)-1) {
		return;
	}
	len = strlen(cap);
	if (have + len >= sizeof(restore_seq)) {
		return;
	}
	memcpy(restore_seq + have, cap, len);
	restore_len = (sig_atomic_t)(have + len);
}

static void
capture_restore(void)
{
	const char *xm = tigetstr("XM");
	const char *kmous = tigetstr("kmous");

	restore_len = 0;
	/* ncurses turns the mouse on with XM when the entry has it, else
	 * with the xterm default; turn off what it could have turned on. */
	if (xm != NULL && xm != (char *)-1) {
		restore_add(tiparm(xm, 0));
	} else if (kmous != NULL && kmous != (char *)-1) {
		restore_add("\033[?1000l\033[?1002l\033[?1006l");
	}
	restore_add(tigetstr("sgr0"));
	restore_add(tigetstr("cnorm"));
	restore_add(tigetstr("rmkx"));
	restore_add(tigetstr("rmcup"));
}

static void
install_loop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < N_LOOP; i++) {
		sigaction(loop_signals[i], &sa, &old_loop[i]);
	}
	handlers_on = true;
}

static void
install_fatal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < N_FATAL; i++) {
		sigaction(fatal_signals[i], &sa, &old_fatal[i]);
	}
	fatal_on = true;
}

static void
restore_handlers(void)
{
	if (fatal_on) {
		for (size_t i = 0; i < N_FATAL; i++) {
			sigaction(fatal_signals[i], &old_fatal[i], NULL);
		}
		fatal_on = false;
	}
	if (handlers_on) {
		for (size_t i = 0; i < N_LOOP; i++) {
			sigaction(loop_signals[i], &old_loop[i], NULL);
		}
		handlers_on = false;
	}
}

static void
close_pipe(void)
{
	for (int i = 0; i < 2; i++) {
		if (sig_pipe[i] >= 0) {
			close(sig_pipe[i]);
			sig_pipe[i] = -1;
		}
	}
}

int
term_open(struct err *err)
{
	if (pipe(sig_pipe) < 0) {
		return err_set(err, "pipe: %s", strerror(errno));
	}
	for (int i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFL,
		      fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	if (tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
		have_tio = 1;
	}
	/* Installed before newterm, so ncurses keeps its own handlers for
	 * these signals out (it only replaces SIG_DFL). */
	install_loop_handlers();

	/* A private stream, so that the stdout buffer of the rest of the
	 * program never interleaves with screen output. */
	term_out = fdopen(dup(STDOUT_FILENO), "w");
	if (term_out == NULL) {
		restore_handlers();
		close_pipe();
		return err_set(err, "cannot open the terminal: %s",
			       strerror(errno));
	}
	screen = newterm(NULL, term_out, stdin);
	if (screen == NULL) {
		fclose(term_out);
		term_out = NULL;
		restore_handlers();
		close_pipe();
		return err_set(err, "cannot start the terminal (TERM=%.64s)",
			       getenv("TERM") ? getenv("TERM") : "");
	}
	set_term(screen);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	/* The cursor is never shown: an update need not move it back to
	 * where the last drawing left it (8 bytes, on every update). */
	leaveok(stdscr, TRUE);
	set_escdelay(25);
	mouseinterval(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
		  BUTTON5_PRESSED, NULL);
	capture_restore();
	install_fatal_handlers();
	return 0;
}

void
term_close(void)
{
	if (screen != NULL) {
		mousemask(0, NULL);
		endwin();
		delscreen(screen);
		screen = NULL;
		fflush(term_out);
		fclose(term_out);
		term_out = NULL;
	}
	restore_len = 0;
	restore_handlers();
	close_pipe();
}

int
term_signal_fd(void)
{
	return sig_pipe[0];
}

int
term_next_signal(void)
{
	unsigned char b;

	if (sig_pipe[0] < 0) {
		return 0;
	}
	if (read(sig_pipe[0], &b, 1) == 1) {
		return b;
	}
	return 0;
}

bool
term_size(int *rows, int *cols)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 ||
	    ws.ws_col == 0) {
		return false;
	}
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return true;
}

void
term_block_signals(sigset_t *saved)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < N_LOOP; i++) {
		sigaddset(&set, loop_signals[i]);
	}
	pthread_sigmask(SIG_BLOCK, &set, saved);
}

void
term_unblock_signals(const sigset_t *saved)
{
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}
