/* error.h — filling an MgError (internal to the core). */
#ifndef MG_ERROR_H
#define MG_ERROR_H

#include "maskgrow-core.h"

/* Sets err (if not NULL) to code and a printf-formatted message; returns
 * code, so callers can write `return mg_error_set (err, ...)`. */
MgStatus mg_error_set (MgError *err, MgStatus code, const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));

#endif /* MG_ERROR_H */
