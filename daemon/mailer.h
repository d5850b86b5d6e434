/*
 * mailer.c -- hands one message to the local sendmail without blocking the
 * event loop (email receivers, docs/alerts.md "Email").
 *
 * The message is written whole into a pipe (non-blocking; it must fit the
 * pipe, MAILER_MAX_MESSAGE) and the pipe's write end closed *before* the
 * child starts, so sendmail can never read a truncated message, whatever
 * happens to steadyd meanwhile.  sendmail runs through posix_spawn (no
 * shell) as `PROGRAM -i -t` (recipients from the To header) in a process
 * group of its own, stdin the pipe, stdout /dev/null, stderr a pipe read on
 * the loop (the first line is kept for the error text).  Its exit is
 * noticed through a pidfd where the kernel and the syscall filter allow
 * pidfd_open, else by polling waitpid(pid, WNOHANG) every 50 ms: no SIGCHLD
 * handler is installed and no other child is ever reaped.  After the
 * timeout the process group is killed (SIGKILL) and the attempt fails.
 */
#ifndef STEADY_MAILER_H
#define STEADY_MAILER_H

struct event_base;
struct mailer;

#define MAILER_MAX_MESSAGE (4096 * 15)   /* below the 64 KiB of a default pipe */

/* exit_status: sendmail's exit status (0 = accepted), or -1 (killed, timed
 * out, lost); error: NULL when accepted, else why not, e.g. "sendmail exit
 * 75 (EX_TEMPFAIL): <its first stderr line>".  Called once, from the loop. */
typedef void (*mailer_done_fn)(void *arg, int exit_status, const char *error);

/* Starts sendmail.  On failure returns NULL with the reason in why (len
 * bytes) and never calls done.  Once done has been called the mailer frees
 * itself. */
struct mailer *mailer_send(struct event_base *base, const char *program, const char *message, int timeout_ms,
			   mailer_done_fn done, void *arg, char *why, size_t len);

/* Abandons a send in progress without calling done: kills the process group
 * (a message accepted meanwhile may be sent again after the outbox lease). */
void mailer_cancel(struct mailer *m);

#endif
