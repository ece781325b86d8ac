#ifndef CRESCENT_LUA_SHIM_H
#define CRESCENT_LUA_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

/// Why a run was stopped by the shim. Sticky until `crescent_limits_arm` resets it.
typedef enum {
    CRESCENT_TRIP_NONE = 0,
    CRESCENT_TRIP_BUDGET = 1,
    CRESCENT_TRIP_DEADLINE = 2,
    CRESCENT_TRIP_MEMORY = 3,
    CRESCENT_TRIP_FORBIDDEN = 4,
} crescent_trip;

/// Per-state limits. It is also the allocator's userdata, so every coroutine of the
/// state shares one budget (coroutines inherit the hook but must not get a fresh budget).
typedef struct crescent_limits {
    size_t memory_used;
    size_t memory_limit;       /* 0: no cap */
    size_t memory_peak;
    int host_mode;             /* 1 while the host pushes values: cap + headroom */
    size_t host_headroom;
    int64_t instructions_left; /* in hook ticks of CRESCENT_HOOK_INTERVAL instructions */
    int64_t instructions_budget;
    double deadline;           /* monotonic seconds; 0: none */
    int armed;                 /* limits enforced only while a script runs */
    int trip;                  /* crescent_trip */
    int pattern_steps_left;    /* backtracking budget of one pattern call */
    /* Where the innermost Lua frame was when the last error was handled. */
    int error_line;
    char error_source[256];
} crescent_limits;

#define CRESCENT_HOOK_INTERVAL 1000

/// A Swift callback. Returns the number of results it pushed, or -1 after pushing an
/// error message; the C trampoline then raises it with lua_error once Swift has returned.
typedef int (*crescent_swift_fn)(lua_State *L, void *context);

lua_State *crescent_newstate(crescent_limits *limits);
void crescent_close(lua_State *L);
double crescent_monotonic_now(void);

/// Starts enforcing limits for one run: `budget` instructions (0: none),
/// `seconds` wall clock (0: none). Clears any previous trip.
void crescent_limits_arm(crescent_limits *limits, int64_t budget, double seconds);
void crescent_limits_disarm(crescent_limits *limits);
/// Arms the limits and resets this thread's hook to its normal interval.
void crescent_arm(lua_State *L, crescent_limits *limits, int64_t budget, double seconds);

/// Pushes a Lua C function that calls `fn(L, context)` (both kept as upvalues).
void crescent_push_swift_function(lua_State *L, crescent_swift_fn fn, void *context);

/// Pushes the message handler used for every protected call: it turns any error value
/// into a string (safely, even when `__tostring` errors) and records the innermost Lua line.
void crescent_push_message_handler(lua_State *L);

/// Loads a text chunk (binary chunks are refused) then calls it under lua_pcall with the
/// message handler. Stack: [function args...] -> [results...] or [message].
int crescent_pcall(lua_State *L, int nargs, int nresults);

/// Opens the standard libraries the sandbox draws from (base, string, table, math,
/// utf8, coroutine) and replaces the string pattern functions with bounded ones.
void crescent_open_sandbox_libs(lua_State *L);

/// Pushes a function `forbid(name, reason)` that returns a stub; calling the stub raises
/// "forbidden: `name` is not available in the sandbox (reason)" and marks the trip.
void crescent_push_forbidden_factory(lua_State *L);

/// Pushes a function returning the current line of the innermost script frame (a chunk
/// loaded from a file, `@name`), so declarations can remember where they were written.
void crescent_push_script_line_function(lua_State *L);

/// Pushes `keep_frame(fn)`: wraps a Lua function in a C closure so that a tail call to it
/// keeps the calling script frame (for error positions and `script_line`).
void crescent_push_keep_frame_function(lua_State *L);

/* Macro wrappers Swift cannot import. */
int crescent_upvalueindex(int i);
int crescent_registryindex(void);
void crescent_pop(lua_State *L, int n);
void crescent_newtable(lua_State *L);
void crescent_collect_garbage(lua_State *L);
/// Switches to generational GC: a large preloaded population is not re-marked by every cycle.
void crescent_gc_generational(lua_State *L);
int crescent_isnoneornil(lua_State *L, int idx);
const char *crescent_tolstring(lua_State *L, int idx, size_t *len);

/* Bounded pattern functions (find, match, gmatch, gsub). */
int crescent_open_bounded_patterns(lua_State *L);

#endif
