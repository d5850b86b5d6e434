/*
 * log.c -- owns the process's diagnostic output: level filter, timestamp and
 * destination (stderr, which journald captures under systemd).
 *
 * The error convention for the whole code base: a function that can fail
 * returns 0 on success and -1 on failure, and the layer that knows the context
 * (file, row, SQL statement, peer address) logs one message saying what failed
 * and why.  Pure modules (csv, roster, metrics, wsproto...) never log: they hand
 * errors back in a struct and their caller decides.  Cleanup uses `goto fail`.
 */
#ifndef STEADY_LOG_H
#define STEADY_LOG_H

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

/* Set once by the top-level wiring (steadyd/steadyctl main) before any logging. */
void log_set_level(enum log_level level);
int log_level_parse(const char *name, enum log_level *out);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
