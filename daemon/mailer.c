/*
 * mailer.c -- one message to the local sendmail (see mailer.h).
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "mailer.h"

extern char **environ;

#define POLL_MS 50

struct mailer {
	struct event_base *base;
	pid_t pid;
	int err_fd;              /* sendmail's stderr, read end */
	int pidfd;               /* -1: polling */
	struct event *err_ev, *exit_ev, *timeout_ev;
	char err[512];           /* the start of its stderr */
	size_t err_len;
	int timed_out;
	int timeout_ms;
	mailer_done_fn done;
	void *arg;
};

static void mailer_free(struct mailer *m)
{
	if (m->err_ev)
		event_free(m->err_ev);
	if (m->exit_ev)
		event_free(m->exit_ev);
	if (m->timeout_ev)
		event_free(m->timeout_ev);
	if (m->err_fd >= 0)
		close(m->err_fd);
	if (m->pidfd >= 0)
		close(m->pidfd);
	free(m);
}

/* Reads what sendmail wrote to stderr; keeps the start. */
static void drain_stderr(struct mailer *m)
{
	char chunk[512];
	for (;;) {
		ssize_t n = read(m->err_fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		size_t room = sizeof m->err - 1 - m->err_len;
		size_t k = (size_t)n < room ? (size_t)n : room;
		memcpy(m->err + m->err_len, chunk, k);
		m->err_len += k;
		m->err[m->err_len] = '\0';
	}
}

static void err_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mailer *m = arg;
	(void)fd;
	(void)what;
	drain_stderr(m);
}

static const char *sysexit_name(int code)
{
	static const char *const names[] = {
		"EX_USAGE", "EX_DATAERR", "EX_NOINPUT", "EX_NOUSER", "EX_NOHOST", "EX_UNAVAILABLE", "EX_SOFTWARE",
		"EX_OSERR", "EX_OSFILE", "EX_CANTCREAT", "EX_IOERR", "EX_TEMPFAIL", "EX_PROTOCOL", "EX_NOPERM",
		"EX_CONFIG",
	};
	return code >= 64 && code <= 78 ? names[code - 64] : NULL;
}

/* sendmail has exited with `status`: report, then free. */
static void finish(struct mailer *m, int status)
{
	char line[320] = "", why[480];
	drain_stderr(m);
	/* the first non-empty line of stderr, printable characters only */
	const char *s = m->err;
	while (*s == '\n' || *s == '\r')
		s++;
	size_t n = 0;
	for (; s[n] && s[n] != '\n' && n + 1 < sizeof line; n++)
		line[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? ' ' : s[n];
	while (n && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	int code = -1;
	if (m->timed_out) {
		snprintf(why, sizeof why, "sendmail did not finish within %d ms (killed)%s%s", m->timeout_ms,
			 *line ? ": " : "", line);
	} else if (WIFEXITED(status)) {
		code = WEXITSTATUS(status);
		const char *name = sysexit_name(code);
		snprintf(why, sizeof why, "sendmail exit %d%s%s%s%s%s", code, name ? " (" : "", name ? name : "",
			 name ? ")" : "", *line ? ": " : "", line);
	} else {
		snprintf(why, sizeof why, "sendmail killed by signal %d%s%s", WIFSIGNALED(status) ? WTERMSIG(status) : 0,
			 *line ? ": " : "", line);
	}
	m->done(m->arg, code, code == 0 ? NULL : why);
	mailer_free(m);
}

static void exit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mailer *m = arg;
	int status;
	(void)fd;
	(void)what;
	pid_t r;
	do
		r = waitpid(m->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return;  /* still running (polling, or a spurious wake-up) */
	if (r < 0) {
		/* ECHILD: someone else reaped it; nothing to learn */
		log_error("mailer: waiting for sendmail (pid %ld): %s", (long)m->pid, strerror(errno));
		status = 0xff00;  /* reported as exit 255 */
	}
	finish(m, status);
}

static void timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mailer *m = arg;
	(void)fd;
	(void)what;
	log_warn("mailer: sendmail (pid %ld) still running after %d ms: killing it", (long)m->pid, m->timeout_ms);
	m->timed_out = 1;
	kill(-m->pid, SIGKILL);
	kill(m->pid, SIGKILL);
}

/* pidfd_open(2), Linux 5.3; -1 where unavailable or filtered. */
static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

struct mailer *mailer_send(struct event_base *base, const char *program, const char *message, int timeout_ms,
			   mailer_done_fn done, void *arg, char *why, size_t len)
{
	int in[2] = { -1, -1 }, err[2] = { -1, -1 };
	int fa_ok = 0, attr_ok = 0;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct mailer *m = calloc(1, sizeof *m);
	size_t size = strlen(message);
	if (!m) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	m->base = base;
	m->err_fd = m->pidfd = -1;
	m->timeout_ms = timeout_ms;
	m->done = done;
	m->arg = arg;
	if (size > MAILER_MAX_MESSAGE) {
		snprintf(why, len, "the message is too large (%zu bytes)", size);
		goto fail;
	}
	/* the whole message into the pipe before sendmail exists: it reads all of it or nothing */
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || fcntl(in[1], F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(err[0], F_SETFL, O_NONBLOCK) < 0) {
		snprintf(why, len, "cannot create a pipe for sendmail: %s", strerror(errno));
		goto fail;
	}
	for (size_t off = 0; off < size;) {
		ssize_t w = write(in[1], message + off, size - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(why, len, "cannot queue the message for sendmail: %s",
				 w < 0 && errno != EAGAIN ? strerror(errno) : "it does not fit the pipe");
			goto fail;
		}
		off += (size_t)w;
	}
	close(in[1]);
	in[1] = -1;

	sigset_t none, dflt;
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);  /* steadyd ignores it; sendmail gets the default */
	if (posix_spawn_file_actions_init(&fa) != 0)
		goto oom;
	fa_ok = 1;
	if (posix_spawnattr_init(&attr) != 0)
		goto oom;
	attr_ok = 1;
	if (posix_spawn_file_actions_adddup2(&fa, in[0], 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, err[1], 2) != 0 ||
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	    posix_spawn_file_actions_addclosefrom_np(&fa, 3) != 0 ||
#endif
	    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) !=
		    0 ||
	    posix_spawnattr_setpgroup(&attr, 0) != 0 || posix_spawnattr_setsigmask(&attr, &none) != 0 ||
	    posix_spawnattr_setsigdefault(&attr, &dflt) != 0)
		goto oom;
	char *argv[] = { (char *)program, (char *)"-i", (char *)"-t", NULL };
	int rc = posix_spawn(&m->pid, program, &fa, &attr, argv, environ);
	if (rc != 0) {
		snprintf(why, len, "cannot run %s: %s", program, strerror(rc));
		goto fail;
	}
	close(in[0]);
	close(err[1]);
	in[0] = err[1] = -1;
	m->err_fd = err[0];
	err[0] = -1;

	m->pidfd = open_pidfd(m->pid);
	m->exit_ev = m->pidfd >= 0 ? event_new(base, m->pidfd, EV_READ | EV_PERSIST, exit_cb, m)
				   : event_new(base, -1, EV_PERSIST, exit_cb, m);
	m->err_ev = event_new(base, m->err_fd, EV_READ | EV_PERSIST, err_cb, m);
	m->timeout_ev = evtimer_new(base, timeout_cb, m);
	struct timeval poll = { 0, POLL_MS * 1000 }, to = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	if (!m->exit_ev || !m->err_ev || !m->timeout_ev ||
	    event_add(m->exit_ev, m->pidfd >= 0 ? NULL : &poll) < 0 || event_add(m->err_ev, NULL) < 0 ||
	    evtimer_add(m->timeout_ev, &to) < 0) {
		snprintf(why, len, "out of memory watching sendmail");
		mailer_cancel(m);
		m = NULL;
		goto out;
	}
	log_debug("mailer: %s -i -t started (pid %ld, %zu bytes, %s)", program, (long)m->pid, size,
		  m->pidfd >= 0 ? "pidfd" : "polling");
	goto out;
oom:
	snprintf(why, len, "out of memory starting sendmail");
fail:
	mailer_free(m);
	m = NULL;
out:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (attr_ok)
		posix_spawnattr_destroy(&attr);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return m;
}

void mailer_cancel(struct mailer *m)
{
	if (!m)
		return;
	if (m->pid > 0) {
		kill(-m->pid, SIGKILL);
		kill(m->pid, SIGKILL);
		/* usually not dead yet: the zombie is reaped by init once steadyd exits */
		waitpid(m->pid, NULL, WNOHANG);
	}
	mailer_free(m);
}
