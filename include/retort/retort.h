/*
 * retort/retort.h - everything libretort offers, in one include.
 *
 * retort runs Alembic-compatible schema migrations written as SQL scripts.
 * Start with retort/context.h (loading a configuration), then
 * retort/commands.h (the commands).  Errors: retort/error.h.
 */
#ifndef RETORT_RETORT_H
#define RETORT_RETORT_H

#include "common.h"
#include "error.h"
#include "context.h"
#include "commands.h"

#endif
