-- expect: runtime
coroutine.yield(1)
