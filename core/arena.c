/* arena.c — bump allocator with overflow checks (after ggml_new_object). */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MG_ARENA_ALIGN 64

void
mg_arena_begin_sizing (MgArena *arena)
{
  arena->base = NULL;
  arena->size = 0;
  arena->used = 0;
  arena->overflow = false;
}

bool
mg_arena_allocate (MgArena *arena)
{
  size_t size = arena->used;

  if (arena->overflow)
    return false;
  if (size == 0)
    size = MG_ARENA_ALIGN;
  arena->base = aligned_alloc (MG_ARENA_ALIGN, size);
  if (arena->base == NULL)
    return false;
  memset (arena->base, 0, size);
  arena->size = size;
  arena->used = 0;
  return true;
}

float *
mg_arena_floats (MgArena *arena, size_t count)
{
  size_t bytes;
  size_t start;

  if (arena->overflow || count > (SIZE_MAX - MG_ARENA_ALIGN) / sizeof (float))
    {
      arena->overflow = true;
      return NULL;
    }
  /* round every piece up to the alignment so the next one stays aligned */
  bytes = (count * sizeof (float) + MG_ARENA_ALIGN - 1)
          & ~(size_t) (MG_ARENA_ALIGN - 1);
  start = arena->used;
  if (start > SIZE_MAX - bytes)
    {
      arena->overflow = true;
      return NULL;
    }
  arena->used = start + bytes;
  if (arena->base == NULL)
    return NULL;
  if (arena->used > arena->size)
    {
      arena->overflow = true;
      return NULL;
    }
  return (float *) (arena->base + start);
}

void
mg_arena_free (MgArena *arena)
{
  if (arena == NULL)
    return;
  free (arena->base);
  arena->base = NULL;
  arena->size = arena->used = 0;
}
