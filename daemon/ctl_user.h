/*
 * ctl_user.c -- steadyctl's access-control commands: user add/passwd/del/list,
 * token add/list/revoke (API tokens), display-token add/list/revoke.  Tokens
 * are printed once and stored only as SHA-256 digests; passwords are read
 * from the terminal (echo off) or the first line of standard input and
 * stored as argon2id hashes.
 */
#ifndef STEADY_CTL_USER_H
#define STEADY_CTL_USER_H

#include <libpq-fe.h>
#include <stdio.h>

/* 1 when `cmd` is one of ours ("user", "token", "display-token"). */
int ctl_user_handles(const char *cmd);
/* Runs it; returns the exit status (0, 1 failure, 64 usage). */
int ctl_user_main(PGconn *conn, const char *cmd, int argc, char **argv);
void ctl_user_usage(FILE *f);

#endif
