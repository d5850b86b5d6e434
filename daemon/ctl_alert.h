/*
 * ctl_alert.c -- steadyctl's alerting commands, straight against PostgreSQL:
 *   rules list | rules set FIGURE [--team CODE] [--amber N] [--amber-clear N]
 *     [--red N] [--red-clear N] [--min-den N] [--pending N] [--enabled yes|no]
 *     [--direction higher_is_worse|lower_is_worse] | rules delete FIGURE [--team CODE]
 *   alerts list [--all] | alerts ack ID COMMENT
 *   receivers add NAME json|teams|slack URL [--timeout-ms N]
 *   | receivers add NAME email ADDRESS[,ADDRESS...] [--timeout-ms N] | receivers list | receivers del ID
 */
#ifndef STEADY_CTL_ALERT_H
#define STEADY_CTL_ALERT_H

#include <libpq-fe.h>

/* Is `cmd` one of "rules", "alerts", "receivers"? */
int ctl_alert_handles(const char *cmd);
/* argv[0] is the command.  Returns the exit status (0, 1 failure, 64 usage). */
int ctl_alert(PGconn *conn, int argc, char **argv);

#endif
