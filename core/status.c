/* status.c — status names and error messages of the core. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

const char *
mg_status_name (MgStatus status)
{
  switch (status)
    {
    case MG_STATUS_OK:               return "ok";
    case MG_STATUS_INVALID_ARGUMENT: return "invalid-argument";
    case MG_STATUS_NO_MEMORY:        return "no-memory";
    case MG_STATUS_IO:               return "io";
    case MG_STATUS_CORRUPT_MODEL:    return "corrupt-model";
    case MG_STATUS_INCOMPATIBLE:     return "incompatible";
    case MG_STATUS_CANCELLED:        return "cancelled";
    }
  return "unknown";
}

MgStatus
mg_error_set (MgError *err, MgStatus code, const char *format, ...)
{
  if (err != NULL)
    {
      va_list args;

      err->code = code;
      va_start (args, format);
      vsnprintf (err->message, sizeof err->message, format, args);
      va_end (args);
    }
  return code;
}
