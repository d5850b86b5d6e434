/*
 * alloc.c -- case-allocation extract validation (see alloc.h).
 *
 * Pipeline, as roster.c: text_decode (encoding -> UTF-8) -> csv_sniff
 * (delimiter) -> csv streaming parse, one callback per record -> header
 * mapping (first non-empty record) -> per-row validation -> emit; all but the
 * per-row validation is extract.c's.  Memory is one record (the CSV parser's
 * buffer plus a trimmed copy) and a table of 16-byte key hashes for the
 * repeated-period check, never the parsed rows.
 */
#include <string.h>

#include "alloc.h"
#include "extract.h"

#define ALLOC_MAX_FIELD 4096   /* bytes in one value */

enum col { COL_CASE, COL_TEAM, COL_WORKER, COL_ALLOCATED, COL_ENDED, COL_COUNT };

static const char *const col_name[COL_COUNT] = {
	"case_id", "team", "worker_id", "allocated_on", "ended_on",
};

/* Header spellings, normalised: ASCII lower case without spaces, '_', '-', '.'. */
static const struct extract_alias header_alias[] = {
	{ "caseid", COL_CASE }, { "casereference", COL_CASE }, { "caseref", COL_CASE },
	{ "casenumber", COL_CASE }, { "caseno", COL_CASE }, { "childid", COL_CASE },
	{ "childreference", COL_CASE }, { "childref", COL_CASE },
	{ "team", COL_TEAM }, { "teamname", COL_TEAM }, { "teamcode", COL_TEAM },
	{ "allocatedteam", COL_TEAM },
	{ "workerid", COL_WORKER }, { "worker", COL_WORKER }, { "allocatedworker", COL_WORKER },
	{ "allocatedworkerid", COL_WORKER }, { "socialworkerid", COL_WORKER },
	{ "socialworker", COL_WORKER }, { "staffid", COL_WORKER },
	{ "allocatedon", COL_ALLOCATED }, { "startdate", COL_ALLOCATED },
	{ "allocationstart", COL_ALLOCATED }, { "allocationstartdate", COL_ALLOCATED },
	{ "allocationdate", COL_ALLOCATED }, { "dateallocated", COL_ALLOCATED },
	{ "endedon", COL_ENDED }, { "enddate", COL_ENDED }, { "allocationend", COL_ENDED },
	{ "allocationenddate", COL_ENDED }, { "dateended", COL_ENDED },
};

static const char *const required_hint[COL_COUNT] = {
	"also accepted: Child ID, Case Reference, Case Number",
	"also accepted: Team Name, Team Code, Allocated Team",
	"also accepted: Worker, Allocated Worker, Social Worker ID, Staff ID",
	"also accepted: Start Date, Allocation Start, Allocation Date",
	"also accepted: End Date, Allocation End; leave the value empty while the worker still holds the case",
};

static const struct extract_spec alloc_spec = {
	col_name, COL_COUNT,
	header_alias, sizeof header_alias / sizeof header_alias[0],
	COL_COUNT, required_hint,   /* every column is required */
	NULL,                       /* no comma hint */
	1,                          /* an undecodable file: on the line of the problem */
	ALLOC_MAX_FIELD,
};

/* ---- the parse ---- */

struct aparse {
	alloc_row_cb emit;
	void *ud;
	struct extract_keys keys;   /* (case_id, worker_id, allocated_on) seen */
};

/* An id column: required, no control characters.  0, or -1 (fatal). */
static int check_id(struct extract *x, long row, enum col c, const char *raw, const char *v,
		    const char *empty_msg)
{
	if (!*v)
		return extract_problem(x, row, col_name[c], raw, "%s", empty_msg);
	if (extract_has_control(v))
		return extract_problem(x, row, col_name[c], raw, "%s contains a line break or tab",
				       col_name[c]);
	return 0;
}

static int do_row(void *ud, struct extract *x, long row, const char *const *raw,
		  const char *const *val)
{
	struct aparse *r = ud;
	size_t errs_before = errlist_total(x->errs);

	struct alloc_row out;
	memset(&out, 0, sizeof out);
	out.row = row;
	out.case_id = val[COL_CASE];
	out.team = val[COL_TEAM];
	out.worker_id = val[COL_WORKER];

	if (check_id(x, row, COL_CASE, raw[COL_CASE], val[COL_CASE],
		     "case_id is empty: every row needs the child's case reference") < 0 ||
	    check_id(x, row, COL_TEAM, raw[COL_TEAM], val[COL_TEAM],
		     "team is empty: every row needs the team that held the case") < 0 ||
	    check_id(x, row, COL_WORKER, raw[COL_WORKER], val[COL_WORKER],
		     "worker_id is empty: every row needs the allocated worker (a period "
		     "without a worker is not an allocation; leave it out)") < 0)
		return -1;
	int ids_ok = errlist_total(x->errs) == errs_before;

	if (!*val[COL_ALLOCATED]) {
		if (extract_problem(x, row, "allocated_on", raw[COL_ALLOCATED],
				    "allocated_on is empty: every row needs the date the worker was "
				    "allocated, e.g. 2026-03-31 or 31/03/2026") < 0)
			return -1;
	} else if (extract_date(x, row, col_name[COL_ALLOCATED], raw[COL_ALLOCATED],
				val[COL_ALLOCATED], out.allocated_on) < 0) {
		return -1;
	}
	if (extract_date(x, row, col_name[COL_ENDED], raw[COL_ENDED], val[COL_ENDED],
			 out.ended_on) < 0)
		return -1;
	if (out.allocated_on[0] && out.ended_on[0] && strcmp(out.ended_on, out.allocated_on) < 0 &&
	    extract_problem(x, row, "ended_on", raw[COL_ENDED],
			    "ended_on %s is before allocated_on %s: check the order of the two dates",
			    out.ended_on, out.allocated_on) < 0)
		return -1;

	if (ids_ok && out.allocated_on[0]) {
		const char *key[3] = { out.case_id, out.worker_id, out.allocated_on };
		long prev = extract_keys_add(&r->keys, key, 3, row);
		if (prev < 0)
			return -1;
		if (prev > 0 &&
		    extract_problem(x, row, "allocated_on", raw[COL_ALLOCATED],
				    "case %s is allocated to worker %s from %s on both row %ld and row %ld; "
				    "a period appears once: remove the repeated row or correct its dates",
				    out.case_id, out.worker_id, out.allocated_on, prev, row) < 0)
			return -1;
	}

	if (errlist_total(x->errs) != errs_before)
		return 0;   /* the row has problems: not emitted */
	x->valid_rows++;
	return r->emit(r->ud, &out) < 0 ? -1 : 0;
}

int alloc_parse_info(const char *data, size_t len, const struct alloc_options *opt,
		     alloc_row_cb emit, void *ud, struct errlist *errs, struct alloc_info *info)
{
	struct aparse r = { emit, ud, { NULL, 0, 0 } };
	struct extract x;
	struct alloc_info dummy;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof *info);
	extract_init(&x, &alloc_spec, opt ? opt->max_rows : 0, do_row, NULL, &r, errs);
	int rc = extract_run(&x, data, len);
	info->encoding = x.encoding;
	info->delimiter = x.delim;
	if (rc >= 0) {
		info->data_rows = x.data_rows;
		info->valid_rows = x.valid_rows;
	}
	extract_keys_free(&r.keys);
	return rc;
}

int alloc_parse(const char *data, size_t len, const struct alloc_options *opt,
		alloc_row_cb emit, void *ud, struct errlist *errs)
{
	return alloc_parse_info(data, len, opt, emit, ud, errs, NULL);
}
