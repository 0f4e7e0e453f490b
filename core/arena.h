/* arena.h — one block of memory handed out in 64-byte aligned pieces.
 * Planned once per network and input size; nothing is freed piecewise.
 * Used in two passes: a sizing pass with base == NULL counts the bytes,
 * then the real pass hands out pointers into one malloc. */
#ifndef MG_ARENA_H
#define MG_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct
{
  char  *base;     /* NULL while sizing */
  size_t size;     /* bytes available (0 while sizing) */
  size_t used;     /* bytes handed out so far */
  bool   overflow; /* a request did not fit or its size overflowed */
} MgArena;

/* Starts a sizing pass: mg_arena_alloc returns NULL but counts. */
void   mg_arena_begin_sizing (MgArena *arena);
/* Allocates arena->used bytes (from a sizing pass) and resets for the real
 * pass. Returns false when out of memory or when the sizing overflowed. */
bool   mg_arena_allocate     (MgArena *arena);
/* count floats, zeroed; NULL while sizing or on overflow. */
float *mg_arena_floats       (MgArena *arena, size_t count);
void   mg_arena_free         (MgArena *arena);

#endif /* MG_ARENA_H */
