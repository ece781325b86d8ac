#include "CLuaShim.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double crescent_monotonic_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Allocator with a cap. Never fails a shrink or a free (Lua requires it). ---- */

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    crescent_limits *lim = (crescent_limits *)ud;
    size_t old = ptr ? osize : 0; /* osize is a type tag when ptr is NULL */
    if (nsize == 0) {
        free(ptr);
        lim->memory_used -= old;
        return NULL;
    }
    if (nsize > old && lim->memory_limit) {
        size_t cap = lim->memory_limit + (lim->host_mode ? lim->host_headroom : 0);
        if (lim->memory_used - old + nsize > cap) {
            if (lim->armed && !lim->trip) lim->trip = CRESCENT_TRIP_MEMORY;
            return NULL;
        }
    }
    void *block = realloc(ptr, nsize);
    if (!block) return NULL;
    lim->memory_used = lim->memory_used - old + nsize;
    if (lim->memory_used > lim->memory_peak) lim->memory_peak = lim->memory_used;
    return block;
}

static int at_panic(lua_State *L) {
    /* Only reachable through a host bug (an error outside any protected call). */
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "crescent: unprotected Lua error: %s\n", msg ? msg : "?");
    abort();
}

/* ---- Instruction budget and deadline. Trips are sticky so pcall cannot swallow them. ---- */

static void limits_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    void *ud = NULL;
    lua_getallocf(L, &ud);
    crescent_limits *lim = (crescent_limits *)ud;
    if (!lim->armed) return;
    if (lim->trip == CRESCENT_TRIP_BUDGET || lim->trip == CRESCENT_TRIP_DEADLINE) goto raise;
    if (lim->instructions_budget > 0 && --lim->instructions_left <= 0) {
        lim->trip = CRESCENT_TRIP_BUDGET;
        goto raise;
    }
    if (lim->deadline > 0 && crescent_monotonic_now() > lim->deadline) {
        lim->trip = CRESCENT_TRIP_DEADLINE;
        goto raise;
    }
    return;
raise:
    /* Fire on every instruction from now on, in this thread and the main one, so a loop of
       pcalls cannot keep catching the trip: the first instruction after a pcall returns errors. */
    lua_sethook(L, limits_hook, LUA_MASKCOUNT, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
    lua_State *main_thread = lua_tothread(L, -1);
    lua_pop(L, 1);
    if (main_thread && main_thread != L) lua_sethook(main_thread, limits_hook, LUA_MASKCOUNT, 1);
    /* Inside a hook, level 0 is the function that was running (luaL_error would blame its caller). */
    lua_Debug here;
    if (lua_getstack(L, 0, &here) && lua_getinfo(L, "Sl", &here) && here.currentline > 0)
        lua_pushfstring(L, "%s:%d: ", here.short_src, here.currentline);
    else
        lua_pushliteral(L, "");
    if (lim->trip == CRESCENT_TRIP_BUDGET)
        lua_pushfstring(L, "instruction budget exhausted (%I instructions)",
                        (lua_Integer)(lim->instructions_budget * CRESCENT_HOOK_INTERVAL));
    else
        lua_pushliteral(L, "deadline exceeded");
    lua_concat(L, 2);
    lua_error(L);
}

lua_State *crescent_newstate(crescent_limits *limits) {
    lua_State *L = lua_newstate(capped_alloc, limits);
    if (!L) return NULL;
    lua_atpanic(L, at_panic);
    lua_sethook(L, limits_hook, LUA_MASKCOUNT, CRESCENT_HOOK_INTERVAL);
    return L;
}

void crescent_close(lua_State *L) {
    /* Collect first so no finalizer runs while the state is half torn down (CVE-2024-46981). */
    lua_gc(L, LUA_GCCOLLECT);
    lua_close(L);
}

void crescent_arm(lua_State *L, crescent_limits *lim, int64_t budget, double seconds) {
    lua_sethook(L, limits_hook, LUA_MASKCOUNT, CRESCENT_HOOK_INTERVAL);
    crescent_limits_arm(lim, budget, seconds);
}

void crescent_limits_arm(crescent_limits *lim, int64_t budget, double seconds) {
    lim->trip = CRESCENT_TRIP_NONE;
    lim->instructions_budget = budget > 0 ? (budget + CRESCENT_HOOK_INTERVAL - 1) / CRESCENT_HOOK_INTERVAL : 0;
    lim->instructions_left = lim->instructions_budget;
    lim->deadline = seconds > 0 ? crescent_monotonic_now() + seconds : 0;
    lim->error_line = 0;
    lim->error_source[0] = 0;
    lim->host_mode = 0;
    lim->armed = 1;
}

void crescent_limits_disarm(crescent_limits *lim) {
    lim->armed = 0;
    lim->host_mode = 1;
}

/* ---- Swift callbacks ---- */

static int swift_trampoline(lua_State *L) {
    crescent_swift_fn fn = (crescent_swift_fn)lua_touserdata(L, lua_upvalueindex(1));
    void *context = lua_touserdata(L, lua_upvalueindex(2));
    void *ud = NULL;
    lua_getallocf(L, &ud);
    crescent_limits *lim = (crescent_limits *)ud;
    /* Room for Swift to push its results and headroom so a push cannot raise. */
    luaL_checkstack(L, 32, "host call");
    int saved = lim->host_mode;
    lim->host_mode = 1;
    int n = fn(L, context);
    lim->host_mode = saved;
    if (n < 0) return lua_error(L); /* Swift has returned: raising is safe here. */
    return n;
}

void crescent_push_swift_function(lua_State *L, crescent_swift_fn fn, void *context) {
    lua_pushlightuserdata(L, (void *)fn);
    lua_pushlightuserdata(L, context);
    lua_pushcclosure(L, swift_trampoline, 2);
}

static int forbidden_stub(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    crescent_limits *lim = (crescent_limits *)ud;
    const char *what = lua_tostring(L, lua_upvalueindex(1));
    const char *why = lua_tostring(L, lua_upvalueindex(2));
    if (lim->armed) lim->trip = CRESCENT_TRIP_FORBIDDEN;
    /* Blame the script's line, not a sandbox wrapper that called us on its behalf. */
    lua_Debug ar;
    int top = lua_gettop(L);
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && ar.source[0] == '@') {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            break;
        }
    }
    if (lua_gettop(L) == top) lua_pushliteral(L, "");
    lua_pushfstring(L, "forbidden: `%s` is not available in the sandbox (%s)", what ? what : "?",
                    why ? why : "not allowed");
    lua_concat(L, 2);
    return lua_error(L);
}

static int forbidden_factory(lua_State *L) {
    luaL_checkstring(L, 1);
    luaL_checkstring(L, 2);
    lua_settop(L, 2);
    lua_pushcclosure(L, forbidden_stub, 2);
    return 1;
}

void crescent_push_forbidden_factory(lua_State *L) { lua_pushcfunction(L, forbidden_factory); }

/* Calls its upvalue with its arguments. Being a C function, it leaves the caller's frame on
   the stack even when tail-called (`return coupon { ... }`), so an error inside is blamed
   on the script's line and `script_line()` finds it. */
static int keep_frame_call(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checkstack(L, 2, "keep_frame");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static int keep_frame(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushcclosure(L, keep_frame_call, 1);
    return 1;
}

void crescent_push_keep_frame_function(lua_State *L) { lua_pushcfunction(L, keep_frame); }

/* ---- Error handling ---- */

static int safe_tostring(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

static void record_position(lua_State *L, crescent_limits *lim) {
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar)) continue;
        if (ar.currentline > 0 && ar.source && ar.source[0] == '@') {
            lim->error_line = ar.currentline;
            strncpy(lim->error_source, ar.source + 1, sizeof lim->error_source - 1);
            lim->error_source[sizeof lim->error_source - 1] = 0;
            return;
        }
    }
}

static int message_handler(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    crescent_limits *lim = (crescent_limits *)ud;
    if (lim->error_line == 0) record_position(L, lim);
    int t = lua_type(L, 1);
    if (t == LUA_TSTRING) return 1;
    if (t == LUA_TNUMBER) { luaL_tolstring(L, 1, NULL); return 1; }
    if (t == LUA_TNIL) { lua_pushliteral(L, "error called with a nil value"); return 1; }
    if (luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushcfunction(L, safe_tostring);
        lua_pushvalue(L, 1);
        if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING) return 1;
        lua_pushfstring(L, "error with a %s value whose __tostring failed", luaL_typename(L, 1));
        return 1;
    }
    lua_pushfstring(L, "error with a %s value", luaL_typename(L, 1));
    return 1;
}

static int script_line(lua_State *L) {
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && ar.source[0] == '@') {
            lua_pushinteger(L, ar.currentline);
            return 1;
        }
    }
    lua_pushinteger(L, 0);
    return 1;
}

void crescent_push_script_line_function(lua_State *L) { lua_pushcfunction(L, script_line); }

void crescent_push_message_handler(lua_State *L) { lua_pushcfunction(L, message_handler); }

int crescent_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs; /* function index */
    lua_pushcfunction(L, message_handler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

void crescent_open_sandbox_libs(lua_State *L) {
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},       {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine},
        {NULL, NULL}};
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    /* Replace the pattern functions with bounded copies. */
    lua_getglobal(L, LUA_STRLIBNAME);
    crescent_open_bounded_patterns(L);
    lua_pop(L, 1);
}

/* ---- Macro wrappers ---- */

int crescent_upvalueindex(int i) { return lua_upvalueindex(i); }
int crescent_registryindex(void) { return LUA_REGISTRYINDEX; }
void crescent_pop(lua_State *L, int n) { lua_pop(L, n); }
void crescent_newtable(lua_State *L) { lua_newtable(L); }
void crescent_collect_garbage(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }
void crescent_gc_generational(lua_State *L) { lua_gc(L, LUA_GCGEN, 0, 0); }
int crescent_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
const char *crescent_tolstring(lua_State *L, int idx, size_t *len) { return lua_tolstring(L, idx, len); }
