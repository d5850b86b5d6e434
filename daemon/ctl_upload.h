/*
 * ctl_upload.c -- steadyctl's upload commands: `upload` (with --dry-run and
 * --profile), `uploads` (the history) and `revert ID`.  Same validation, the
 * same one-transaction load and the same SQL functions as the daemon's API.
 */
#ifndef STEADY_CTL_UPLOAD_H
#define STEADY_CTL_UPLOAD_H

#include <libpq-fe.h>

/* argv[0] is the command name; return the process exit status. */
int ctl_upload(PGconn *conn, int argc, char **argv);
int ctl_uploads(PGconn *conn, int argc, char **argv);
int ctl_revert(PGconn *conn, int argc, char **argv);

#define CTL_UPLOAD_USAGE \
	"  upload [--kind roster|allocations] --source SOURCE --as-of DATE [--profile NAME]\n" \
	"         [--dry-run [--json]] FILE   store (or only preview) an extract; - = stdin\n" \
	"  uploads [--limit N]             upload history: every batch and its status\n" \
	"  revert BATCH_ID                 take a batch out of the figures (status reverted)\n"

#endif
