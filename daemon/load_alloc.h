/*
 * load_alloc.c -- the allocations half of load.c: builds the store-an-upload
 * job for kind=allocations (BEGIN; CREATE TEMP TABLE steady_alloc_in; COPY;
 * SELECT steady_load_allocations(...); COMMIT).  load_prepare() checks the
 * request's kind, source and as_of and the file's hash, then hands over here.
 * No I/O: the job is run by the caller (steadyd's db.c, steadyctl).
 */
#ifndef STEADY_LOAD_ALLOC_H
#define STEADY_LOAD_ALLOC_H

#include "errlist.h"
#include "load.h"

/* plan->as_of and plan->sha256 are already set and req is otherwise valid.
 * Returns as load_prepare: 0, the job stores the file; 1, errs lists the
 * problems and, when plan->check_only, the job asks the database for unknown
 * teams among the valid rows and rolls back; -1, fatal (out of memory). */
int load_alloc_prepare(const struct load_request *req, struct load_plan *plan,
		       struct errlist *errs);

#endif
